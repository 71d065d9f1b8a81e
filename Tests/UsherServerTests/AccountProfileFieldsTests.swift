import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Issue 23: the account page's profile follows the field modes of the self-service policy of
/// the application the session was started for; without one, the default policy's.
@Suite struct AccountProfileFieldsTests {
    typealias Browser = OIDCFlowTests.Browser

    struct Row: Decodable {
        var given_name: String?
        var family_name: String?
        var display_name: String?
        var phone_number: String?
    }

    func row(_ c: SelfServiceCustomer) async throws -> Row {
        try #require(
            try await c.t.app.db.sql.raw(
                "SELECT given_name, family_name, display_name, phone_number FROM accounts WHERE id = \(bind: UUID(uuidString: c.accountId)!)"
            ).first(decoding: Row.self))
    }

    /// The customer's application gets a policy with every kind of mode; the account a display name.
    func customer(_ t: TestApp) async throws -> SelfServiceCustomer {
        let c = try await SelfServiceCustomer.make(t)
        let policy = try await t.send(
            .PATCH, "/admin/api/v1/selfServicePolicies/\(c.f.policyId)",
            json: #"""
                {"options":{"registration":{"fields":{"givenName":"readOnly","familyName":"required","displayName":"hidden",
                 "phoneNumber":"editable","locale":"hidden"}}}}
                """#, token: c.f.token)
        try #require(policy.status == .ok, "\(policy.body)")
        try await t.app.db.sql.raw(
            "UPDATE accounts SET display_name = 'Hidden Display Name', family_name = 'Smith' WHERE id = \(bind: UUID(uuidString: c.accountId)!)"
        ).run()
        return c
    }

    func post(_ c: SelfServiceCustomer, _ browser: Browser, _ fields: [(String, String)]) async throws -> TestApp.Reply {
        let page = try await c.t.send(.GET, "/account", headers: browser.header)
        return try await c.t.send(
            .POST, "/account/profile", headers: browser.header, form: c.flows.query([("csrf", try c.csrf(page))] + fields))
    }

    @Test(arguments: TestDatabase.available)
    func thePageShowsAndTakesWhatThePolicyOfTheSessionsApplicationSays(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let c = try await customer(t)
            var browser = Browser()
            _ = try await c.signIn(&browser)
            struct Session: Decodable { var client_id: String? }
            let sessions = try await t.app.db.sql.raw("SELECT client_id FROM sessions WHERE kind = 'customer'").all(decoding: Session.self)
            #expect(sessions.map(\.client_id) == [c.f.clientId])

            let page = try await t.send(.GET, "/account", headers: browser.header)
            #expect(page.status == .ok)
            #expect(page.body.contains(#"id="givenName" name="givenName" type="text" value="Carol" autocomplete="given-name" readonly"#))
            #expect(page.body.contains(#"id="familyName" name="familyName" type="text" value="Smith" autocomplete="family-name" required"#))
            #expect(page.body.contains(#"id="phoneNumber""#))
            // A distinctive value: two letters would also turn up in a random token on the page.
            #expect(!page.body.contains(#"id="displayName""#) && !page.body.contains(#"id="locale""#))
            #expect(!page.body.contains("Hidden Display Name"))

            // Hidden and read-only fields stay as they are, whatever is posted.
            let saved = try await post(
                c, browser,
                [
                    ("givenName", "Mallory"), ("familyName", "Jones"), ("displayName", "Evil"), ("phoneNumber", "+36 1 234 5678"),
                    ("locale", "hu"),
                ])
            #expect(saved.status == .seeOther, "\(saved.body)")
            let after = try await row(c)
            #expect(after.given_name == "Carol" && after.display_name == "Hidden Display Name")
            #expect(after.family_name == "Jones" && after.phone_number == "+36 1 234 5678")

            // A required field cannot be emptied; nothing changes.
            let emptied = try await post(c, browser, [("familyName", " "), ("phoneNumber", "")])
            // The posted locale was hidden, so not saved: the account's language stays English.
            let en = PageStrings.english
            let required = "\(en.label(.familyName)): \(en.fieldErrors.required)"
            #expect(emptied.status == .badRequest && emptied.body.contains(required), "\(emptied.body)")
            let unchanged = try await row(c)
            #expect(unchanged.family_name == "Jones" && unchanged.phone_number == "+36 1 234 5678")
            let badPhone = try await post(c, browser, [("familyName", "Jones"), ("phoneNumber", "call me")])
            #expect(badPhone.status == .badRequest && badPhone.body.contains("Phone number"))
        }
    }

    /// A session started without an application (here: its client cleared) follows the default policy.
    @Test(arguments: TestDatabase.available)
    func aSessionWithoutAnApplicationFollowsTheDefaultPolicy(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let c = try await customer(t)
            var browser = Browser()
            _ = try await c.signIn(&browser)
            try await t.app.db.sql.raw("UPDATE sessions SET client_id = NULL WHERE kind = 'customer'").run()
            let defaults = try await SelfServicePolicyService(db: t.app.db).defaultPolicy().fields
            let page = try await t.send(.GET, "/account", headers: browser.header)
            #expect(page.status == .ok)
            for attribute in ProfileAttribute.allCases {
                #expect(page.body.contains(#"id="\#(attribute.rawValue)""#) == defaults[attribute].isShown, "\(attribute)")
            }
            #expect(!page.body.contains(#"readonly aria-readonly="true""#) && !page.body.contains(#"id="phoneNumber""#))
        }
    }
}
