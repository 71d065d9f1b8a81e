import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Issue 23: the page that asks an unverified account to confirm its address first
/// (`requireVerifiedEmail`) sends the link again, and the verified page leads on to the
/// application.
@Suite struct EmailVerificationResendTests {
    typealias Browser = OIDCFlowTests.Browser
    let flows = OIDCFlowTests()
    let mismatch = SignUpEmailMismatchTests()
    static let strict = #"{"accountInvitation":{"allowEmailMismatch":true},"registration":{"requireVerifiedEmail":true}}"#

    struct Form {
        var account: String
        var client: String
        var until: String
        var csrf: String

        init(_ page: String) throws {
            func field(_ name: String) throws -> String {
                let pattern = try Regex<(Substring, Substring)>(#"name="\#(name)" value="([^"]*)""#)
                return String(try #require(page.firstMatch(of: pattern)?.1, "\(name) in \(page)"))
            }
            account = try field("account")
            client = try field("client")
            until = try field("until")
            csrf = try field("csrf")
        }

        var pairs: [(String, String)] { [("account", account), ("client", client), ("until", until), ("csrf", csrf)] }
    }

    func resend(_ t: TestApp, _ browser: Browser, _ form: Form) async throws -> TestApp.Reply {
        var headers = browser.header
        headers.add(name: .accept, value: "text/html")
        return try await t.send(.POST, "/email/verify/resend", headers: headers, form: flows.query(form.pairs))
    }

    func confirm(_ t: TestApp, link: String) async throws -> TestApp.Reply {
        var browser = Browser()
        let page = try await t.send(.GET, "/email/verify?token=\(link)", headers: browser.header)
        browser.absorb(page)
        let csrf = String(try #require(page.body.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1))
        return try await t.send(.POST, "/email/verify", headers: browser.header, form: flows.query([("token", link), ("csrf", csrf)]))
    }

    func count(_ t: TestApp, _ sql: SQLQueryString) async throws -> Int {
        struct N: Decodable { var n: Int }
        return try #require(try await t.app.db.sql.raw(sql).first(decoding: N.self)).n
    }

    /// The button sends a second link; both work until one is used, which retires the other;
    /// the address is verified once (one audit row, one event); the verified page leads to the
    /// application's login URL.
    @Test(arguments: TestDatabase.available)
    func theConfirmFirstPageSendsTheLinkAgain(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token, name: "Strict", policy: Self.strict)
            let invitee = try await mismatch.signUp(t, f, invited: "ann@example.com", chosen: "ann.private@example.com")
            #expect(invitee.reply.status == .forbidden)
            #expect(invitee.reply.body.contains("Confirm your email address first"))
            #expect(invitee.reply.body.contains("Strict needs a confirmed email address"))
            let form = try Form(invitee.reply.body)
            let (accountId, _) = try await mismatch.account(t, invitationId: invitee.invitationId)
            #expect(form.account == accountId.idString && form.client == f.clientId)

            let again = try await resend(t, invitee.browser, form)
            #expect(again.status == .ok, "\(again.status) \(again.body)")
            #expect(again.body.contains("We sent you a new link"))
            #expect(again.body.contains(#"id="resend-verification""#))  // and may ask once more
            let sent = try await mismatch.emails(t, to: "ann.private@example.com")
            #expect(sent.map(\.kind) == [EmailVerification.linkKind, EmailVerification.linkKind])
            #expect(sent.last?.subject.contains("Strict") == true)
            let first = try mismatch.verificationToken(t, sent[0])
            let second = try mismatch.verificationToken(t, sent[1])
            #expect(first != second)

            // Both links work until one is used; then the other is spent too.
            let verified = try await confirm(t, link: first)
            #expect(verified.status == .ok, "\(verified.body)")
            #expect(verified.body.contains("ann.private@example.com"))
            #expect(verified.body.contains(#"href="https://shop.example.com/login?iss="#))
            #expect(verified.body.contains("Continue to Strict"))
            let late = try await t.send(.GET, "/email/verify?token=\(second)")
            #expect(late.status == .gone)
            let (_, row) = try await mismatch.account(t, invitationId: invitee.invitationId)
            #expect(row.email == "ann.private@example.com" && row.email_verified)
            #expect(
                try await count(t, "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'account.email_verified'") == 1)
            #expect(try await count(t, "SELECT COUNT(*) AS n FROM events WHERE type = 'account.email_verified'") == 1)
        }
    }

    /// A forged or altered form sends nothing; an expired one neither; a taken address gets its
    /// owner's notice and the same answer; the account's emails are limited (429 past them).
    @Test(arguments: TestDatabase.available)
    func theButtonRefusesForgeriesAndIsLimited(_ db: TestDatabase) async throws {
        try await TestApp.with(db, configure: { $0.rateLimitsEnabled = true }) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token, name: "Strict", policy: Self.strict)
            let invitee = try await mismatch.signUp(t, f, invited: "bob@example.com", chosen: "bob.home@example.com")
            let form = try Form(invitee.reply.body)
            func sent() async throws -> Int { try await mismatch.emails(t, to: "bob.home@example.com").count }
            #expect(try await sent() == 1)

