import Fluent
import Foundation
import UsherCore
import Vapor

struct ExternalLoginProviderView: Content, Equatable, Identifiable {
    var id: String
    var name: String
    var issuer: String
    var clientId: String
    var scopes: [String]
    var claimMapping: [String: String]
    var created: Date
}

/// Upstream OpenID Connect providers customers may sign up and sign in with. The client
/// secret is kept (Usher must present it upstream) but never shown again.
struct ExternalLoginProviderService: ServerResourceService {
    let db: any Database
    let client: any Client

    /// Usher attribute → upstream claim, unless the provider says otherwise.
    static let defaultMapping = ["email": "email", "givenName": "given_name", "familyName": "family_name", "displayName": "name"]
    static let mappable = Set(defaultMapping.keys).union(["phoneNumber", "locale"])

    static func view(_ p: ExternalLoginProviderModel) -> ExternalLoginProviderView {
        ExternalLoginProviderView(
            id: p.id!.idString, name: p.name, issuer: p.issuer, clientId: p.clientId,
            scopes: p.scopes.split(separator: " ").map(String.init),
            claimMapping: JSONText.decode([String: String].self, p.claimMapping) ?? defaultMapping, created: p.createdAt)
    }

    func require(_ id: String) async throws -> ExternalLoginProviderModel {
        try await ExternalLoginProviderModel.require(id, noun: "externalLoginProvider", on: db)
    }

    func list(page: PageRequest) async throws -> Listing<ExternalLoginProviderView> {
        let total = try await ExternalLoginProviderModel.query(on: db).count()
        let items = try await ExternalLoginProviderModel.query(on: db).sort(\.$name).range(page.offset..<(page.offset + page.size)).all()
        return Listing(items: items.map(Self.view), total: total)
    }

    func get(_ id: String) async throws -> ExternalLoginProviderView { Self.view(try await require(id)) }

    private static func readMapping(_ r: JSONObjectReader) -> [String: String]? {
        guard let m = r.object("claimMapping") else { return nil }
        var mapping = defaultMapping
        for (key, value) in m.values {
            _ = m.raw(key)
            guard mappable.contains(key) else {
                r.sink.add(m.field(key), "is not an attribute Usher maps (use \(mappable.sorted().joined(separator: ", ")))")
                continue
            }
            guard case .string(let claim) = value, !claim.isEmpty, claim.count <= 100 else {
                r.sink.add(m.field(key), "must be the name of a claim")
                continue
            }
            mapping[key] = claim
        }
        m.finish()
        return mapping
    }

    func create(reader r: JSONObjectReader, by actor: Actor) async throws -> ExternalLoginProviderView {
        let name = r.string("name", required: true, max: 100)
        let issuer = r.string("issuer", required: true, max: 500)
        let clientId = r.string("clientId", required: true, max: 500)
        let clientSecret = r.string("clientSecret", required: true, max: 2000)
        let scopes = r.stringArray("scopes", maxCount: 20, maxLength: 100)
        let mapping = Self.readMapping(r)
        if let issuer, !(issuer.hasPrefix("https://") || issuer.hasPrefix("http://")) || URL(string: issuer)?.host == nil {
            r.sink.add("issuer", "must be the provider's issuer URL, such as https://accounts.example.com")
        }
        if let scopes, !scopes.contains("openid") { r.sink.add("scopes", "must include openid") }
        try r.validate()
        // Check now that the issuer really is an OpenID provider, so a typo shows up here and
        // not when the first customer tries it.
        _ = try await UpstreamOIDC.discover(issuer!, client: client)

        let p = ExternalLoginProviderModel()
        p.id = UUID()
        p.name = name!
        p.issuer = issuer!.hasSuffix("/") ? String(issuer!.dropLast()) : issuer!
        p.clientId = clientId!
        p.clientSecret = clientSecret!
        p.scopes = (scopes ?? ["openid", "email", "profile"]).joined(separator: " ")
        p.claimMapping = JSONText.encode(mapping ?? Self.defaultMapping)
        p.createdAt = Date()
        do {
            try await db.write { tx in
                try await p.create(on: tx)
                try await Audit.record(
                    on: tx, actor: actor, action: .externalLoginProviderCreated, store: nil, targetType: "externalLoginProvider",
                    targetId: p.id!.idString, details: ["name": p.name, "issuer": p.issuer])
            }
        } catch let error where error.isConstraintViolation {
            throw UsherError.conflict(.externalLoginProviderExists, "An external login provider named '\(name!)' already exists.")
        }
        return Self.view(p)
    }

    func update(_ id: String, reader r: JSONObjectReader, by actor: Actor) async throws -> ExternalLoginProviderView {
        let p = try await require(id)
        let name = r.string("name", max: 100)
        let clientId = r.string("clientId", max: 500)
        let clientSecret = r.string("clientSecret", max: 2000)
        let scopes = r.stringArray("scopes", maxCount: 20, maxLength: 100)
        let mapping = Self.readMapping(r)
        if let scopes, !scopes.contains("openid") { r.sink.add("scopes", "must include openid") }
        try r.validate()
        if let name { p.name = name }
        if let clientId { p.clientId = clientId }
        if let clientSecret { p.clientSecret = clientSecret }
        if let scopes { p.scopes = scopes.joined(separator: " ") }
        if let mapping { p.claimMapping = JSONText.encode(mapping) }
        try await db.write { tx in
            try await p.save(on: tx)
            try await Audit.record(
                on: tx, actor: actor, action: .externalLoginProviderUpdated, store: nil, targetType: "externalLoginProvider", targetId: id)
        }
        return Self.view(p)
    }

    func delete(_ id: String, by actor: Actor) async throws {
        let p = try await require(id)
        try await db.write { tx in
            try await ApplicationProviderModel.query(on: tx).filter(\.$providerId == p.id!).delete()
            try await p.delete(on: tx)
            try await Audit.record(
                on: tx, actor: actor, action: .externalLoginProviderDeleted, store: nil, targetType: "externalLoginProvider", targetId: id)
        }
    }

    /// The providers an application offers, by name.
    static func enabled(for applicationId: UUID, on db: any Database) async throws -> [ExternalLoginProviderModel] {
        let ids = try await ApplicationProviderModel.query(on: db).filter(\.$applicationId == applicationId).all().map(\.providerId)
        return ids.isEmpty ? [] : try await ExternalLoginProviderModel.query(on: db).filter(\.$id ~~ ids).sort(\.$name).all()
    }
}
