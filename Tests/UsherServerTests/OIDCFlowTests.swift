import Crypto
import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// The authorization server's refusals: PKCE, redirect URIs, code replay, dead links.
@Suite struct OIDCFlowTests {
    static let redirect = "https://shop.example.com/callback"

    struct Browser {
        var cookies: [String: String] = [:]
        var header: HTTPHeaders {
            cookies.isEmpty ? [:] : ["Cookie": cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")]
        }
        mutating func absorb(_ reply: TestApp.Reply) {
            for line in reply.headers[.setCookie] {
                let pair = line.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
                if pair.count == 2 { cookies[String(pair[0])] = String(pair[1]) }
            }
        }
    }

    func pkce() -> (verifier: String, challenge: String) {
        let verifier = SecretToken.generate() + "x" + SecretToken.generate()
        return (verifier, Data(SHA256.hash(data: Data(verifier.utf8))).base64URLEncodedString())
    }

    func query(_ items: [(String, String)]) -> String {
        var c = URLComponents()
        c.queryItems = items.map { URLQueryItem(name: $0.0, value: $0.1) }
        return c.percentEncodedQuery!.replacingOccurrences(of: "+", with: "%2B")
    }

    func location(_ r: TestApp.Reply) -> URLComponents? { r.headers.first(name: .location).flatMap(URLComponents.init(string:)) }
    func param(_ r: TestApp.Reply, _ name: String) -> String? { location(r)?.queryItems?.first { $0.name == name }?.value }

    /// Invites, opens the link in `browser`, submits the form; returns the redirect to the client.
    func signUp(_ t: TestApp, _ f: TestApp.Fixture, email: String, challenge: String?, browser: inout Browser) async throws -> TestApp.Reply
    {
        let invitation = try await t.invite(f, email: email)
        let hint = try #require(URLComponents(string: invitation["link"] as! String)?.queryItems?.first { $0.name == "login_hint" }?.value)
        var items = [
            ("response_type", "code"), ("client_id", f.clientId), ("redirect_uri", Self.redirect),
            ("scope", "openid email profile offline_access"),
            ("state", "st4te"), ("nonce", "n0nce"), ("login_hint", hint),
        ]
        if let challenge { items += [("code_challenge", challenge), ("code_challenge_method", "S256")] }
        let authorize = try await t.send(.GET, "/oauth2/authorize?" + query(items), headers: browser.header)
        browser.absorb(authorize)
        let signupPath = try #require(authorize.headers.first(name: .location))
        #expect(signupPath.hasPrefix("/signup?flow="))
        let page = try await t.send(.GET, signupPath, headers: browser.header)
        #expect(page.status == .ok)
        let flow = String(signupPath.dropFirst("/signup?flow=".count))
        let csrf = try #require(page.body.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
        return try await t.send(
            .POST, "/signup", headers: browser.header,
            form: query([
                ("flow", flow), ("csrf", String(csrf)), ("givenName", "Test"), ("familyName", "Person"),
                ("password", "a long test password"), ("passwordConfirmation", "a long test password"),
            ]))
    }

