import Foundation
import Testing
import Vapor

@testable import UsherServer

/// An invitee in a browser, over HTTP: opens the invitation's link (the application's
/// authorization request with its login_hint and PKCE), reads the sign-up form, submits it,
/// and lets the application exchange the code for an ID token.
struct InviteeJourney {
    typealias Browser = OIDCFlowTests.Browser
    static let password = "a long test password"
    let flows = OIDCFlowTests()
    var browser = Browser()
    var flow = ""
    var csrf = ""
    var page: TestApp.Reply
    var verifier = ""

    /// Opens the link of `invitation` (a create answer) with `scope`; `page` is the sign-up form.
    static func open(_ t: TestApp, _ f: TestApp.Fixture, invitation: TestApp.Reply, scope: String = "openid email profile groups")
        async throws -> InviteeJourney
    {
        let flows = OIDCFlowTests()
        let link = try #require(invitation["link"] as? String, "\(invitation.status) \(invitation.body)")
        let hint = try #require(loginHint(link))
        let (verifier, challenge) = flows.pkce()
        var browser = Browser()
        let authorize = try await t.send(
            .GET,
            "/oauth2/authorize?"
                + flows.query([
                    ("response_type", "code"), ("client_id", f.clientId), ("redirect_uri", OIDCFlowTests.redirect), ("scope", scope),
                    ("state", "st4te"), ("nonce", "n0nce"), ("login_hint", hint), ("code_challenge", challenge),
                    ("code_challenge_method", "S256"),
                ]), headers: browser.header)
        browser.absorb(authorize)
        let path = try #require(authorize.headers.first(name: .location), "\(authorize.status) \(authorize.body)")
        try #require(path.hasPrefix("/signup?flow="))
        let page = try await t.send(.GET, path, headers: browser.header)
        let csrf = try #require(page.body.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
        var journey = InviteeJourney(page: page)
        journey.browser = browser
        journey.flow = String(path.dropFirst("/signup?flow=".count))
        journey.csrf = String(csrf)
        journey.verifier = verifier
        return journey
    }

    /// The `<input …>` tag of the form field `name`, if the page shows it.
    func input(_ name: String) -> String? {
        page.body.firstMatch(of: try! Regex("<input id=\"\(name)\"[^>]*>"))
            .map { String(page.body[$0.range]) }
    }

    /// Posts the form with `fields` (and a valid password unless given).
    mutating func submit(_ t: TestApp, _ fields: [(String, String)]) async throws -> TestApp.Reply {
        var items = [("flow", flow), ("csrf", csrf)] + fields
        if !fields.contains(where: { $0.0 == "password" }) {
            items += [("password", Self.password), ("passwordConfirmation", Self.password)]
        }
        let reply = try await t.send(.POST, "/signup", headers: browser.header, form: flows.query(items))
        browser.absorb(reply)
        return reply
    }

    /// The application's side: the code of `reply` for tokens; returns the ID token's claims.
    func idTokenClaims(_ t: TestApp, _ f: TestApp.Fixture, secret: String, reply: TestApp.Reply) async throws -> [String: Any] {
        let code = try #require(flows.param(reply, "code"), "\(reply.status) \(reply.headers) \(reply.body)")
        let tokens = try await flows.exchange(t, f, code: code, secret: secret, verifier: verifier)
        let jwt = try #require(tokens["id_token"] as? String, "\(tokens.body)")
        let parts = jwt.split(separator: ".")
        try #require(parts.count == 3)
        var b64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        let data = try #require(Data(base64Encoded: b64))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// An application with its own policy, and the secret of its client.
    static func application(
        _ t: TestApp, token: String, store: String = "default", name: String = "Shop", policy: String = "{}",
        groups: [String] = []
    ) async throws -> (TestApp.Fixture, String) {
        let f = try await t.oidcApplication(token: token, store: store, name: name, policy: policy, groups: groups)
        let rotated = try await t.send(.POST, "/admin/api/v1/applications/\(f.applicationId)/clients/\(f.clientId)/secret", token: token)
        return (f, try #require(rotated["clientSecret"] as? String, "\(rotated.body)"))
    }
}
