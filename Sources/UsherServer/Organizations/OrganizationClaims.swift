import Fluent
import Foundation
import SQLKit
import UsherCore

/// The organization a sign-in is for, as the ID token and userinfo state it: `org_id`,
/// `org_name` and `roles` (the names of the account's roles there). SPEC: "for the organization
/// the sign-in is for (the invitation's at sign-up; later the `organization` authorize
/// parameter, or the account's only one)".
struct OrganizationClaims: Sendable, Equatable {
    var id: UUID
    var name: String
    var roles: [String]

    /// The organization `requested` (the sign-in's) when the account is in it; with none
    /// requested, the account's organization if it has exactly one; else nil (no claims).
    static func load(accountId: UUID, requested: UUID?, on db: any Database) async throws -> OrganizationClaims? {
        struct Row: Decodable {
            var id: UUID
            var name: String
        }
        let rows: [Row]
        if let requested {
            rows = try await db.sql.raw(
                """
                SELECT o.id, o.name FROM organization_members m JOIN organizations o ON o.id = m.organization_id
                WHERE m.account_id = \(bind: accountId) AND m.organization_id = \(bind: requested)
                """
            ).all(decoding: Row.self)
        } else {
            rows = try await db.sql.raw(
                """
                SELECT o.id, o.name FROM organization_members m JOIN organizations o ON o.id = m.organization_id
                WHERE m.account_id = \(bind: accountId) LIMIT 2
                """
            ).all(decoding: Row.self)
        }
        guard rows.count == 1, let organization = rows.first else { return nil }
        let roles = try await OrganizationService.roleNames(accountId: accountId, organizationId: organization.id, on: db) ?? []
        return OrganizationClaims(id: organization.id, name: organization.name, roles: roles)
    }

    /// The claims as userinfo JSON members.
    var userInfo: [String: JSONValue] {
        ["org_id": .string(id.idString), "org_name": .string(name), "roles": .array(roles.map { .string($0) })]
    }

    /// The organization an authorization request's `organization` parameter names in a store:
    /// its id, or its name (as Auth0 accepts both). A clear page when there is none.
    static func requested(_ raw: String, store: String, on db: any Database) async throws -> OrganizationModel {
        let byId = UUID(uuidString: raw)
        let query = OrganizationModel.query(on: db).filter(\.$store == store)
        let found: OrganizationModel?
        if let byId {
            found = try await query.filter(\.$id == byId).first()
        } else {
            found = try await query.filter(\.$name == raw).first()
        }
        guard let found else {
            throw UsherError.badRequest(
                .authorizeUnknownOrganization,
                "The application asked you to sign in to an organization that does not exist here. Go back to the application; if it keeps happening, tell the application's team."
            )
        }
        return found
    }

    /// Refuses a sign-in for an organization the account is not in (a clear page).
    static func requireMember(accountId: UUID, organizationId: UUID, on db: any Database) async throws {
        let member = try await OrganizationMemberModel.query(on: db).filter(\.$organizationId == organizationId)
            .filter(\.$accountId == accountId).count()
        guard member > 0 else {
            throw notMember(organizationName: try await OrganizationModel.find(organizationId, on: db).map { $0.displayName ?? $0.name })
        }
    }

    /// The refusal of `requireMember`, naming the organization when it still exists.
    static func notMember(organizationName name: String?) -> UsherError {
        UsherError(
            status: 403, errorKey: .authorizeNotInOrganization, title: "Not a member of this organization",
            detail:
                "Your account is not a member of \(name.map { "the organization \($0)" } ?? "the organization the application asked for"). Ask the organization's administrator to invite you, or sign in with another account."
        )
    }
}
