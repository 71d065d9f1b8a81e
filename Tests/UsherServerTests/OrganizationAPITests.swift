import Foundation
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Organizations and roles per identity store, and members with their roles (issue 16).
@Suite struct OrganizationAPITests {
    static let orgs = "/admin/api/v1/identityStores/default/organizations"
    static let roles = "/admin/api/v1/identityStores/default/roles"

    @Test(arguments: TestDatabase.available)
    func organizationsAndRolesHaveCRUD(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let created = try await t.send(
                .POST, Self.orgs, json: #"{"name":"acme","displayName":"Acme Corp","domains":["Acme.com","acme.co.uk"]}"#, token: token)
            #expect(created.status == .created)
            let org = try created.decode(OrganizationView.self)
            #expect(org.name == "acme" && org.displayName == "Acme Corp" && org.domains == ["acme.com", "acme.co.uk"])
            #expect(created.headers.first(name: .location) == "\(Self.orgs)/\(org.id)")
            // Names are unique per store; domains must be domain names.
            #expect(try await t.send(.POST, Self.orgs, json: #"{"name":"acme"}"#, token: token).errorKey == "organization.exists")
            let badDomain = try await t.send(.POST, Self.orgs, json: #"{"name":"x","domains":["not a domain"]}"#, token: token)
            #expect(badDomain.status == .badRequest && badDomain.fieldNames == ["domains[0]"])
            #expect(try await t.send(.POST, Self.orgs, json: #"{"displayName":"No name"}"#, token: token).fieldNames == ["name"])

            let updated = try await t.send(.PATCH, "\(Self.orgs)/\(org.id)", json: #"{"displayName":"Acme Inc."}"#, token: token)
            #expect(try updated.decode(OrganizationView.self).displayName == "Acme Inc.")
            #expect(try updated.decode(OrganizationView.self).domains == ["acme.com", "acme.co.uk"])
            let listed = try await t.send(.GET, Self.orgs, token: token)
            #expect(try listed.decode([OrganizationView].self).map(\.name) == ["acme"])
            #expect(listed.headers.first(name: "X-Total-Count") == "1")
            #expect(try await t.send(.GET, "\(Self.orgs)/\(UUID().uuidString)", token: token).errorKey == "organization.notFound")
            #expect(try await t.send(.GET, "\(Self.orgs)/not-a-uuid", token: token).status == .badRequest)

            let role = try await t.send(.POST, Self.roles, json: #"{"name":"admin","description":"Runs the account"}"#, token: token)
            #expect(role.status == .created)
            let roleView = try role.decode(RoleView.self)
            #expect(roleView.name == "admin" && roleView.description == "Runs the account")
            #expect(try await t.send(.POST, Self.roles, json: #"{"name":"admin"}"#, token: token).errorKey == "role.exists")
            let renamed = try await t.send(.PUT, "\(Self.roles)/\(roleView.id)", json: #"{"name":"owner"}"#, token: token)
            #expect(try renamed.decode(RoleView.self).name == "owner")
            #expect(try await t.send(.GET, Self.roles, token: token).decode([RoleView].self).map(\.name) == ["owner"])

            #expect(try await t.send(.DELETE, "\(Self.roles)/\(roleView.id)", token: token).status == .noContent)
            #expect(try await t.send(.GET, "\(Self.roles)/\(roleView.id)", token: token).status == .notFound)
            #expect(try await t.send(.DELETE, "\(Self.orgs)/\(org.id)", token: token).status == .noContent)
            #expect(try await t.send(.GET, "\(Self.orgs)/\(org.id)", token: token).status == .notFound)
            let audit = try await t.app.db.sql.raw("SELECT action FROM audit_events WHERE target_type IN ('organization', 'role')")
                .all().map { try $0.decode(column: "action", as: String.self) }
            #expect(
                Set(audit) == [
                    "organization.created", "organization.updated", "organization.deleted", "role.created", "role.updated", "role.deleted",
                ])
        }
    }

    @Test(arguments: TestDatabase.available)
    func membersHaveRolesInTheirOrganization(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let org = try #require(try await t.send(.POST, Self.orgs, json: #"{"name":"acme"}"#, token: token)["id"] as? String)
            let admin = try #require(try await t.send(.POST, Self.roles, json: #"{"name":"admin"}"#, token: token)["id"] as? String)
            let billing = try #require(try await t.send(.POST, Self.roles, json: #"{"name":"billing"}"#, token: token)["id"] as? String)
            let account = try #require(
                try await t.send(
                    .POST, "/admin/api/v1/identityStores/default/accounts", json: #"{"email":"ann@example.com"}"#, token: token)[
                        "id"] as? String)
            let members = "\(Self.orgs)/\(org)/members"

            let joined = try await t.send(
                .PUT, "\(members)/\(account)", json: #"{"roles":[{"id":"\#(billing)"},{"id":"\#(admin)"}]}"#, token: token)
            #expect(joined.status == .created)
            let member = try joined.decode(OrganizationMemberView.self)
            #expect(member.id == account && member.email == "ann@example.com" && member.roles.map(\.name) == ["admin", "billing"])
            // Putting again sets the roles; it is not a second membership.
            let again = try await t.send(.PUT, "\(members)/\(account)", json: #"{"roles":[{"id":"\#(billing)"}]}"#, token: token)
            #expect(again.status == .ok)
            #expect(try again.decode(OrganizationMemberView.self).roles.map(\.name) == ["billing"])
            let listed = try await t.send(.GET, members, token: token).decode([OrganizationMemberView].self)
            #expect(listed.map(\.id) == [account] && listed[0].roles.map(\.id) == [billing])
            #expect(try await t.send(.GET, "\(Self.orgs)/\(org)", token: token).decode(OrganizationView.self).memberCount == 1)

            // Unknown roles and accounts are 404s and change nothing.
            let unknownRole = try await t.send(.PUT, "\(members)/\(account)", json: #"{"roles":[{"id":"\#(UUID())"}]}"#, token: token)
            #expect(unknownRole.status == .notFound && unknownRole.errorKey == "role.notFound")
            #expect(try await t.send(.PUT, "\(members)/\(UUID())", token: token).errorKey == "account.notFound")
            #expect(
                try await t.send(.GET, "\(members)/\(account)", token: token).decode(OrganizationMemberView.self).roles.map(\.name) == [
                    "billing"
                ])

            // Deleting a role takes it from members; removing a member keeps the account.
            #expect(try await t.send(.DELETE, "\(Self.roles)/\(billing)", token: token).status == .noContent)
            #expect(try await t.send(.GET, "\(members)/\(account)", token: token).decode(OrganizationMemberView.self).roles == [])
            #expect(try await t.send(.DELETE, "\(members)/\(account)", token: token).status == .noContent)
            #expect(try await t.send(.DELETE, "\(members)/\(account)", token: token).status == .notFound)
            #expect(try await t.send(.GET, members, token: token).decode([OrganizationMemberView].self).isEmpty)
            #expect(try await t.send(.GET, "/admin/api/v1/identityStores/default/accounts/\(account)", token: token).status == .ok)

            // POST …/members joins the way group members do.
            let posted = try await t.send(.POST, members, json: #"{"id":"\#(account)","roles":[{"id":"\#(admin)"}]}"#, token: token)
            #expect(posted.status == .created)
            // Deleting the account ends its memberships.
            #expect(
                try await t.send(.DELETE, "/admin/api/v1/identityStores/default/accounts/\(account)", token: token).status == .noContent)
            #expect(try await t.count("organization_members") == 0)
            #expect(try await t.count("organization_member_roles") == 0)
        }
    }

    @Test(arguments: TestDatabase.available)
    func scopesBoundOrganizationsAndMembers(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let all = try await t.token()
            let org = try #require(try await t.send(.POST, Self.orgs, json: #"{"name":"acme"}"#, token: all)["id"] as? String)
            let accountOnly = try await t.token(scopes: ["read:account", "write:account"])
            let configOnly = try await t.token(scopes: ["read:config", "write:config"])
            #expect(try await t.send(.GET, Self.orgs, token: configOnly).status == .ok)
            #expect(try await t.send(.POST, Self.orgs, json: #"{"name":"x"}"#, token: accountOnly).status == .forbidden)
            #expect(try await t.send(.POST, Self.roles, json: #"{"name":"x"}"#, token: accountOnly).status == .forbidden)
            #expect(try await t.send(.GET, "\(Self.orgs)/\(org)/members", token: accountOnly).status == .ok)
            #expect(try await t.send(.GET, "\(Self.orgs)/\(org)/members", token: configOnly).status == .forbidden)
            #expect(try await t.send(.GET, Self.orgs).status == .unauthorized)
        }
    }
}
