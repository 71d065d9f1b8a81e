import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// What accepting an invitation writes, on SQLite and PostgreSQL alike (issue 24 item 3; the
/// e2e journey covers one database): the invitation DONE with its account, the account with
/// its address, profile and groups (SPEC rule 8), and the ID token the application gets.
@Suite struct AcceptanceWritesTests {
    struct Membership: Decodable { var name: String }

    func memberships(_ t: TestApp, account: String) async throws -> [String] {
        let id = try #require(UUID(uuidString: account))
        return try await t.app.db.sql.raw(
            """
            SELECT g.name FROM account_groups m JOIN groups g ON g.id = m.group_id WHERE m.account_id = \(bind: id) ORDER BY g.name
            """
        ).all(decoding: Membership.self).map(\.name)
    }

    @Test(arguments: TestDatabase.available)
    func acceptanceWritesTheAccountItsGroupsAndTheTokenSaysSo(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let both = try await t.group(token: token, name: "both")
            let invitedOnly = try await t.group(token: token, name: "invited-only")
            let applicationOnly = try await t.group(token: token, name: "application-only")
            let (f, secret) = try await InviteeJourney.application(t, token: token, groups: [both, applicationOnly])
            let invitation = try await t.invite(
                f, email: "Jane.Doe@Example.com",
                extra: """
                    ,"groups":[{"id":"\(both)"},{"id":"\(invitedOnly)"}],"metadata":{"givenName":"Jane","familyName":"Doe","plan":"gold"}
                    """)
            #expect(invitation.status == .created, "\(invitation.body)")
            let invitationId = try #require(invitation["id"] as? String)

            // SPEC rule 8: a group assigned to the application after the invitation was sent
            // joins at acceptance ("every group assigned to the application at that moment").
            let later = try await t.group(token: token, name: "added-later")
            let patched = try await t.send(
                .PATCH, "/admin/api/v1/applications/\(f.applicationId)",
                json: #"{"groups":[{"id":"\#(both)"},{"id":"\#(applicationOnly)"},{"id":"\#(later)"}]}"#, token: token)
            #expect(patched.status == .ok, "\(patched.body)")

            var invitee = try await InviteeJourney.open(t, f, invitation: invitation)
            #expect(invitee.input("givenName")?.contains(#"value="Jane""#) == true)
            let reply = try await invitee.submit(t, [("givenName", "Janet"), ("familyName", "Doe")])
            #expect(reply.status == .seeOther, "\(reply.body)")
            #expect(invitee.flows.location(reply)?.host == "shop.example.com")

            // The invitation: DONE, with the account it created.
            let done = try await t.send(.GET, "/admin/api/v1/identityStores/default/invite/\(invitationId)", token: token)
            #expect(done["status"] as? String == "DONE")
            let accountId = try #require(done["accountId"] as? String, "\(done.body)")
            #expect(done["accepted"] as? Bool == true && done["acceptedAt"] != nil, "\(done.body)")

            // The account: the invited address, verified by the link; the form's names; the
            // invitation's free metadata; the union of the groups, each once.
            let account = try await t.send(.GET, "/admin/api/v1/identityStores/default/accounts/\(accountId)", token: token)
            #expect(account.status == .ok, "\(account.body)")
            #expect(account["email"] as? String == "Jane.Doe@Example.com")
            #expect(account["emailVerified"] as? Bool == true)
            #expect(account["givenName"] as? String == "Janet" && account["familyName"] as? String == "Doe")
            #expect((account["metadata"] as? [String: Any])?["plan"] as? String == "gold")
            #expect(account["invitationId"] as? String == invitationId)
            #expect(account["hasPassword"] as? Bool == true)
            #expect(try await memberships(t, account: accountId) == ["added-later", "application-only", "both", "invited-only"])

            // The ID token for `openid email profile groups` says the same.
            let claims = try await invitee.idTokenClaims(t, f, secret: secret, reply: reply)
            #expect(claims["sub"] as? String == accountId)
            #expect(claims["email"] as? String == "Jane.Doe@Example.com")
            #expect(claims["email_verified"] as? Bool == true)
            #expect(claims["given_name"] as? String == "Janet" && claims["family_name"] as? String == "Doe")
            #expect(claims["groups"] as? [String] == ["added-later", "application-only", "both", "invited-only"])
            #expect(claims["nonce"] as? String == "n0nce")

            // The audit log says who accepted and what it made.
            let audit = try await t.send(
                .GET, "/admin/api/v1/auditEvents?targetId=\(invitationId)&action=invitation.accepted", token: token
            ).jsonArray
            #expect(audit.map { $0["actor"] as? String } == ["customer:\(accountId)"])
        }
    }

    /// A group that is both on the invitation and on the application makes one membership, and a
    /// group the application lost before acceptance is not joined through it.
    @Test(arguments: TestDatabase.available)
    func groupsAreTheUnionAtTheMomentOfAcceptance(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let shared = try await t.group(token: token, name: "shared")
            let dropped = try await t.group(token: token, name: "dropped")
            let (f, _) = try await InviteeJourney.application(t, token: token, groups: [shared, dropped])
            let invitation = try await t.invite(f, email: "union@example.com", extra: #","groups":[{"id":"\#(shared)"}]"#)
            let patched = try await t.send(
                .PATCH, "/admin/api/v1/applications/\(f.applicationId)", json: #"{"groups":[{"id":"\#(shared)"}]}"#, token: token)
            #expect(patched.status == .ok, "\(patched.body)")
            var invitee = try await InviteeJourney.open(t, f, invitation: invitation)
            let reply = try await invitee.submit(t, [("givenName", "U")])
            #expect(reply.status == .seeOther, "\(reply.body)")
            let done = try await t.send(
                .GET, "/admin/api/v1/identityStores/default/invite/\(try #require(invitation["id"] as? String))", token: token)
            let accountId = try #require(done["accountId"] as? String)
            #expect(try await memberships(t, account: accountId) == ["shared"])
            struct Count: Decodable { var n: Int }
            let rows = try await t.app.db.sql.raw(
                "SELECT COUNT(*) AS n FROM account_groups WHERE account_id = \(bind: try #require(UUID(uuidString: accountId)))"
            )
            .first(decoding: Count.self)
            #expect(rows?.n == 1)
        }
    }
}
