import Foundation
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Invitations into an organization with roles, as Strivacity's API shapes them, and their
/// acceptance (issue 16; SPEC: Strivacity compatibility).
@Suite struct OrganizationInvitationTests {
    static let orgs = "/admin/api/v1/identityStores/default/organizations"
    static let roles = "/admin/api/v1/identityStores/default/roles"
    static let invite = "/admin/api/v1/identityStores/default/invite"

    func id(_ reply: TestApp.Reply) throws -> String { try #require(reply["id"] as? String, "\(reply.status) \(reply.body)") }

    @Test(arguments: TestDatabase.available)
    func createChecksTheOrganizationAndItsRoles(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let acme = try id(try await t.send(.POST, Self.orgs, json: #"{"name":"acme"}"#, token: token))
            let globex = try id(try await t.send(.POST, Self.orgs, json: #"{"name":"globex"}"#, token: token))
            let admin = try id(try await t.send(.POST, Self.roles, json: #"{"name":"admin"}"#, token: token))
            func invite(_ email: String, _ extra: String) async throws -> TestApp.Reply {
                try await t.invite(f, email: email, extra: extra)
            }
            // `roles: []` is always fine, with or without an organization.
            let plain = try await invite("plain@example.com", #","roles":[]"#)
            #expect(plain.status == .created)
            #expect(try plain.decode(InvitationView.self).organization == nil)
            // Unknown ids: 404 on the field; a role for another organization (or without one): 400. Nothing is created.
            let before = try await t.count("invitations")
            let unknownOrg = try await invite("a@example.com", #","organization":"\#(UUID())","roles":[]"#)
            #expect(
                unknownOrg.status == .notFound && unknownOrg.errorKey == "organization.notFound"
                    && unknownOrg.fieldNames == ["organization"])
            let unknownRole = try await invite(
                "b@example.com", #","organization":"\#(acme)","roles":[{"id":"\#(UUID())","organization":"\#(acme)"}]"#)
            #expect(unknownRole.status == .notFound && unknownRole.errorKey == "role.notFound")
            let other = try await invite(
                "c@example.com", #","organization":"\#(acme)","roles":[{"id":"\#(admin)","organization":"\#(globex)"}]"#)
            #expect(
                other.status == .badRequest && other.errorKey == "invitation.roleOtherOrganization"
                    && other.fieldNames == ["roles[0].organization"])
            let noOrg = try await invite("d@example.com", #","roles":[{"id":"\#(admin)","organization":"\#(acme)"}]"#)
            #expect(noOrg.status == .badRequest && noOrg.errorKey == "invitation.roleOtherOrganization")
            let unknownEntryOrg = try await invite(
                "e@example.com", #","organization":"\#(acme)","roles":[{"id":"\#(admin)","organization":"\#(UUID())"}]"#)
            #expect(unknownEntryOrg.status == .notFound && unknownEntryOrg.errorKey == "organization.notFound")
            #expect(try await invite("f@example.com", #","roles":[{"organization":"\#(acme)"}]"#).fieldNames == ["roles[0].id"])
            #expect(try await t.count("invitations") == before)

            // The answer echoes both, and get and list show them.
            let created = try await invite(
                "ann@example.com", #","organization":"\#(acme)","roles":[{"id":"\#(admin)","organization":"\#(acme)"}]"#)
            #expect(created.status == .created)
            let view = try created.decode(InvitationView.self)
            #expect(
                view.organization == acme && view.organizationName == "acme"
                    && view.roles == [RoleAssignment(id: admin, organization: acme)])
            #expect(try await t.send(.GET, "\(Self.invite)/\(view.id)", token: token).decode(InvitationView.self).roles == view.roles)
            // The pending-duplicate rule stays per store and email, whatever the organization.
            let duplicate = try await invite("ann@example.com", #","organization":"\#(globex)","roles":[]"#)
            #expect(duplicate.status == .conflict && duplicate.errorKey == "invitation.pendingExists")
            // An organization that pending invitations name cannot be deleted.
            #expect(try await t.send(.DELETE, "\(Self.orgs)/\(acme)", token: token).errorKey == "organization.hasPendingInvitations")

            // The list's organization and organizationScope filters, and sorting by organization.
            let toGlobex = try await invite("g@example.com", #","organization":"\#(globex)","roles":[]"#)
            #expect(toGlobex.status == .created)
            for parameter in ["organization", "organizationScope"] {
                let listed = try await t.send(.GET, "\(Self.invite)?\(parameter)=\(acme)", token: token).decode([InvitationView].self)
                #expect(listed.map(\.email) == ["ann@example.com"])
                #expect(try await t.send(.GET, "\(Self.invite)?\(parameter)=\(UUID())", token: token).decode([InvitationView].self).isEmpty)
                #expect(try await t.send(.GET, "\(Self.invite)?\(parameter)=nonsense", token: token).decode([InvitationView].self).isEmpty)
            }
            let sorted = try await t.send(.GET, "\(Self.invite)?sort=organization,desc&sort=email,asc", token: token)
            #expect(sorted.status == .ok)
            let organizations = try sorted.decode([InvitationView].self).compactMap(\.organization)
            #expect(organizations == [acme, globex].sorted(by: >))
        }
    }

    @Test(arguments: TestDatabase.available)
    func acceptanceJoinsTheOrganizationAndTheTokensSayWhich(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let (f, secret) = try await InviteeJourney.application(t, token: token)
            let acme = try id(try await t.send(.POST, Self.orgs, json: #"{"name":"acme","displayName":"Acme"}"#, token: token))
            let admin = try id(try await t.send(.POST, Self.roles, json: #"{"name":"admin"}"#, token: token))
            let billing = try id(try await t.send(.POST, Self.roles, json: #"{"name":"billing"}"#, token: token))
            let invitation = try await t.invite(
                f, email: "ann@example.com",
                extra: #","organization":"\#(acme)","roles":[{"id":"\#(billing)","organization":"\#(acme)"},{"id":"\#(admin)"}]"#)
            #expect(invitation.status == .created)
            var journey = try await InviteeJourney.open(t, f, invitation: invitation)
            let reply = try await journey.submit(t, [("givenName", "Ann")])
            let claims = try await journey.idTokenClaims(t, f, secret: secret, reply: reply)
            #expect(claims["org_id"] as? String == acme)
            #expect(claims["org_name"] as? String == "acme")
            #expect(claims["roles"] as? [String] == ["admin", "billing"])
            let accountId = try #require(claims["sub"] as? String)
            let members = try await t.send(.GET, "\(Self.orgs)/\(acme)/members", token: token).decode([OrganizationMemberView].self)
            #expect(members.map(\.id) == [accountId] && members[0].roles.map(\.name) == ["admin", "billing"])
            let audit = try await t.app.db.sql.raw("SELECT details FROM audit_events WHERE action = 'invitation.accepted'").first()
            #expect(try audit?.decode(column: "details", as: String.self).contains(acme) == true)
        }
    }

    @Test(arguments: TestDatabase.available)
    func anInvitationWithoutAnOrganizationJoinsNone(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let (f, secret) = try await InviteeJourney.application(t, token: token)
            _ = try id(try await t.send(.POST, Self.orgs, json: #"{"name":"acme"}"#, token: token))
            let invitation = try await t.invite(f, email: "bob@example.com", extra: #","roles":[]"#)
            var journey = try await InviteeJourney.open(t, f, invitation: invitation)
            let claims = try await journey.idTokenClaims(t, f, secret: secret, reply: try await journey.submit(t, []))
            #expect(claims["org_id"] == nil && claims["roles"] == nil)
            #expect(try await t.count("organization_members") == 0)
        }
    }
}
