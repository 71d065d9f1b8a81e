import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Issue 14, item 11: after a resend, a sign-up form opened with the old link no longer accepts.
@Suite struct SecurityInvitationLinkTests {
    static let invite = "/admin/api/v1/identityStores/default/invite"

    /// The browser's cookies, asking for pages as a browser does.
    static func html(_ browser: OIDCFlowTests.Browser) -> HTTPHeaders {
        var headers = browser.header
        headers.replaceOrAdd(name: .accept, value: "text/html")
        return headers
    }

    /// Opens the invitation's link in `browser`: the sign-up form's path, flow and CSRF token.
    func openForm(_ t: TestApp, _ f: TestApp.Fixture, link: String, browser: inout OIDCFlowTests.Browser) async throws -> (
        flow: String, csrf: String
    ) {
        let hint = try #require(URLComponents(string: link)?.queryItems?.first { $0.name == "login_hint" }?.value)
        let authorize = try await t.send(
            .GET,
            "/oauth2/authorize?"
                + OIDCFlowTests().query([
                    ("response_type", "code"), ("client_id", f.clientId), ("redirect_uri", OIDCFlowTests.redirect), ("scope", "openid"),
                    ("login_hint", hint), ("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
                    ("code_challenge_method", "S256"),
                ]), headers: browser.header)
        browser.absorb(authorize)
        let path = try #require(authorize.headers.first(name: .location))
        let page = try await t.send(.GET, path, headers: browser.header)
        #expect(page.status == .ok)
        let csrf = try #require(page.body.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
        return (String(path.dropFirst("/signup?flow=".count)), String(csrf))
    }

    func submit(_ t: TestApp, flow: String, csrf: String, browser: OIDCFlowTests.Browser) async throws -> TestApp.Reply {
        try await t.send(
            .POST, "/signup", headers: Self.html(browser),
            form: OIDCFlowTests().query([
                ("flow", flow), ("csrf", csrf), ("password", "a long test password"),
                ("passwordConfirmation", "a long test password"),
            ]))
    }

    @Test(arguments: TestDatabase.available)
    func aFormOpenedWithTheOldLinkIsRetiredByAResend(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let created = try await t.invite(f, email: "jane@example.com")
            let id = try #require(created["id"] as? String)
            var oldBrowser = OIDCFlowTests.Browser()
            let old = try await openForm(t, f, link: try #require(created["link"] as? String), browser: &oldBrowser)

            let resent = try await t.send(.POST, "\(Self.invite)/\(id)/resend", token: token)
            #expect(resent.status == .ok, "\(resent.body)")

            // The old form: shown as replaced, and its submission accepts nothing.
            let page = try await t.send(.GET, "/signup?flow=\(old.flow)", headers: Self.html(oldBrowser))
            #expect(page.status == .gone)
            #expect(page.body.contains("This link was replaced"))
            let refused = try await submit(t, flow: old.flow, csrf: old.csrf, browser: oldBrowser)
            #expect(refused.status == .gone)
            #expect(refused.body.contains("This link was replaced"))
            #expect(try await t.count("accounts") == 0)
            let still = try await t.send(.GET, "\(Self.invite)/\(id)", token: token)
            #expect(still["status"] as? String == "PENDING")

            // The new link's form accepts.
            var newBrowser = OIDCFlowTests.Browser()
            let new = try await openForm(t, f, link: try #require(resent["link"] as? String), browser: &newBrowser)
            let accepted = try await submit(t, flow: new.flow, csrf: new.csrf, browser: newBrowser)
            #expect(accepted.status == .seeOther)
            #expect(accepted.headers.first(name: .location)?.hasPrefix(OIDCFlowTests.redirect + "?code=") == true)
            #expect(try await t.count("accounts") == 1)
        }
    }
}
