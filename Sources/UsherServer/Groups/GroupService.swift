import Fluent
import Foundation
import UsherCore
import Vapor

struct GroupView: Content, Equatable {
    var id: String
    var store: String
    var name: String
    var description: String?
    var memberCount: Int?
    var created: Date
}

/// Groups of accounts within a store, and their members.
struct GroupService: NamedStoreResourceService {
    let db: any Database

    static func view(_ g: GroupModel, memberCount: Int? = nil) -> GroupView {
        GroupView(
            id: g.id!.uuidString.lowercased(), store: g.store, name: g.name, description: g.groupDescription, memberCount: memberCount,
            created: g.createdAt)
    }

    func list(store: String, page: PageRequest, name: String?) async throws -> Listing<GroupView> {
        let (groups, total) = try await GroupModel.page(in: store, named: name, page: page, on: db)
        let counts = try await memberCounts(groups.compactMap(\.id))
        return Listing(items: groups.map { Self.view($0, memberCount: counts[$0.id!] ?? 0) }, total: total)
    }

    func require(store: String, id: String) async throws -> GroupModel { try await GroupModel.require(id, in: store, on: db) }

    func get(store: String, id: String) async throws -> GroupView {
        let group = try await require(store: store, id: id)
        let members = try await MembershipModel.query(on: db).filter(\.$groupId == group.id!).count()
        return Self.view(group, memberCount: members)
    }

    /// The groups named by id, of any store: 404 for ids that do not exist (SPEC rule 3); the
    /// caller refuses another store's (`requireSameStore`, 400).
    func resolve(_ ids: [String], field: String = "groups") async throws -> [GroupModel] {
        try await GroupModel.requireAll(ids, field: field, noun: "group", plural: "groups", errorKey: .groupNotFound, on: db)
    }

    /// Refuses groups of another store (SPEC rule 3).
    static func requireSameStore(_ groups: [GroupModel], store: String, field: String = "groups") throws {
        try InvitationRules.checkGroups(groups.map { (id: $0.id!.uuidString.lowercased(), store: $0.store) }, store: store)
    }

    func create(store: String, reader r: JSONObjectReader, by actor: Actor) async throws -> GroupView {
        _ = try await IdentityStoreService(db: db).require(store)
        let name = r.string("name", required: true, max: 100)
        let description = r.string("description", max: 1000, allowEmpty: true)
        try r.validate()
        let group = GroupModel(store: store, name: name!, description: description?.isEmpty == true ? nil : description, createdAt: Date())
        try await group.save(auditing: .groupCreated, by: actor, on: db)
        return Self.view(group, memberCount: 0)
    }

    func update(store: String, id: String, reader r: JSONObjectReader, by actor: Actor) async throws -> GroupView {
        let group = try await require(store: store, id: id)
        let name = r.string("name", max: 100)
        let description = r.string("description", max: 1000, allowEmpty: true)
        try r.validate()
        if let name { group.name = name }
        if r.has("description") { group.groupDescription = description?.isEmpty == true ? nil : description }
        try await group.save(auditing: .groupUpdated, details: [:], by: actor, on: db)
        return try await get(store: store, id: id)
    }

    func delete(store: String, id: String, by actor: Actor) async throws {
        let group = try await require(store: store, id: id)
        try await db.write { tx in
            try await MembershipModel.query(on: tx).filter(\.$groupId == group.id!).delete()
            try await ApplicationGroupModel.query(on: tx).filter(\.$groupId == group.id!).delete()
            try await group.delete(on: tx)
            try await Audit.record(
                on: tx, actor: actor, action: .groupDeleted, store: store, targetType: "group", targetId: id, details: ["name": group.name])
        }
    }

    func members(store: String, id: String, page: PageRequest) async throws -> Listing<AccountView> {
        let group = try await require(store: store, id: id)
        let memberships = MembershipModel.query(on: db).filter(\.$groupId == group.id!)
        let total = try await memberships.count()
        let ids = try await memberships.sort(\.$createdAt).range(page.offset..<(page.offset + page.size)).all().map(\.accountId)
        let accounts = try await AccountService(db: db, passwords: nil).views(ids)
        return Listing(items: accounts, total: total)
    }

    func addMember(store: String, id: String, accountId: String, by actor: Actor) async throws {
        let group = try await require(store: store, id: id)
        let account = try await AccountService(db: db, passwords: nil).require(store: store, id: accountId)
        try await db.write { tx in
            let exists =
                try await MembershipModel.query(on: tx).filter(\.$groupId == group.id!).filter(\.$accountId == account.id!).count() > 0
            guard !exists else { return }
            try await MembershipModel(accountId: account.id!, groupId: group.id!, createdAt: Date()).create(on: tx)
            try await Audit.record(
                on: tx, actor: actor, action: .groupMemberAdded, store: store, targetType: "group", targetId: id,
                details: ["accountId": accountId])
        }
    }

    func removeMember(store: String, id: String, accountId: String, by actor: Actor) async throws {
        let group = try await require(store: store, id: id)
        guard let accountUUID = UUID(uuidString: accountId) else { throw UsherError.notFound("account", accountId) }
        try await db.write { tx in
            let removed = try await MembershipModel.query(on: tx).filter(\.$groupId == group.id!).filter(\.$accountId == accountUUID)
                .count()
            guard removed > 0 else { throw UsherError.notFound("member", accountId) }
            try await MembershipModel.query(on: tx).filter(\.$groupId == group.id!).filter(\.$accountId == accountUUID).delete()
            try await Audit.record(
                on: tx, actor: actor, action: .groupMemberRemoved, store: store, targetType: "group", targetId: id,
                details: ["accountId": accountId])
        }
    }
}

extension GroupView: Identifiable {}

extension GroupModel: StoreNamedModel {
    static let noun = "group"
    static var storeField: KeyPath<GroupModel, FieldProperty<GroupModel, String>> { \.$store }
    static var nameField: KeyPath<GroupModel, FieldProperty<GroupModel, String>> { \.$name }
    var nameTaken: UsherError { .conflict(.groupExists, "A group named '\(name)' already exists in the identity store '\(store)'.") }
}