            // Another browser (no cookie), another account id, a later expiry, no token: refused.
            var other = form
            #expect(try await resend(t, Browser(), form).status == .forbidden)
            other.account = UUID().idString
            #expect(try await resend(t, invitee.browser, other).status == .forbidden)
            other = form
            other.until = String(Int(other.until)! + 3600)
            #expect(try await resend(t, invitee.browser, other).status == .forbidden)
            other = form
            other.csrf = ""
            #expect(try await resend(t, invitee.browser, other).status == .forbidden)
            // A genuine form past its hour: its token is right, and it is still refused.
            var browser = invitee.browser
            var stale = form
            stale.until = String(Int(Date().timeIntervalSince1970) - 1)
            stale.csrf = t.app.usher.secrets.mac(
                "csrf",
                EmailVerificationResend.purpose(form.account, form.client, stale.until) + "|" + (browser.cookies["usher_browser"] ?? ""))
            let expired = try await resend(t, browser, stale)
            #expect(expired.status == .badRequest && expired.body.contains("This page has expired"))
            #expect(try await sent() == 1)

            // Meanwhile another account takes the address: its owner is told, the answer is the same.
            _ = try await t.send(
                .POST, "/admin/api/v1/identityStores/default/accounts", json: #"{"email":"bob.home@example.com"}"#, token: token)
            let taken = try await resend(t, browser, form)
            #expect(taken.status == .ok && taken.body.contains("We sent you a new link"))
            #expect(try await mismatch.emails(t, to: "bob.home@example.com").last?.kind == EmailVerification.noticeKind)

            // Five emails an hour per account (the account page's limit, shared): then 429, nothing sent.
            for _ in 0..<4 { #expect(try await resend(t, browser, form).status == .ok) }
            let before = try await sent()
            let limited = try await resend(t, browser, form)
            #expect(limited.status == .tooManyRequests)
            #expect(try await sent() == before)
            browser.absorb(limited)
        }
    }

    /// When the application has no login URL (any more), the verified page says only that the
    /// address is verified.
    @Test(arguments: TestDatabase.available)
    func theVerifiedPageHasNoWayOnWithoutALoginURL(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token, name: "Bare", policy: Self.strict)
            let invitee = try await mismatch.signUp(t, f, invited: "cy@example.com", chosen: "cy.home@example.com")
            #expect(invitee.reply.status == .forbidden)
            try await t.app.db.sql.raw("UPDATE oidc_clients SET login_url = NULL").run()
            let link = try mismatch.verificationToken(t, try #require(try await mismatch.emails(t, to: "cy.home@example.com").first))
            let verified = try await confirm(t, link: link)
            #expect(verified.status == .ok)
            #expect(verified.body.contains("You can close this page") && !verified.body.contains(#"id="way-on""#))
        }
    }

    /// A password reset asked from an application's sign-in does not slip past the gate: an
    /// unverified account gets the done page (its link leads to the application's sign-in,
    /// where the confirm-first page waits), not a code.
    @Test(arguments: TestDatabase.available)
    func aPasswordResetGetsNoCodeForAnUnverifiedAccount(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let c = try await SelfServiceCustomer.make(t)
            try await t.app.db.sql.raw("UPDATE self_service_policies SET require_verified_email = \(bind: true)").run()
            try await t.app.db.sql.raw("UPDATE accounts SET email_verified = \(bind: false)").run()
            var browser = Browser()
            let (flow, _) = try await c.openSignIn(&browser)
            #expect(try await c.forgot(c.email, browser: &browser, flow: flow).status == .ok)
            let token = try c.linkToken(try #require(try await c.emails().last), path: "/password/reset")
            let page = try await t.send(.GET, "/password/reset?token=\(token)", headers: browser.header)
            let password = "another long password 42"
            let done = try await t.send(
                .POST, "/password/reset", headers: browser.header,
                form: flows.query([
                    ("token", token), ("csrf", try c.csrf(page)), ("password", password), ("passwordConfirmation", password),
                ]))
            #expect(done.status == .ok, "\(done.status) \(done.body)")
            #expect(flows.param(done, "code") == nil)
            #expect(done.body.contains("Your password is changed"))
        }
    }

    /// The page and the email speak the account's language.
    @Test(arguments: TestDatabase.available)
    func theResentLinkAndItsPageSpeakTheAccountsLanguage(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token, name: "Strict", policy: Self.strict)
            let invitee = try await mismatch.signUp(t, f, invited: "dora@example.com", chosen: "dora.home@example.com")
            try await t.app.db.sql.raw("UPDATE accounts SET locale = 'de-DE' WHERE pending_email = 'dora.home@example.com'").run()
            let again = try await resend(t, invitee.browser, try Form(invitee.reply.body))
            #expect(again.status == .ok)
            #expect(again.body.contains(#"lang="de-DE""#) && again.body.contains("Link erneut senden"))
            #expect(again.body.contains("Wir haben Ihnen einen neuen Link geschickt"))
            let sent = try await mismatch.emails(t, to: "dora.home@example.com")
            #expect(sent.last?.subject == "Bestätigen Sie Ihre E-Mail-Adresse für Strict")
        }
    }
}
