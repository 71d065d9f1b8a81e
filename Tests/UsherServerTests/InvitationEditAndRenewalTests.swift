import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// SPEC: Edit and the renewal request from an expired link.
@Suite struct InvitationEditAndRenewalTests {
    static let invite = "/admin/api/v1/identityStores/default/invite"

    func patch(_ t: TestApp, _ token: String, _ id: String, _ json: String) async throws -> TestApp.Reply {
        try await t.send(
            .PATCH, "\(Self.invite)/\(id)", json: json, token: token, headers: ["Content-Type": "application/merge-patch+json"])
    }

    @Test(arguments: TestDatabase.available)
    func anEditChangesWhatTheSignUpFormShowsAndKeepsTheLink(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let group = try await t.group(token: token, name: "VIP")
            let f = try await t.oidcApplication(token: token)
            let r = try await t.invite(
                f, email: "typo@example.com", extra: #","metadata":{"givenName":"Jhon","familyName":"Doe","plan":"gold"}"#)
            let id = try #require(r["id"] as? String)
            let edited = try await patch(
                t, token, id, #"{"metadata":{"givenName":"John","plan":null},"groups":[{"id":"\#(group)"}],"language":"de-DE"}"#)
            #expect(edited.status == .ok, "\(edited.body)")
            let view = try edited.decode(InvitationView.self)
            #expect(view.metadata == ["givenName": .string("John"), "familyName": .string("Doe")])
            #expect(view.groups.map(\.id) == [group])
            #expect(view.language == "de-DE")
            #expect(view.link == nil)
            // The original link still works and the form shows the corrected name.
            let journey = try await InviteeJourney.open(t, f, invitation: r)
            #expect(journey.input("givenName")?.contains(#"value="John""#) == true)

            let immutable = try await patch(t, token, id, #"{"email":"other@example.com"}"#)
            #expect(immutable.status == .badRequest)
            #expect(immutable.errorKey == "invitation.immutableField")
            #expect(immutable.fieldNames == ["email"])
            let past = try await patch(t, token, id, #"{"validUntil":"2001-01-01T00:00:00Z"}"#)
            #expect(past.status == .badRequest)
            #expect(past.fieldNames == ["validUntil"])
            struct N: Decodable { var n: Int }
            let audited = try await t.app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'invitation.updated'").first(
                decoding: N.self)
            #expect(audited?.n == 1)
        }
    }

    @Test(arguments: TestDatabase.available)
    func anAcceptedInvitationCannotBeEditedAndANewValidUntilRevivesAnExpiredOne(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let (f, _) = try await InviteeJourney.application(t, token: token)
            let done = try await t.invite(f, email: "done@example.com")
            var journey = try await InviteeJourney.open(t, f, invitation: done)
            _ = try await journey.submit(t, [])
            let doneId = try #require(done["id"] as? String)
            let doneEdit = try await patch(t, token, doneId, #"{"language":"fr-FR"}"#)
            #expect(doneEdit.status == .conflict)

            let old = try await t.invite(f, email: "old@example.com")
            let oldId = try #require(old["id"] as? String)
            try await t.app.db.sql.raw(
                "UPDATE invitations SET valid_until = \(bind: Date().addingTimeInterval(-60)) WHERE id = \(bind: UUID(uuidString: oldId)!)"
            )
            .run()
            #expect(try await t.send(.GET, "\(Self.invite)/\(oldId)", token: token)["status"] as? String == "EXPIRED")
            let until = ISO8601DateFormatter().string(from: Date().addingTimeInterval(48 * 3600))
            let revived = try await patch(t, token, oldId, #"{"validUntil":"\#(until)"}"#)
            #expect(revived["status"] as? String == "PENDING", "\(revived.body)")
            #expect(try await InviteeJourney.open(t, f, invitation: old).page.status == .ok)
        }
    }

    @Test(arguments: TestDatabase.available)
    func anExpiredLinkOffersOneRenewalRequestThatAResendClears(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let r = try await t.invite(f, email: "late@example.com", extra: #","language":"de-DE""#)
            let id = try #require(r["id"] as? String)
            try await t.app.db.sql.raw(
                "UPDATE invitations SET valid_until = \(bind: Date().addingTimeInterval(-60)) WHERE id = \(bind: UUID(uuidString: id)!)"
            )
            .run()
            let link = try #require(r["link"] as? String)
            let hint = try #require(URLComponents(string: link)?.queryItems?.first { $0.name == "login_hint" }?.value)
            let flows = OIDCFlowTests()
            let (_, challenge) = flows.pkce()
            var browser = InviteeJourney.Browser()
            let page = try await t.send(
                .GET,
                "/oauth2/authorize?"
                    + flows.query([
                        ("response_type", "code"), ("client_id", f.clientId), ("redirect_uri", OIDCFlowTests.redirect), ("scope", "openid"),
                        ("state", "s"), ("login_hint", hint), ("code_challenge", challenge), ("code_challenge_method", "S256"),
                    ]), headers: browser.header)
            browser.absorb(page)
            #expect(page.status == .gone)
            // In the invitation's language.
            #expect(page.body.contains(#"<html lang="de-DE">"#))
            #expect(page.body.contains("Diese Einladung ist am "))
            #expect(page.body.contains("Neue Einladung anfordern"))
            #expect(page.body.contains(#"id="ask-renewal""#))
            let csrf = try #require(page.body.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
            let form = flows.query([("csrf", String(csrf)), ("token", hint)])

            let noCSRF = try await t.send(.POST, "/invitation/renewal", headers: browser.header, form: flows.query([("token", hint)]))
            #expect(noCSRF.status.code >= 400)
            let asked = try await t.send(.POST, "/invitation/renewal", headers: browser.header, form: form)
            #expect(asked.status == .ok, "\(asked.body)")
            #expect(asked.body.contains(#"id="renewal-sent""#))
            let again = try await t.send(.POST, "/invitation/renewal", headers: browser.header, form: form)
            #expect(again.status == .ok)
            let found = try await InvitationModel.find(UUID(uuidString: id), on: t.app.db)
            let stored = try #require(found)
            #expect(stored.renewalRequestedAt != nil)
            struct N: Decodable { var n: Int }
            let events = try await t.app.db.sql.raw("SELECT COUNT(*) AS n FROM events WHERE type = 'invitation.renewal_requested'").first(
                decoding: N.self)
            #expect(events?.n == 1)

            // An unknown link offers nothing and tells nothing.
            let unknown = try await t.send(
                .POST, "/invitation/renewal", headers: browser.header,
                form: flows.query([("csrf", String(csrf)), ("token", "inv_nothing")]))
            #expect(unknown.status.code >= 400)

            #expect(try await t.send(.POST, "\(Self.invite)/\(id)/resend", token: token).status == .ok)
            #expect(try await InvitationModel.find(UUID(uuidString: id), on: t.app.db)?.renewalRequestedAt == nil)
        }
    }
}
