import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Every change appends its event in its own transaction, and `GET /events` pages the log.
@Suite struct EventEmissionTests {
    func events(_ t: TestApp, _ token: String, _ query: String = "") async throws -> EventPage {
        try await t.send(.GET, "/admin/api/v1/events\(query)", token: token).decode(EventPage.self)
    }

    @Test(arguments: TestDatabase.available)
    func aRefusedInvitationWritesNoEventAndEachChangeWritesOne(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let first = try await t.invite(f, email: "once@example.com")
            #expect(first.status == .created)
            // SPEC rule 7 refuses the second: its transaction rolls back, and no event is written.
            #expect(try await t.invite(f, email: "once@example.com").status == .conflict)
            var page = try await events(t, token)
            #expect(page.items.map(\.type) == ["invitation.created"])
            let created = page.items[0]
            guard case .object(let data) = created.data else {
                Issue.record("data is not an object")
                return
            }
            #expect(data["email"] == .string("once@example.com"))
            #expect(data["link"] == nil)

            let id = try #require(first["id"] as? String)
            #expect(try await t.send(.POST, "/admin/api/v1/identityStores/default/invite/\(id)/resend", token: token).status == .ok)
            try await t.app.usher.outbox!.runOnce()
            #expect(try await t.send(.DELETE, "/admin/api/v1/identityStores/default/invite/\(id)", token: token).status == .noContent)
            let account = try await t.send(
                .POST, "/admin/api/v1/identityStores/default/accounts", json: #"{"email":"direct@example.com"}"#, token: token)
            #expect(account.status == .created, "\(account.body)")

            page = try await events(t, token, "?after=\(created.cursor)")
            #expect(page.items.map(\.type) == ["invitation.resent", "invitation.sent", "invitation.revoked", "account.created"])
            #expect(!(try await t.send(.GET, "/admin/api/v1/events", token: token).body.contains("inv_")))
            // Paging: limit and next, oldest first; a type filter by pattern.
            let firstTwo = try await events(t, token, "?limit=2")
            #expect(firstTwo.items.count == 2)
            let rest = try await events(t, token, "?after=\(firstTwo.next!)")
            #expect(rest.items.map(\.type) == ["invitation.sent", "invitation.revoked", "account.created"])
            let empty = try await events(t, token, "?after=\(rest.next!)")
            #expect(empty.items.isEmpty && empty.next == rest.next)
            #expect(try await events(t, token, "?type=account.*").items.map(\.type) == ["account.created"])
            #expect(try await events(t, token, "?type=invitation.revoked,account.created").items.count == 2)
            #expect(try await t.send(.GET, "/admin/api/v1/events?after=x", token: token).status == .badRequest)
            #expect(try await t.send(.GET, "/admin/api/v1/events?type=nothing", token: token).status == .badRequest)
            // Scope: read:account.
            let config = try await t.token(scopes: ["read:config"])
            #expect(try await t.send(.GET, "/admin/api/v1/events", token: config).status == .forbidden)
        }
    }

    @Test(arguments: TestDatabase.available)
    func acceptingAnInvitationWritesAcceptedAndAccountCreated(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let invitation = try await t.invite(f, email: "joins@example.com")
            var journey = try await InviteeJourney.open(t, f, invitation: invitation)
            let done = try await journey.submit(t, [("givenName", "Jo")])
            #expect(done.status == .seeOther, "\(done.body.prefix(300))")
            // (The lifecycle's invitation.opened comes between; it is not this test's concern.)
            let types = try await events(t, token, "?type=invitation.created,invitation.accepted,account.created").items.map(\.type)
            #expect(types == ["invitation.created", "invitation.accepted", "account.created"])
            let accepted = try await events(t, token, "?type=invitation.accepted").items[0]
            guard case .object(let data) = accepted.data else {
                Issue.record("data is not an object")
                return
            }
            #expect(data["status"] == .string("DONE") && data["accepted"] == .bool(true))
        }
    }
}