    func exchange(_ t: TestApp, _ f: TestApp.Fixture, code: String, secret: String, verifier: String?) async throws -> TestApp.Reply {
        var items = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Self.redirect)]
        if let verifier { items.append(("code_verifier", verifier)) }
        return try await t.send(
            .POST, "/oauth2/token", headers: ["Authorization": "Basic " + Data("\(f.clientId):\(secret)".utf8).base64EncodedString()],
            form: query(items))
    }

    func fixtureWithSecret(_ t: TestApp) async throws -> (TestApp.Fixture, String) {
        let token = try await t.token()
        let f = try await t.oidcApplication(token: token)
        let app = try await t.send(.GET, "/admin/api/v1/applications/\(f.applicationId)", token: token)
        _ = app
        let rotated = try await t.send(.POST, "/admin/api/v1/applications/\(f.applicationId)/clients/\(f.clientId)/secret", token: token)
        return (f, try #require(rotated["clientSecret"] as? String))
    }

    @Test(arguments: TestDatabase.available)
    func codeFlowWithPKCEAndReplayRefusal(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let (f, secret) = try await fixtureWithSecret(t)
            let (verifier, challenge) = pkce()
            var browser = Browser()
            let back = try await signUp(t, f, email: "pkce@example.com", challenge: challenge, browser: &browser)
            #expect(back.status == .seeOther)
            #expect(location(back)?.host == "shop.example.com")
            #expect(param(back, "state") == "st4te")
            let code = try #require(param(back, "code"))

            // Wrong verifier: refused, and the code is spent.
            let wrongVerifier = try await exchange(t, f, code: code, secret: secret, verifier: pkce().verifier)
            #expect(wrongVerifier["error"] as? String == "invalid_grant")
            _ = verifier

            // A fresh code: exchange works once; the second use fails and revokes the refresh token.
            var second = Browser()
            let (v2, c2) = pkce()
            let back2 = try await signUp(t, f, email: "pkce2@example.com", challenge: c2, browser: &second)
            let code2 = try #require(param(back2, "code"))
            let noVerifier = try await exchange(t, f, code: code2, secret: secret, verifier: nil)
            #expect(noVerifier["error"] as? String == "invalid_grant")

            var third = Browser()
            let (v3, c3) = pkce()
            let code3 = try #require(param(try await signUp(t, f, email: "pkce3@example.com", challenge: c3, browser: &third), "code"))
            let tokens = try await exchange(t, f, code: code3, secret: secret, verifier: v3)
            #expect(tokens.status == .ok)
            let refresh = try #require(tokens["refresh_token"] as? String)
            #expect(tokens["id_token"] != nil)
            let replay = try await exchange(t, f, code: code3, secret: secret, verifier: v3)
            #expect(replay["error"] as? String == "invalid_grant")
            let refreshAfterReplay = try await t.send(
                .POST, "/oauth2/token", headers: ["Authorization": "Basic " + Data("\(f.clientId):\(secret)".utf8).base64EncodedString()],
                form: query([("grant_type", "refresh_token"), ("refresh_token", refresh)]))
            #expect(refreshAfterReplay["error"] as? String == "invalid_grant")
            _ = v2
        }
    }

    @Test(arguments: TestDatabase.available)
    func authorizeRefusesBadRequestsSafely(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let base: [(String, String)] = [("response_type", "code"), ("client_id", f.clientId), ("scope", "openid")]

            // Unknown client and unregistered redirect URIs: a page, never a redirect.
            let unknown = try await t.send(
                .GET,
                "/oauth2/authorize?"
                    + query([("response_type", "code"), ("client_id", "ghost"), ("redirect_uri", Self.redirect), ("scope", "openid")]),
                headers: ["Accept": "text/html"])
            #expect(unknown.status == .badRequest)
            #expect(unknown.headers.first(name: .location) == nil)
            for uri in [
                "https://evil.example.com/callback", Self.redirect + "/", Self.redirect + "?x=1", "https://SHOP.example.com/callback",
            ] {
                let r = try await t.send(
                    .GET, "/oauth2/authorize?" + query(base + [("redirect_uri", uri)]), headers: ["Accept": "text/html"])
                #expect(r.status == .badRequest, "\(uri)")
                #expect(r.headers.first(name: .location) == nil, "\(uri) must not be redirected to")
                #expect(r.body.contains("not registered"))
            }

            // Other problems go back to the client as RFC 6749 errors, with state.
            let noOpenid = try await t.send(
                .GET,
                "/oauth2/authorize?"
                    + query([
                        ("response_type", "code"), ("client_id", f.clientId), ("redirect_uri", Self.redirect), ("scope", "email"),
                        ("state", "s"),
                    ]))
            #expect(param(noOpenid, "error") == "invalid_scope")
            #expect(param(noOpenid, "state") == "s")
            let token2 = try await t.send(
                .GET, "/oauth2/authorize?" + query(base + [("redirect_uri", Self.redirect), ("response_type", "token")]))
            #expect(param(token2, "error") == "unsupported_response_type")
            let plain = try await t.send(
                .GET,
                "/oauth2/authorize?"
                    + query(
                        base + [
                            ("redirect_uri", Self.redirect), ("code_challenge", String(repeating: "a", count: 43)),
                            ("code_challenge_method", "plain"),
                        ]))
            #expect(param(plain, "error") == "invalid_request")
            let none = try await t.send(.GET, "/oauth2/authorize?" + query(base + [("redirect_uri", Self.redirect), ("prompt", "none")]))
            #expect(param(none, "error") == "login_required")

            // Public clients must use PKCE.
            let app = try await t.send(
                .POST, "/admin/api/v1/applications",
                json:
                    #"{"name":"SPA","store":"default","protocol":"oidc","clients":[{"redirectUris":["\#(Self.redirect)"],"public":true}]}"#,
                token: token)
            let publicClient = try #require((app["clients"] as? [[String: Any]])?.first?["clientId"] as? String)
            let noPKCE = try await t.send(
                .GET,
                "/oauth2/authorize?"
                    + query([("response_type", "code"), ("client_id", publicClient), ("redirect_uri", Self.redirect), ("scope", "openid")]))
            #expect(param(noPKCE, "error") == "invalid_request")
            #expect(param(noPKCE, "error_description")?.contains("PKCE") == true)
        }
    }

    @Test(arguments: TestDatabase.available)
    func deadLinksShowWhichDeadEndItIs(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            func open(_ hint: String) async throws -> TestApp.Reply {
                try await t.send(
                    .GET,
                    "/oauth2/authorize?"
                        + query([
                            ("response_type", "code"), ("client_id", f.clientId), ("redirect_uri", Self.redirect),
                            ("scope", "openid"), ("login_hint", hint),
                        ]), headers: ["Accept": "text/html"])
            }
            func hint(_ r: TestApp.Reply) -> String {
                URLComponents(string: r["link"] as! String)!.queryItems!.first { $0.name == "login_hint" }!.value!
            }

            let expired = try await t.invite(f, email: "late@example.com")
            try await t.app.db.sql.raw(
                "UPDATE invitations SET valid_until = \(bind: Date().addingTimeInterval(-1)) WHERE id = \(bind: UUID(uuidString: expired["id"] as! String)!)"
            ).run()
            let e = try await open(hint(expired))
            #expect(e.status == .gone)
            #expect(e.body.contains("This invitation has expired"))
            #expect(e.headers.contentType == .html)

            let used = try await t.invite(f, email: "used@example.com")
            try await t.app.db.sql.raw(
                "UPDATE invitations SET status = 'DONE' WHERE id = \(bind: UUID(uuidString: used["id"] as! String)!)"
            ).run()
            #expect(try await open(hint(used)).body.contains("already been used"))

            let revoked = try await t.invite(f, email: "revoked@example.com")
            _ = try await t.send(.DELETE, "/admin/api/v1/identityStores/default/invite/\(revoked["id"] as! String)", token: token)
            #expect(try await open(hint(revoked)).body.contains("withdrawn"))

            let unknown = try await open("inv_" + String(repeating: "Z", count: 43))
            #expect(unknown.status == .notFound)
            #expect(unknown.body.contains("not valid"))
            for page in [e, unknown] {
                #expect(!page.body.contains("late@example.com"))
                #expect(!page.body.lowercased().contains("stack"))
            }
            // Opening a live link and its form (GET, twice, as a mail scanner and then the person
            // would) uses nothing up (SPEC journey step 5): the invitation stays PENDING and no account appears.
            let live = try await t.invite(f, email: "live@example.com")
            let liveId = try #require(live["id"] as? String)
            for _ in 0..<2 {
                var browser = Browser()
                let opened = try await open(hint(live))
                browser.absorb(opened)
                #expect(opened.status == .seeOther, "\(opened.status) \(opened.body)")
                let form = try #require(opened.headers.first(name: .location))
                #expect(form.hasPrefix("/signup?flow="))
                let page = try await t.send(.GET, form, headers: browser.header)
                #expect(page.status == .ok && page.body.contains("live@example.com"))
            }
            let pending = try await t.send(.GET, "/admin/api/v1/identityStores/default/invite?status=PENDING", token: token).jsonArray
            #expect(pending.compactMap { $0["id"] as? String } == [liveId])
            #expect(
                try await t.send(.GET, "/admin/api/v1/identityStores/default/invite/\(liveId)", token: token)["status"] as? String
                    == "PENDING")
            #expect(try await t.count("accounts") == 0)
        }
    }

    @Test(arguments: TestDatabase.available)
    func discoveryAndJWKSDescribeTheProvider(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let d = try await t.send(.GET, "/.well-known/openid-configuration")
            #expect(d["issuer"] as? String == "http://usher.test")
            #expect(d["code_challenge_methods_supported"] as? [String] == ["S256"])
            #expect(d["jwks_uri"] as? String == "http://usher.test/oauth2/jwks")
            let keys = try await t.send(.GET, "/oauth2/jwks")["keys"] as? [[String: Any]] ?? []
            #expect(Set(keys.compactMap { $0["alg"] as? String }) == ["RS256", "ES256"])
            #expect(keys.allSatisfy { $0["d"] == nil })  // public halves only
            // Rotation: new keys sign, old ones stay published until retired.
            let before = Set(keys.compactMap { $0["kid"] as? String })
            let newKids = try await rotateSigningKeys(t.app)
            let after = Set((try await t.send(.GET, "/oauth2/jwks")["keys"] as? [[String: Any]] ?? []).compactMap { $0["kid"] as? String })
            #expect(after == before.union(newKids))
            #expect(try await retireSigningKeys(t.app) == 2)
        }
    }
}

