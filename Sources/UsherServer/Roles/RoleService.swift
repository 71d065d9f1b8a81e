import Fluent
import Foundation
import UsherCore
import Vapor

struct RoleView: Content, Equatable {
    var id: String
    var store: String
    var name: String
    var description: String?
    var created: Date
}

/// Roles: named permission sets per identity store, assigned to accounts in organizations
/// (SPEC: the Role concept).
struct RoleService: NamedStoreResourceService {
    let db: any Database

    static func view(_ r: RoleModel) -> RoleView {
        RoleView(id: r.id!.idString, store: r.store, name: r.name, description: r.roleDescription, created: r.createdAt)
    }

    func list(store: String, page: PageRequest, name: String?) async throws -> Listing<RoleView> {
        let (roles, total) = try await RoleModel.page(in: store, named: name, page: page, on: db)
        return Listing(items: roles.map(Self.view), total: total)
    }

    /// Every role of a store, by name (the console's pickers).
    func all(store: String) async throws -> [RoleModel] { try await RoleModel.all(in: store, on: db) }

    func require(store: String, id: String) async throws -> RoleModel { try await RoleModel.require(id, in: store, on: db) }

    func get(store: String, id: String) async throws -> RoleView {
        Self.view(try await require(store: store, id: id))
    }

    /// The roles named by id: 404 for an id that is not one of this store's roles.
    func resolve(_ ids: [String], store: String, field: String = "roles") async throws -> [RoleModel] {
        try await RoleModel.requireAll(ids, field: field, noun: "role", plural: "roles", errorKey: .roleNotFound, on: db) {
            $0.filter(\.$store == store)
        }
    }

    func create(store: String, reader r: JSONObjectReader, by actor: Actor) async throws -> RoleView {
        _ = try await IdentityStoreService(db: db).require(store)
        let name = r.string("name", required: true, max: 100)
        let description = r.string("description", max: 1000, allowEmpty: true)
        try r.validate()
        let role = RoleModel()
        role.id = UUID()
        role.store = store
        role.name = name!
        role.roleDescription = description?.isEmpty == true ? nil : description
        role.createdAt = Date()
        try await role.save(auditing: .roleCreated, by: actor, on: db)
        return Self.view(role)
    }

    func update(store: String, id: String, reader r: JSONObjectReader, by actor: Actor) async throws -> RoleView {
        let role = try await require(store: store, id: id)
        let name = r.string("name", max: 100)
        let description = r.string("description", max: 1000, allowEmpty: true)
        try r.validate()
        if let name { role.name = name }
        if r.has("description") { role.roleDescription = description?.isEmpty == true ? nil : description }
        try await role.save(auditing: .roleUpdated, by: actor, on: db)
        return Self.view(role)
    }

    /// Deleting a role takes it from every member who had it.
    func delete(store: String, id: String, by actor: Actor) async throws {
        let role = try await require(store: store, id: id)
        try await db.write { tx in
            try await OrganizationMemberRoleModel.query(on: tx).filter(\.$roleId == role.id!).delete()
            try await role.delete(on: tx)
            try await Audit.record(
                on: tx, actor: actor, action: .roleDeleted, store: store, targetType: "role", targetId: id, details: ["name": role.name])
        }
    }
}

extension RoleView: Identifiable {}

extension RoleModel: StoreNamedModel {
    static let noun = "role"
    static var storeField: KeyPath<RoleModel, FieldProperty<RoleModel, String>> { \.$store }
    static var nameField: KeyPath<RoleModel, FieldProperty<RoleModel, String>> { \.$name }
    var nameTaken: UsherError { .conflict(.roleExists, "A role named '\(name)' already exists in the identity store '\(store)'.") }
}
