import Fluent
import Foundation
import SQLKit
import UsherCore
import Vapor

struct IdentityStoreView: Content, Equatable {
    /// What the store's customers may do themselves on `/account` (issue 23).
    struct SelfService: Content, Equatable {
        /// false: the account page offers no Delete, and a delete request is refused.
        var accountDeletion: Bool
    }

    var name: String
    var identifiers: [String]
    var description: String?
    var selfService: SelfService
    var created: Date
}

/// Identity stores: the populations of customer accounts.
struct IdentityStoreService {
    let db: any Database

    static func view(_ model: IdentityStoreModel) -> IdentityStoreView {
        IdentityStoreView(
            name: model.id ?? "", identifiers: model.identifierList, description: model.storeDescription,
            selfService: .init(accountDeletion: model.allowsAccountDeletion), created: model.createdAt)
    }

    /// `selfService` of a create or update body: `accountDeletion`, when given.
    static func readSelfService(_ r: JSONObjectReader) -> Bool? {
        guard let o = r.object("selfService") else { return nil }
        let accountDeletion = o.bool("accountDeletion")
        o.finish()
        return accountDeletion
    }

    func list() async throws -> [IdentityStoreView] {
        try await IdentityStoreModel.query(on: db).sort(\.$id).all().map(Self.view)
    }

    /// The store, or 404.
    /// `context`: read the way the admin API's hot path reads (`UsherContext.read`).
    func require(_ name: String, context: UsherContext? = nil) async throws -> IdentityStoreModel {
        guard Names.isValidStoreName(name), let store = try await find(name, context: context) else { throw Self.notFound(name) }
        return store
    }

    static func notFound(_ name: String) -> UsherError {
        UsherError(status: 404, errorKey: .identityStoreNotFound, title: "Not found", detail: "No identity store named '\(name)' exists.")
    }

    /// One row by its key, without Fluent's reflection (every invitation reads its store).
    private func find(_ name: String, context: UsherContext?) async throws -> IdentityStoreModel? {
        let rows = try await db.rows(
            PlannedStatement("SELECT \(Self.columns(of: "s", prefix: "")) FROM identity_stores s WHERE s.name = ?", [name]),
            context: context)
        return try rows.first.map { try Self.model($0, prefix: "") }
    }

    /// The columns `model(_:prefix:)` reads, of the table aliased `table`, each named with `prefix`:
    /// for a read that joins the store to what else a request needs (InvitationService.lookups).
    static func columns(of table: String, prefix: String) -> String {
        ["name", "identifiers", "description", "created_at", "account_deletion"].map { "\(table).\($0) AS \(prefix)\($0)" }
            .joined(separator: ", ")
    }

    static func model(_ row: any SQLRow, prefix: String) throws -> IdentityStoreModel {
        struct Row: Decodable {
            var name: String
            var identifiers: String
            var description: String?
            var created_at: Date
            var account_deletion: Bool?
        }
        let decoded = try row.decode(model: Row.self, prefix: prefix)
        let store = IdentityStoreModel()
        store.id = decoded.name
        store.identifiers = decoded.identifiers
        store.storeDescription = decoded.description
        store.createdAt = decoded.created_at
        store.accountDeletion = decoded.account_deletion
        store.$id.exists = true
        return store
    }

    struct CreateRequest: Sendable {
        var name: String
        var identifiers: [IdentifierKind]
        var description: String?
        var accountDeletion: Bool?

        static func read(_ r: JSONObjectReader) throws -> CreateRequest {
            let name = r.string("name", required: true, max: 64)
            if let name, !Names.isValidStoreName(name) { r.sink.add("name", "may hold only letters, digits, '-' and '_'") }
            let raw = r.stringArray("identifiers", required: true, maxCount: 2, maxLength: 20) ?? []
            var kinds: [IdentifierKind] = []
            for (i, s) in raw.enumerated() {
                guard let kind = IdentifierKind(rawValue: s) else {
                    r.sink.add("identifiers[\(i)]", "must be EMAIL or USERNAME")
                    continue
                }
                if !kinds.contains(kind) { kinds.append(kind) }
            }
            if r.has("identifiers") && kinds.isEmpty && r.sink.errors.isEmpty {
                r.sink.add("identifiers", "must name at least one of EMAIL, USERNAME")
            }
            let description = r.string("description", max: 1000)
            let accountDeletion = IdentityStoreService.readSelfService(r)
            try r.validate()
            return CreateRequest(name: name!, identifiers: kinds, description: description, accountDeletion: accountDeletion)
        }
    }

    func create(_ request: CreateRequest, by actor: Actor) async throws -> IdentityStoreView {
        let model = IdentityStoreModel(
            name: request.name, identifiers: request.identifiers.map(\.rawValue), description: request.description, createdAt: Date())
        model.accountDeletion = request.accountDeletion
        do {
            try await db.write { tx in
                try await model.create(on: tx)
                try await Audit.record(
                    on: tx, actor: actor, action: .identityStoreCreated, store: request.name, targetType: "identityStore",
                    targetId: request.name,
                    details: ["identifiers": model.identifiers])
            }
        } catch let error where error.isConstraintViolation {
            throw UsherError.conflict(.identityStoreExists, "An identity store named '\(request.name)' already exists.")
        }
        return Self.view(model)
    }

    func update(_ name: String, reader r: JSONObjectReader, by actor: Actor) async throws -> IdentityStoreView {
        let store = try await require(name)
        if r.has("name"), let newName = r.string("name", max: 64), newName != name {
            r.sink.add("name", "cannot be changed: accounts, groups and applications refer to the store by name")
        }
        if let raw = r.stringArray("identifiers", maxCount: 2, maxLength: 20), Set(raw) != Set(store.identifierList) {
            r.sink.add("identifiers", "cannot be changed once the store exists")
        }
        let description = r.string("description", max: 1000, allowEmpty: true)
        let accountDeletion = Self.readSelfService(r)
        try r.validate()
        if r.has("description") { store.storeDescription = description?.isEmpty == true ? nil : description }
        if let accountDeletion { store.accountDeletion = accountDeletion }
        try await db.write { tx in
            try await store.save(on: tx)
            try await Audit.record(
                on: tx, actor: actor, action: .identityStoreUpdated, store: name, targetType: "identityStore", targetId: name,
                details: accountDeletion.map { ["selfService.accountDeletion": String($0)] } ?? [:])
        }
        return Self.view(store)
    }

    /// Only an empty store can go: deleting customers by accident must not be one call away.
    func delete(_ name: String, by actor: Actor) async throws {
        let store = try await require(name)
        if name == "default" {
            throw UsherError.conflict(.identityStoreIsDefault, "The 'default' identity store cannot be deleted.")
        }
        let accounts = try await AccountModel.query(on: db).filter(\.$store == name).count()
        let applications = try await ApplicationModel.query(on: db).filter(\.$store == name).count()
        let invitations = try await InvitationModel.query(on: db).filter(\.$store == name).count()
        let groups = try await GroupModel.query(on: db).filter(\.$store == name).count()
        guard accounts + applications + invitations + groups == 0 else {
            throw UsherError.conflict(
                .identityStoreNotEmpty,
                "The identity store '\(name)' still holds \(accounts) accounts, \(groups) groups, \(applications) applications and \(invitations) invitations; delete them first."
            )
        }
        try await db.write { tx in
            try await store.delete(on: tx)
            try await Audit.record(
                on: tx, actor: actor, action: .identityStoreDeleted, store: name, targetType: "identityStore", targetId: name)
        }
    }
}
