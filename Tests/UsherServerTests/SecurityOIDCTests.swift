import Crypto
import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Drives the OpenID provider the way a browser and an application do: a customer account,
/// sign-in through `/oauth2/authorize` and `/signin`, code exchange at `/oauth2/token`.
struct OIDCDriver {
    typealias Browser = OIDCFlowTests.Browser
    static let redirect = OIDCFlowTests.redirect
    static let password = "a long test password"

    let t: TestApp
    let f: TestApp.Fixture
    let secret: String

    static func start(_ t: TestApp) async throws -> OIDCDriver {
        let (f, secret) = try await OIDCFlowTests().fixtureWithSecret(t)
        return OIDCDriver(t: t, f: f, secret: secret)
    }

    var basic: HTTPHeaders { ["Authorization": "Basic " + Data("\(f.clientId):\(secret)".utf8).base64EncodedString()] }

    func query(_ items: [(String, String)]) -> String { OIDCFlowTests().query(items) }
    func param(_ r: TestApp.Reply, _ name: String) -> String? { OIDCFlowTests().param(r, name) }
    func pkce() -> (verifier: String, challenge: String) { OIDCFlowTests().pkce() }

    @discardableResult
    func account(_ email: String, givenName: String = "Ada", group: String? = nil) async throws -> String {
        let groups = group.map { #","groups":[{"id":"\#($0)"}]"# } ?? ""
        let a = try await t.send(
            .POST, "/admin/api/v1/identityStores/default/accounts",
            json: #"{"email":"\#(email)","password":"\#(Self.password)","givenName":"\#(givenName)","familyName":"Lovelace"\#(groups)}"#,
            token: f.token)
        let id = try #require(a["id"] as? String, "\(a.body)")
        return id
    }

    /// Signs `email` in through the sign-in page; returns the redirect back to the client.
    func signIn(_ email: String, scope: String = "openid", challenge: String? = nil, extra: [(String, String)] = [], browser: inout Browser)
        async throws -> TestApp.Reply
    {
        var items =
            [
                ("response_type", "code"), ("client_id", f.clientId), ("redirect_uri", Self.redirect), ("scope", scope), ("state", "st"),
                ("nonce", "n"),
            ] + extra
        if let challenge { items += [("code_challenge", challenge), ("code_challenge_method", "S256")] }
        let start = try await t.send(.GET, "/oauth2/authorize?" + query(items), headers: browser.header)
        browser.absorb(start)
        let path = try #require(start.headers.first(name: .location), "\(start.status) \(start.body)")
        guard path.hasPrefix("/signin?flow=") else { return start }  // already signed in: the code comes at once
        let page = try await t.send(.GET, path, headers: browser.header)
        let csrf = try #require(page.body.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
        let reply = try await t.send(
            .POST, "/signin", headers: browser.header,
            form: query([
                ("flow", String(path.dropFirst("/signin?flow=".count))), ("csrf", String(csrf)), ("email", email),
                ("password", Self.password),
            ]))
        browser.absorb(reply)
        return reply
    }

    func exchange(code: String, verifier: String?, redirectURI: String = OIDCDriver.redirect, headers: HTTPHeaders? = nil) async throws
        -> TestApp.Reply
    {
        var items = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI)]
        if let verifier { items.append(("code_verifier", verifier)) }
        return try await t.send(.POST, "/oauth2/token", headers: headers ?? basic, form: query(items))
    }

    /// The claims of a compact JWT (its signature is checked elsewhere).
    static func claims(_ jwt: String) -> [String: Any] {
        let parts = jwt.split(separator: ".")
        guard parts.count == 3 else { return [:] }
        var b64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        guard let data = Data(base64Encoded: b64) else { return [:] }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }
}

