import Fluent
import Foundation
import SQLKit
import UsherCore
import Vapor

/// An account in an organization, with its roles there.
struct OrganizationMemberView: Content, Equatable {
    /// The account's id.
    var id: String
    var email: String?
    var username: String?
    var givenName: String?
    var familyName: String?
    var displayName: String?
    var roles: [IdName]
    var joined: Date
}

extension OrganizationService {
    func members(store: String, id: String, page: PageRequest) async throws -> Listing<OrganizationMemberView> {
        let organization = try await require(store: store, id: id)
        let query = OrganizationMemberModel.query(on: db).filter(\.$organizationId == organization.id!)
        let total = try await query.count()
        let members = try await query.sort(\.$createdAt).sort(\.$id).range(page.offset..<(page.offset + page.size)).all()
        return Listing(items: try await memberViews(members), total: total)
    }

    func member(store: String, id: String, accountId: String) async throws -> OrganizationMemberView {
        let organization = try await require(store: store, id: id)
        guard let member = try await Self.membership(organization: organization.id!, account: accountId, on: db) else {
            throw UsherError.notFound("member", accountId)
        }
        return try await memberViews([member])[0]
    }

    /// Puts the account in the organization with exactly `roleIds` (replacing the roles it had
    /// there); `roleIds` nil keeps the roles of an existing member. Answers whether it joined now.
    @discardableResult
    func putMember(store: String, id: String, accountId: String, roleIds: [String]?, by actor: Actor) async throws -> Bool {
        let organization = try await require(store: store, id: id)
        let account = try await AccountService(db: db, passwords: nil).require(store: store, id: accountId)
        let roles: [RoleModel]?
        if let roleIds { roles = try await RoleService(db: db).resolve(roleIds, store: store) } else { roles = nil }
        return try await db.write { tx in
            var joined = false
            let member: OrganizationMemberModel
            if let existing = try await Self.membership(organization: organization.id!, account: accountId, on: tx) {
                member = existing
            } else {
                member = OrganizationMemberModel(organizationId: organization.id!, accountId: account.id!, createdAt: Date())
                try await member.create(on: tx)
                joined = true
            }
            if let roles {
                try await OrganizationMemberRoleModel.query(on: tx).filter(\.$memberId == member.id!).delete()
                for role in roles { try await OrganizationMemberRoleModel(memberId: member.id!, roleId: role.id!).create(on: tx) }
            }
            try await Audit.record(
                on: tx, actor: actor, action: joined ? .organizationMemberAdded : .organizationMemberRolesChanged, store: store,
                targetType: "organization", targetId: id,
                details: ["accountId": account.id!.idString, "roles": (roles ?? []).map { $0.id!.idString }.joined(separator: ",")])
            return joined
        }
    }

    func removeMember(store: String, id: String, accountId: String, by actor: Actor) async throws {
        let organization = try await require(store: store, id: id)
        try await db.write { tx in
            guard let member = try await Self.membership(organization: organization.id!, account: accountId, on: tx) else {
                throw UsherError.notFound("member", accountId)
            }
            try await OrganizationMemberRoleModel.query(on: tx).filter(\.$memberId == member.id!).delete()
            try await member.delete(on: tx)
            try await Audit.record(
                on: tx, actor: actor, action: .organizationMemberRemoved, store: store, targetType: "organization", targetId: id,
                details: ["accountId": accountId])
        }
    }

    /// Joins a new account to an organization with roles, inside the caller's transaction (an
    /// invitation's acceptance). Roles that no longer exist are skipped.
    static func join(accountId: UUID, organizationId: UUID, roleIds: [UUID], on tx: any Database, now: Date) async throws {
        let member = OrganizationMemberModel(organizationId: organizationId, accountId: accountId, createdAt: now)
        try await member.create(on: tx)
        let existing = roleIds.isEmpty ? [] : try await RoleModel.query(on: tx).filter(\.$id ~~ roleIds).all().compactMap(\.id)
        for roleId in roleIds where existing.contains(roleId) {
            try await OrganizationMemberRoleModel(memberId: member.id!, roleId: roleId).create(on: tx)
        }
    }

    static func membership(organization: UUID, account accountId: String, on db: any Database) async throws -> OrganizationMemberModel? {
        guard let account = UUID(uuidString: accountId) else { return nil }
        return try await OrganizationMemberModel.query(on: db).filter(\.$organizationId == organization).filter(\.$accountId == account)
            .first()
    }

    /// The role names an account holds in an organization, or nil when it is not a member.
    static func roleNames(accountId: UUID, organizationId: UUID, on db: any Database) async throws -> [String]? {
        guard
            let member = try await OrganizationMemberModel.query(on: db).filter(\.$organizationId == organizationId)
                .filter(\.$accountId == accountId).first()
        else { return nil }
        struct Row: Decodable { var name: String }
        return try await db.sql.raw(
            """
            SELECT r.name FROM organization_member_roles m JOIN roles r ON r.id = m.role_id WHERE m.member_id = \(bind: member.id!) ORDER BY r.name
            """
        ).all(decoding: Row.self).map(\.name)
    }

    private func memberViews(_ members: [OrganizationMemberModel]) async throws -> [OrganizationMemberView] {
        guard !members.isEmpty else { return [] }
        let accounts = try await AccountModel.query(on: db).filter(\.$id ~~ members.map(\.accountId)).all()
        let accountById = Dictionary(accounts.map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        let assignments = try await OrganizationMemberRoleModel.query(on: db).filter(\.$memberId ~~ members.compactMap(\.id)).all()
        let roleIds = Array(Set(assignments.map(\.roleId)))
        let roles = roleIds.isEmpty ? [] : try await RoleModel.query(on: db).filter(\.$id ~~ roleIds).all()
        let roleById = Dictionary(roles.map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        return members.compactMap { m in
            guard let a = accountById[m.accountId] else { return nil }
            let held = assignments.filter { $0.memberId == m.id }.compactMap { roleById[$0.roleId] }.sorted { $0.name < $1.name }
            return OrganizationMemberView(
                id: a.id!.idString, email: a.email, username: a.username, givenName: a.givenName, familyName: a.familyName,
                displayName: a.displayName, roles: held.map { IdName(id: $0.id!.idString, name: $0.name) }, joined: m.createdAt)
        }
    }
}