@Suite struct PasswordUpgradeTests {
    @Test(arguments: TestDatabase.available)
    func aBcryptHashIsUpgradedToArgon2idOnSignIn(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let account = try await t.send(
                .POST, "/admin/api/v1/identityStores/default/accounts",
                json: #"{"email":"old@example.com","password":"an old bcrypt password"}"#, token: token)
            let id = try #require(UUID(uuidString: account["id"] as? String ?? ""))
            struct Row: Decodable { var password_hash: String }
            let fresh = try await t.app.db.sql.raw("SELECT password_hash FROM accounts WHERE id = \(bind: id)").first(decoding: Row.self)
            #expect(fresh?.password_hash.hasPrefix("$argon2id$v=19$m=1024,t=1,p=1$") == true)
            // As it was stored by an older Usher:
            try await t.app.db.sql.raw(
                "UPDATE accounts SET password_hash = \(bind: try Bcrypt.hash("an old bcrypt password", cost: 4)) WHERE id = \(bind: id)"
            ).run()

            func signIn(_ password: String) async throws -> TestApp.Reply {
                var browser = OIDCFlowTests.Browser()
                let start = try await t.send(
                    .GET, "/oauth2/authorize?response_type=code&client_id=\(f.clientId)&redirect_uri=\(OIDCFlowTests.redirect)&scope=openid"
                )
                browser.absorb(start)
                let path = try #require(start.headers.first(name: .location))
                let page = try await t.send(.GET, path, headers: browser.header)
                let csrf = try #require(page.body.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
                return try await t.send(
                    .POST, "/signin", headers: browser.header,
                    form:
                        "flow=\(path.dropFirst("/signin?flow=".count))&csrf=\(csrf)&email=old%40example.com&password=\(password.replacingOccurrences(of: " ", with: "+"))"
                )
            }
            #expect(try await signIn("a wrong password").status == .unauthorized)
            let stillBcrypt = try await t.app.db.sql.raw("SELECT password_hash FROM accounts WHERE id = \(bind: id)").first(
                decoding: Row.self)
            #expect(stillBcrypt?.password_hash.hasPrefix("$2") == true)
            let ok = try await signIn("an old bcrypt password")
            #expect(ok.status == .seeOther)
            #expect(ok.headers.first(name: .location)?.contains("code=") == true)
            let upgraded = try await t.app.db.sql.raw("SELECT password_hash FROM accounts WHERE id = \(bind: id)").first(decoding: Row.self)
            #expect(upgraded?.password_hash.hasPrefix("$argon2id$") == true)
            #expect(try await signIn("an old bcrypt password").status == .seeOther)  // the new hash works
        }
    }
}