/// Issue 14, items 7, 9, 10, 12 and 13: the OpenID provider's refusals an attacker would probe.
@Suite struct SecurityOIDCTests {
    /// Item 10: a code seen by someone else (a log, a referrer) cannot be burned by them; only the
    /// right client with the right redirect_uri and verifier consumes it, and a replay by that
    /// client still revokes what the code gave.
    @Test(arguments: TestDatabase.available)
    func aCodeIsConsumedOnlyByItsClientWithItsProof(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let d = try await OIDCDriver.start(t)
            try await d.account("code@example.com")
            let other = try await OIDCDriver.start(t)
            let (verifier, challenge) = d.pkce()
            var browser = OIDCDriver.Browser()
            let back = try await d.signIn("code@example.com", scope: "openid offline_access", challenge: challenge, browser: &browser)
            let code = try #require(d.param(back, "code"))

            // The attacker's attempts: no or a wrong secret, another client, a wrong redirect_uri, a wrong verifier.
            let anonymous = try await d.exchange(code: code, verifier: verifier, headers: [:])
            #expect(anonymous["error"] as? String == "invalid_client")
            let wrongSecret = try await d.exchange(
                code: code, verifier: verifier,
                headers: ["Authorization": "Basic " + Data("\(d.f.clientId):wrong".utf8).base64EncodedString()])
            #expect(wrongSecret["error"] as? String == "invalid_client")
            let otherClient = try await other.exchange(code: code, verifier: verifier)
            #expect(otherClient["error"] as? String == "invalid_grant")
            let wrongRedirect = try await d.exchange(code: code, verifier: verifier, redirectURI: "https://evil.example.com/cb")
            #expect(wrongRedirect["error"] as? String == "invalid_grant")
            let wrongVerifier = try await d.exchange(code: code, verifier: d.pkce().verifier)
            #expect(wrongVerifier["error"] as? String == "invalid_grant")
            #expect((wrongVerifier["error_description"] as? String)?.contains("already used") == false)

            // The code is intact: its client exchanges it.
            let tokens = try await d.exchange(code: code, verifier: verifier)
            #expect(tokens.status == .ok, "\(tokens.body)")
            let refresh = try #require(tokens["refresh_token"] as? String)

            // A genuine replay by the right client revokes the refresh token the code gave.
            let replay = try await d.exchange(code: code, verifier: verifier)
            #expect(replay["error"] as? String == "invalid_grant")
            #expect((replay["error_description"] as? String)?.contains("already used") == true)
            let afterReplay = try await t.send(
                .POST, "/oauth2/token", headers: d.basic, form: d.query([("grant_type", "refresh_token"), ("refresh_token", refresh)]))
            #expect(afterReplay["error"] as? String == "invalid_grant")
        }
    }

    /// Item 13: claims by scope, and a refresh token only for offline_access.
    @Test(arguments: TestDatabase.available)
    func claimsAndRefreshTokensFollowTheRequestedScopes(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let d = try await OIDCDriver.start(t)
            let group = try await t.group(token: d.f.token, name: "Gold")
            try await d.account("claims@example.com", group: group)
            func tokens(_ scope: String) async throws -> (id: [String: Any], userinfo: [String: Any], reply: TestApp.Reply) {
                var browser = OIDCDriver.Browser()
                let (verifier, challenge) = d.pkce()
                let back = try await d.signIn("claims@example.com", scope: scope, challenge: challenge, browser: &browser)
                let reply = try await d.exchange(code: try #require(d.param(back, "code")), verifier: verifier)
                #expect(reply.status == .ok, "\(reply.body)")
                let info = try await t.send(.GET, "/oauth2/userinfo", token: reply["access_token"] as? String)
                return (OIDCDriver.claims(reply["id_token"] as? String ?? ""), info.json, reply)
            }
            let personal = ["email", "email_verified", "given_name", "family_name", "name", "groups", "phone_number", "locale"]

            let bare = try await tokens("openid")
            #expect(bare.id["sub"] as? String != nil)
            for claim in personal {
                #expect(bare.id[claim] == nil, "openid alone released \(claim) in the ID token")
                #expect(bare.userinfo[claim] == nil, "openid alone released \(claim) at userinfo")
            }
            #expect(bare.reply["refresh_token"] == nil)

            let email = try await tokens("openid email")
            #expect(email.id["email"] as? String == "claims@example.com")
            #expect(email.id["email_verified"] != nil)
            #expect(email.id["given_name"] == nil && email.id["groups"] == nil)

            let profile = try await tokens("openid profile")
            #expect(profile.id["given_name"] as? String == "Ada" && profile.id["name"] as? String == "Ada Lovelace")
            #expect(profile.id["email"] == nil && profile.id["groups"] == nil && profile.userinfo["groups"] == nil)

            let all = try await tokens("openid email profile groups offline_access")
            #expect(all.id["groups"] as? [String] == ["Gold"])
            #expect(all.userinfo["groups"] as? [String] == ["Gold"])
            let refresh = try #require(all.reply["refresh_token"] as? String)
            // Rotation keeps working for a token the application holds.
            let rotated = try await t.send(
                .POST, "/oauth2/token", headers: d.basic, form: d.query([("grant_type", "refresh_token"), ("refresh_token", refresh)]))
            #expect(rotated["refresh_token"] as? String != nil)
            #expect(OIDCDriver.claims(rotated["id_token"] as? String ?? "")["groups"] as? [String] == ["Gold"])
        }
    }

    /// Item 13: plain-http redirect URIs and login URLs for hosts other than loopback are refused
    /// when an application is registered; loopback ones still work for development.
    @Test(arguments: TestDatabase.available)
    func plainHTTPIsRefusedForRegisteredURLsOffLoopback(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            func register(redirect: String, login: String) async throws -> TestApp.Reply {
                try await t.send(
                    .POST, "/admin/api/v1/applications",
                    json: """
                        {"name":"Plain","store":"default","protocol":"oidc","clients":[{"redirectUris":["\(redirect)"],"loginUrl":"\(login)"}]}
                        """, token: token)
            }
            let plain = try await register(redirect: "http://shop.example.com/callback", login: "http://shop.example.com/login")
            #expect(plain.status == .badRequest)
            #expect(Set(plain.fieldNames) == ["clients[0].redirectUris[0]", "clients[0].loginUrl"], "\(plain.body)")
            #expect(try await register(redirect: "http://127.0.0.1:8000/callback", login: "http://localhost:8000/login").status == .created)
        }
    }

    /// Item 9: wrong client secrets at /oauth2/token are limited per client id and address;
    /// failures only, so the busy client with the right secret is never throttled.
    @Test(arguments: TestDatabase.available)
    func failedClientAuthenticationsAreLimitedButSuccessesAreNot(_ db: TestDatabase) async throws {
        try await TestApp.with(db, configure: { $0.rateLimitsEnabled = true }) { t in
            func basic(_ id: String, _ secret: String) -> HTTPHeaders {
                ["Authorization": "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString()]
            }
            let limit = RateLimiter.tokenClientFailures.limit
            // A busy, healthy client: far more requests than the failure limit, all answered.
            for _ in 0..<(limit + 5) {
                #expect(
                    try await t.send(
                        .POST, "/oauth2/token", headers: basic(TestApp.adminClientId, TestApp.adminClientSecret),
                        form: "grant_type=client_credentials"
                    ).status == .ok)
            }
            let d = try await OIDCDriver.start(t)

            // Guessing the OIDC client's secret: `limit` wrong guesses are answered, then 429.
            for _ in 0..<limit {
                let wrong = try await t.send(
                    .POST, "/oauth2/token", headers: basic(d.f.clientId, "guess"),
                    form: "grant_type=authorization_code&code=x&redirect_uri=x")
                #expect(wrong.status == .unauthorized)
            }
            let limited = try await t.send(
                .POST, "/oauth2/token", headers: basic(d.f.clientId, "guess"), form: "grant_type=authorization_code&code=x&redirect_uri=x")
            #expect(limited.status == .tooManyRequests)
            #expect(limited["error"] as? String == "invalid_client")
            #expect(Int(limited.headers.first(name: .retryAfter) ?? "") ?? 0 > 0)
            // Client secrets through the form body count the same way.
            let posted = try await t.send(
                .POST, "/oauth2/token", form: "grant_type=client_credentials&client_id=\(d.f.clientId)&client_secret=guess")
            #expect(posted.status == .tooManyRequests)

            // Another client is not affected by the guessing.
            #expect(
                try await t.send(
                    .POST, "/oauth2/token", headers: basic(TestApp.adminClientId, TestApp.adminClientSecret),
                    form: "grant_type=client_credentials"
                ).status == .ok)
        }
    }
}

/// Issue 14 item 12: what one address or one idle connection can hold.
@Suite struct SecurityConnectionLimitTests {
    @Test(arguments: TestDatabase.available)
    func anonymousAuthorizeRequestsAreLimitedPerAddress(_ db: TestDatabase) async throws {
        try await TestApp.with(db, configure: { $0.rateLimitsEnabled = true }) { t in
            let d = try await OIDCDriver.start(t)
            let path =
                "/oauth2/authorize?"
                + d.query([
                    ("response_type", "code"), ("client_id", d.f.clientId), ("redirect_uri", OIDCDriver.redirect), ("scope", "openid"),
                ])
            let before = try await t.count("login_flows")
            let limit = RateLimiter.authorizePerAddress.limit
            for _ in 0..<limit {
                #expect(try await t.send(.GET, path).status == .seeOther)
            }
            let refused = try await t.send(.GET, path)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers.first(name: .retryAfter) != nil)
            // The flood added at most `limit` rows, and the refused request none.
            #expect(try await t.count("login_flows") - before == limit)
        }
    }

    @Test(arguments: TestDatabase.available)
    func idleConnectionsAreClosed(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            #expect(t.app.http.server.configuration.idleTimeout == .seconds(30))
        }
    }
}
