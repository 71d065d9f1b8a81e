import Foundation
import Testing
import UsherCore
import Vapor

@testable import UsherServer

@Suite struct HardeningTests {
    @Test(arguments: TestDatabase.available)
    func rateLimitsAnswer429WithRetryAfterAcrossTheDatabase(_ db: TestDatabase) async throws {
        try await TestApp.with(
            db,
            configure: {
                $0.rateLimitsEnabled = true
                $0.rateLimitOverrides = "resend-invitation=2/3600,signin-ip=2/600"
            }
        ) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let id = try await t.invite(f, email: "limit@example.com")["id"] as! String
            for _ in 0..<2 {
                #expect(try await t.send(.POST, "/admin/api/v1/identityStores/default/invite/\(id)/resend", token: token).status == .ok)
            }
            let limited = try await t.send(.POST, "/admin/api/v1/identityStores/default/invite/\(id)/resend", token: token)
            #expect(limited.status == .tooManyRequests)
            #expect(Int(limited.headers.first(name: .retryAfter) ?? "") ?? 0 > 0)
            #expect(limited.errorKey == "rateLimit.exceeded")
            #expect(try await t.send(.GET, "/admin/api/v1/identityStores/default/invite/\(id)", token: token)["sendCount"] as? Int == 3)

            var statuses: [HTTPStatus] = []
            for _ in 0..<3 {
                var browser = OIDCFlowTests.Browser()
                let start = try await t.send(
                    .GET, "/oauth2/authorize?response_type=code&client_id=\(f.clientId)&redirect_uri=\(OIDCFlowTests.redirect)&scope=openid"
                )
                browser.absorb(start)
                let path = try #require(start.headers.first(name: .location))
                let page = try await t.send(.GET, path, headers: browser.header)
                let csrf = try #require(page.body.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
                statuses.append(
                    try await t.send(
                        .POST, "/signin", headers: browser.header,
                        form: "flow=\(path.dropFirst("/signin?flow=".count))&csrf=\(csrf)&email=nobody%40example.com&password=wrong"
                    ).status)
            }
            #expect(statuses == [.unauthorized, .unauthorized, .tooManyRequests])
        }
    }

    @Test func rateLimitOverridesAreChecked() throws {
        #expect(try RateLimiter.parseOverrides("signin-ip=5/60")["signin-ip"]?.limit == 5)
        #expect(throws: UsherConfiguration.Error.self) { try RateLimiter.parseOverrides("nonsense=1/1") }
        #expect(throws: UsherConfiguration.Error.self) { try RateLimiter.parseOverrides("signin-ip=x") }
    }

    @Test(arguments: TestDatabase.available)
    func linksComeFromThePublicURLNeverFromTheHostHeader(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let r = try await t.send(
                .POST, "/admin/api/v1/identityStores/default/invite", json: #"{"clientId":"\#(f.clientId)","email":"host@example.com"}"#,
                token: token, headers: ["Host": "evil.example", "X-Forwarded-Host": "evil.example"])
            #expect((r["link"] as? String)?.contains("iss=http://usher.test&") == true)
            #expect(!(r["link"] as? String ?? "evil").contains("evil"))
            let d = try await t.send(.GET, "/.well-known/openid-configuration", headers: ["Host": "evil.example"])
            #expect(d["issuer"] as? String == "http://usher.test")
        }
    }

    @Test(arguments: TestDatabase.available)
    func pagesCarrySecurityHeadersAndHSTSOverHTTPS(_ db: TestDatabase) async throws {
        try await TestApp.with(db, configure: { $0.publicURL = "https://id.example.com" }) { t in
            let page = try await t.send(.GET, "/admin/signin")
            #expect(page.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
            #expect(page.headers.first(name: "Content-Security-Policy")?.contains("script-src 'self'") == true)
            #expect(page.headers.first(name: "X-Frame-Options") == "DENY")
            #expect(page.headers.first(name: "Referrer-Policy") == "no-referrer")
            #expect(page.headers.first(name: "Strict-Transport-Security")?.hasPrefix("max-age=") == true)
            #expect(!page.body.contains("<script"))
            let cookie = page.headers[.setCookie].joined(separator: " ")
            #expect(cookie.contains("HttpOnly") && cookie.contains("Secure") && cookie.contains("SameSite=Lax"))
        }
    }

    @Test(arguments: TestDatabase.available)
    func theConsoleSignInIsNoOpenRedirect(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            for next in ["//evil.example/x", "https://evil.example", "/\\evil.example", "/admin/../x://y"] {
                #expect(ConsoleAuthRoutes.safeNext(next) == "/admin/accounts", "\(next)")
            }
            #expect(ConsoleAuthRoutes.safeNext("/admin/groups?store=default") == "/admin/groups?store=default")
            // Without a session the console sends people to sign in, and a POST without CSRF changes nothing.
            let r = try await t.send(.GET, "/admin/accounts")
            #expect(r.status == .seeOther)
            #expect(r.headers.first(name: .location)?.hasPrefix("/admin/signin") == true)
            let post = try await t.send(.POST, "/admin/invite", form: "store=default&email=x%40example.com")
            #expect(post.status == .seeOther)
            #expect(try await t.count("invitations") == 0)
        }
    }

    /// PostgreSQL cannot store NUL in text; the fuzzer found the 500 this used to cause.
    @Test(arguments: TestDatabase.available)
    func nulCharactersAreRefusedEverywhereAndChangeNothing(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            for path in [
                "/admin/api/v1/identityStores/default/accounts?search=a%00b", "/admin/api/v1/identityStores/default/invite?email=%00",
                "/admin/api/v1/identityStores/default/accounts/x%00y",
            ] {
                let r = try await t.send(.GET, path, token: token)
                #expect(r.status == .badRequest, "\(path)")
                #expect(r.errorKey == "request.malformed", "\(path)")
            }
            let invite = try await t.send(
                .POST, "/admin/api/v1/identityStores/default/invite",
                json: #"{"clientId":"\#(f.clientId)","email":"nul@example.com","metadata":{"givenName":"A\u0000B"}}"#, token: token)
            #expect(invite.status == .badRequest)
            #expect(invite.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            // An escaped backslash followed by "u0000" is six ordinary characters, not a NUL.
            let literal = try await t.send(
                .POST, "/admin/api/v1/identityStores/default/invite",
                json: #"{"clientId":"\#(f.clientId)","email":"literal@example.com","metadata":{"givenName":"A\\u0000B"}}"#, token: token)
            #expect(literal.status == .created)
            #expect(try await t.count("invitations") == 1)
            let page = try await t.send(.POST, "/admin/signin", form: "email=admin%40example.com%00&password=x")
            #expect(page.status == .badRequest)
            #expect(page.body.contains("NUL character"))
        }
    }
}

@Suite struct HousekeepingTests {
    @Test(arguments: TestDatabase.available)
    func expiredSessionsAndFlowsAreSweptAndLiveOnesKept(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let now = Date()
            for (id, expires) in [("expired", now.addingTimeInterval(-10)), ("live", now.addingTimeInterval(3600))] {
                let s = SessionModel()
                s.id = id
                s.kind = "customer"
                s.subjectId = UUID()
                s.createdAt = now
                s.authTime = now
                s.expiresAt = expires
                try await s.create(on: t.app.db)
            }
            try await Housekeeping.sweep(t.app.db, now: now)
            #expect(try await SessionModel.query(on: t.app.db).all().compactMap(\.id) == ["live"])
        }
    }
}
