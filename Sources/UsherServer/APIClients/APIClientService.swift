import Fluent
import Foundation
import UsherCore
import Vapor

struct APIClientView: Content, Equatable {
    var clientId: String
    var name: String
    var scopes: [String]
    /// Present only in the answer that created the client.
    var clientSecret: String?
    var created: Date
}

/// Programs that use the admin API with the client-credentials grant.
struct APIClientService: ServerResourceService {
    let db: any Database

    static func view(_ c: APIClientModel, secret: String? = nil) -> APIClientView {
        APIClientView(
            clientId: c.id!, name: c.name, scopes: c.scopes.split(separator: " ").map(String.init), clientSecret: secret,
            created: c.createdAt)
    }

    func require(_ id: String) async throws -> APIClientModel {
        guard let c = try await APIClientModel.find(id, on: db) else { throw UsherError.notFound("apiClient", id) }
        return c
    }

    func get(_ id: String) async throws -> APIClientView { Self.view(try await require(id)) }

    func list(page: PageRequest) async throws -> Listing<APIClientView> {
        let total = try await APIClientModel.query(on: db).count()
        let items = try await APIClientModel.query(on: db).sort(\.$createdAt).range(page.offset..<(page.offset + page.size)).all()
        return Listing(items: items.map { Self.view($0) }, total: total)
    }

    func create(reader r: JSONObjectReader, by actor: Actor) async throws -> APIClientView {
        let name = r.string("name", required: true, max: 100)
        let rawScopes = r.stringArray("scopes", required: true, maxCount: 10, maxLength: 40) ?? []
        try r.validate()
        let scopes = try AdminScope.parse(rawScopes)
        try await Self.requireHeld(scopes, by: actor, on: db)
        let secret = SecretToken.generate()
        let client = try await Self.insert(
            id: "api-" + String(SecretToken.generate().prefix(20)), name: name!, secret: secret, scopes: scopes, on: db, by: actor)
        return Self.view(client, secret: secret)
    }

    static func insert(id: String, name: String, secret: String, scopes: [AdminScope], on db: any Database, by actor: Actor) async throws
        -> APIClientModel
    {
        let client = APIClientModel()
        client.id = id
        client.name = name
        client.secretHash = SecretToken.hash(secret)
        client.scopes = scopes.map(\.rawValue).joined(separator: " ")
        client.createdAt = Date()
        do {
            try await db.write { tx in
                try await client.create(on: tx)
                try await Audit.record(
                    on: tx, actor: actor, action: .apiClientCreated, store: nil, targetType: "apiClient", targetId: id,
                    details: ["name": name, "scopes": client.scopes])
            }
        } catch let error where error.isConstraintViolation {
            throw UsherError.conflict(.apiClientExists, "An API client with the id '\(id)' already exists.")
        }
        return client
    }

    func update(_ id: String, reader r: JSONObjectReader, by actor: Actor) async throws -> APIClientView {
        let client = try await require(id)
        let name = r.string("name", max: 100)
        let rawScopes = r.stringArray("scopes", maxCount: 10, maxLength: 40)
        try r.validate()
        if let name { client.name = name }
        if let rawScopes {
            let scopes = try AdminScope.parse(rawScopes)
            let changed = Set(scopes.map(\.rawValue)) != Set(client.scopes.split(separator: " ").map(String.init))
            if changed, actor.kind == .apiClient, actor.id == id {
                throw UsherError(
                    status: 403, errorKey: .apiClientOwnScopes, title: "Forbidden",
                    detail:
                        "An API client cannot change its own scopes. Ask an administrator, or another API client that holds the scopes, to change them."
                )
            }
            try await Self.requireHeld(scopes, by: actor, on: db)
            client.scopes = scopes.map(\.rawValue).joined(separator: " ")
        }
        try await db.write { tx in
            try await client.save(on: tx)
            try await Audit.record(
                on: tx, actor: actor, action: .apiClientUpdated, store: nil, targetType: "apiClient", targetId: id,
                details: ["scopes": client.scopes])
        }
        return Self.view(client)
    }

    /// Security: an API client grants only scopes it holds itself, so `write:config` alone cannot
    /// make a client (or a token) with `write:account`. Administrators in the console may grant any.
    static func requireHeld(_ scopes: [AdminScope], by actor: Actor, on db: any Database) async throws {
        guard actor.kind == .apiClient else { return }
        let held = Set((try await APIClientModel.find(actor.id, on: db))?.scopes.split(separator: " ").map(String.init) ?? [])
        if let missing = scopes.first(where: { !held.contains($0.rawValue) }) {
            throw UsherError(
                status: 403, errorKey: .apiClientScopeNotHeld, title: "Forbidden",
                detail: "An API client can grant only scopes it holds itself, and this one does not hold '\(missing.rawValue)'.")
        }
    }

    func delete(_ id: String, by actor: Actor) async throws {
        let client = try await require(id)
        try await db.write { tx in
            try await client.delete(on: tx)
            try await Audit.record(on: tx, actor: actor, action: .apiClientDeleted, store: nil, targetType: "apiClient", targetId: id)
        }
    }
}

/// An API client's id is its `clientId` (the answer's Location names it).
extension APIClientView: Identifiable {
    var id: String { clientId }
}
