import Foundation
import SQLKit
import Testing
import Vapor

@testable import UsherServer

/// Issue 14 item 7: no cross-site sign-out, and a new sign-in ends the browser's older session.
@Suite struct SecurityLogoutTests {
    static let postLogout = "https://shop.example.com/signed-out"

    /// A confidential client with a registered post-logout URI.
    func driver(_ t: TestApp) async throws -> OIDCDriver {
        let token = try await t.token()
        let a = try await t.send(
            .POST, "/admin/api/v1/applications",
            json: """
                {"name":"Shop","store":"default","protocol":"oidc","clients":[{"redirectUris":["\(OIDCDriver.redirect)"],
                 "postLogoutRedirectUris":["\(Self.postLogout)"],"loginUrl":"https://shop.example.com/login"}]}
                """, token: token)
        let client = try #require((a["clients"] as? [[String: Any]])?.first, "\(a.body)")
        let f = TestApp.Fixture(
            token: token, applicationId: a["id"] as? String ?? "", clientId: client["clientId"] as? String ?? "", policyId: "")
        return OIDCDriver(t: t, f: f, secret: try #require(client["clientSecret"] as? String))
    }

    /// Whether `browser` is still signed in (prompt=none answers with a code only then).
    func signedIn(_ d: OIDCDriver, _ browser: OIDCDriver.Browser) async throws -> Bool {
        let r = try await d.t.send(
            .GET,
            "/oauth2/authorize?"
                + d.query([
                    ("response_type", "code"), ("client_id", d.f.clientId), ("redirect_uri", OIDCDriver.redirect),
                    ("scope", "openid"), ("prompt", "none"),
                ]), headers: browser.header)
        return d.param(r, "code") != nil
    }

    /// Signs `email` in and returns its ID token.
    func idToken(_ d: OIDCDriver, _ email: String, browser: inout OIDCDriver.Browser) async throws -> String {
        let back = try await d.signIn(email, browser: &browser)
        let tokens = try await d.exchange(code: try #require(d.param(back, "code"), "\(back.body)"), verifier: nil)
        return try #require(tokens["id_token"] as? String, "\(tokens.body)")
    }

    @Test(arguments: TestDatabase.available)
    func aLogoutWithoutProofAsksAndOnlyACSRFProtectedPostSignsOut(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let d = try await driver(t)
            try await d.account("ada@example.com")
            try await d.account("eve@example.com")
            var browser = OIDCDriver.Browser()
            _ = try await idToken(d, "ada@example.com", browser: &browser)
            var eveBrowser = OIDCDriver.Browser()
            let evesToken = try await idToken(d, "eve@example.com", browser: &eveBrowser)

            // A cross-site GET (an <img> or a link on another site), with or without another
            // subject's ID token: a page that asks, and the session lives on.
            for hint in [nil, evesToken, "not-a-token"] {
                var items = [("client_id", d.f.clientId), ("post_logout_redirect_uri", Self.postLogout), ("state", "s1")]
                if let hint { items.append(("id_token_hint", hint)) }
                let page = try await t.send(.GET, "/oauth2/logout?" + d.query(items), headers: browser.header)
                #expect(page.status == .ok)
                #expect(page.body.contains("Sign out?"))
                #expect(page.headers.first(name: .location) == nil)
                #expect(try await signedIn(d, browser), "a GET signed the person out")
            }

            // The form's POST without its CSRF token (another site's form): refused.
            let forged = try await t.send(.POST, "/oauth2/logout", headers: browser.header, form: "client_id=\(d.f.clientId)")
            #expect(forged.status == .forbidden)
            #expect(try await signedIn(d, browser))

            // The person confirms: signed out, and back to the registered URI with state.
            let page = try await t.send(
                .GET,
                "/oauth2/logout?" + d.query([("client_id", d.f.clientId), ("post_logout_redirect_uri", Self.postLogout), ("state", "s1")]),
                headers: browser.header)
            let csrf = try #require(page.body.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
            let confirmed = try await t.send(
                .POST, "/oauth2/logout", headers: browser.header,
                form: d.query([
                    ("csrf", String(csrf)), ("client_id", d.f.clientId), ("post_logout_redirect_uri", Self.postLogout), ("state", "s1"),
                ]))
            #expect(confirmed.status == .seeOther)
            #expect(confirmed.headers.first(name: .location) == Self.postLogout + "?state=s1")
            #expect(try await signedIn(d, browser) == false)
            #expect(try await signedIn(d, eveBrowser), "another person's session must not end")
        }
    }

    @Test(arguments: TestDatabase.available)
    func theSubjectsOwnIDTokenSignsOutAtOnceToARegisteredURIOnly(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let d = try await driver(t)
            try await d.account("ada@example.com")
            var browser = OIDCDriver.Browser()
            let hint = try await idToken(d, "ada@example.com", browser: &browser)

            let unregistered = try await t.send(
                .GET, "/oauth2/logout?" + d.query([("id_token_hint", hint), ("post_logout_redirect_uri", "https://evil.example.com/")]),
                headers: browser.header)
            #expect(unregistered.status == .badRequest)
            #expect(unregistered.headers.first(name: .location) == nil)
            #expect(try await signedIn(d, browser))

            let out = try await t.send(
                .GET,
                "/oauth2/logout?" + d.query([("id_token_hint", hint), ("post_logout_redirect_uri", Self.postLogout), ("state", "s2")]),
                headers: browser.header)
            #expect(out.status == .seeOther)
            #expect(out.headers.first(name: .location) == Self.postLogout + "?state=s2")
            #expect(try await signedIn(d, browser) == false)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aNewSignInEndsTheBrowsersOlderSession(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let d = try await driver(t)
            try await d.account("ada@example.com")
            try await d.account("bob@example.com")
            var browser = OIDCDriver.Browser()
            _ = try await d.signIn("ada@example.com", browser: &browser)
            let adasCookie = browser  // e.g. copied off the machine before Bob signs in
            #expect(try await signedIn(d, adasCookie))

            // Bob signs in in the same browser (prompt=login shows the form despite Ada's session).
            let bob = try await d.signIn("bob@example.com", extra: [("prompt", "login")], browser: &browser)
            #expect(d.param(bob, "code") != nil, "\(bob.status) \(bob.body)")
            #expect(browser.cookies[BrowserCookies.session] != adasCookie.cookies[BrowserCookies.session])
            #expect(try await signedIn(d, browser))
            #expect(try await signedIn(d, adasCookie) == false, "the older session survived a new sign-in")
            struct Row: Decodable { var n: Int }
            let sessions = try await t.app.db.sql.raw("SELECT COUNT(*) AS n FROM sessions WHERE kind = 'customer'").first(
                decoding: Row.self)?.n
            #expect(sessions == 1)
        }
    }
}
