import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// The account page's emails name the application the customer signed in to (the session's
/// client), and without one speak of "your account" — never of the identity store, whose name
/// is no application's.
@Suite struct AccountPageEmailsTests {
    typealias Browser = OIDCFlowTests.Browser

    func resend(_ c: SelfServiceCustomer, _ browser: Browser) async throws -> TestApp.Reply {
        let page = try await c.t.send(.GET, "/account", headers: browser.header)
        return try await c.t.send(
            .POST, "/account/verification", headers: browser.header, form: c.flows.query([("csrf", try c.csrf(page))]))
    }

    @Test(arguments: TestDatabase.available)
    func sendVerificationAgainNamesTheSessionsApplicationElseNone(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let c = try await SelfServiceCustomer.make(t)
            var browser = Browser()
            _ = try await c.signIn(&browser)
            #expect(try await resend(c, browser).status == .seeOther)
            let named = try #require(try await c.emails().last)
            #expect(named.kind == EmailVerification.linkKind)
            #expect(named.subject == "Confirm your email address for Shop", "\(named.subject)")
            #expect(!named.text_body.contains("default"))

            // A session started for no application: nothing to name.
            try await t.app.db.sql.raw("UPDATE sessions SET client_id = NULL").run()
            #expect(try await resend(c, browser).status == .seeOther)
            let neutral = try #require(try await c.emails().last)
            #expect(neutral.subject == "Confirm your email address", "\(neutral.subject)")
            #expect(neutral.text_body.contains("Please confirm that this is the email address of your account."))
            #expect(!neutral.text_body.contains("default") && !neutral.text_body.contains("{{"))
        }
    }
}
