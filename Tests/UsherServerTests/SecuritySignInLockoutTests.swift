import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Issue 14, item 5: after 5 (console) or 10 (customers, successes counted too) attempts, the
/// right password got 429 for 10–15 minutes, so anyone could lock out the administrator or a
/// customer. Now failures only count, per account and client address, with growing waits.
@Suite struct SecuritySignInLockoutTests {
    static let attacker = "203.0.113.66"
    static let owner = "198.51.100.20"

    @Test(arguments: TestDatabase.available)
    func theAdministratorSignsInFromAnotherAddressWhileOneHammers(_ db: TestDatabase) async throws {
        try await TestApp.with(db, configure: { $0.rateLimitsEnabled = true }) { t in
            var hammer = SignInClient(t: t, ip: Self.attacker)
            let csrf = try await hammer.openAdminSignIn()
            var statuses: [HTTPStatus] = []
            for _ in 0..<20 { statuses.append(try await hammer.postAdminSignIn(csrf: csrf, password: "a guess").status) }
            #expect(statuses.contains(.tooManyRequests))
            // The attacker's address waits (waitsGrowAndAreCapped shows how long); the administrator's does not.
            let owner = try await SignInClient(t: t, ip: Self.owner).adminSignIn(password: "admin-password-123")
            #expect(owner.status == .seeOther)
            #expect(owner.headers.first(name: .location) == "/admin/accounts")
        }
    }

    @Test(arguments: TestDatabase.available)
    func aCustomerSignsInFromAnotherAddressWhileOneHammers(_ db: TestDatabase) async throws {
        try await TestApp.with(db, configure: { $0.rateLimitsEnabled = true }) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            _ = try await t.send(
                .POST, "/admin/api/v1/identityStores/default/accounts",
                json: #"{"email":"ann@example.com","password":"the right passphrase"}"#, token: token)
            var hammer = SignInClient(t: t, ip: Self.attacker)
            let (flow, csrf) = try await hammer.openCustomerSignIn(clientId: f.clientId)
            var statuses: [HTTPStatus] = []
            for _ in 0..<30 {
                statuses.append(
                    try await hammer.postCustomerSignIn(flow: flow, csrf: csrf, email: "ann@example.com", password: "a guess").status)
            }
            #expect(statuses.contains(.tooManyRequests))
            let owner = try await SignInClient(t: t, ip: Self.owner).customerSignIn(
                clientId: f.clientId, email: "ann@example.com", password: "the right passphrase")
            #expect(owner.status == .seeOther)
            #expect(owner.headers.first(name: .location)?.hasPrefix(OIDCFlowTests.redirect + "?code=") == true)
        }
    }

    /// Successes used to count towards the customer limit: the eleventh sign-in in ten minutes failed.
    @Test(arguments: TestDatabase.available)
    func successesAreNotCounted(_ db: TestDatabase) async throws {
        try await TestApp.with(
            db,
            configure: {
                $0.rateLimitsEnabled = true
                $0.rateLimitOverrides = "signin-ip=3/600,signin-account=2/900"
            }
        ) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            _ = try await t.send(
                .POST, "/admin/api/v1/identityStores/default/accounts",
                json: #"{"email":"ann@example.com","password":"the right passphrase"}"#, token: token)
            let browser = SignInClient(t: t, ip: Self.owner)
            for i in 0..<8 {
                let reply = try await browser.customerSignIn(
                    clientId: f.clientId, email: "ann@example.com", password: "the right passphrase")
                #expect(reply.status == .seeOther, "sign-in \(i + 1)")
            }
            for i in 0..<8 {
                #expect(try await browser.adminSignIn(password: "admin-password-123").status == .seeOther, "console sign-in \(i + 1)")
            }
        }
    }

    /// One address spraying many accounts is stopped, and only that address.
    @Test(arguments: TestDatabase.available)
    func sprayingFromOneAddressStopsThatAddressOnly(_ db: TestDatabase) async throws {
        try await TestApp.with(db, configure: { $0.rateLimitsEnabled = true }) { t in
            let hammer = SignInClient(t: t, ip: Self.attacker)
            var statuses: [HTTPStatus] = []
            for i in 0..<12 { statuses.append(try await hammer.adminSignIn(email: "admin\(i)@usher.test", password: "a guess").status) }
            #expect(Array(statuses.prefix(10)) == Array(repeating: .unauthorized, count: 10))
            #expect(statuses.suffix(2) == [.tooManyRequests, .tooManyRequests])
            #expect(try await SignInClient(t: t, ip: Self.owner).adminSignIn(password: "admin-password-123").status == .seeOther)
        }
    }

    /// The waits, with the clock in the test's hand: 5 free failures, then 2, 4, 8 … seconds
    /// after the latest, never more than the rule's window, forgotten after a quiet day or a success.
    @Test(arguments: TestDatabase.available)
    func waitsGrowAndAreCapped(_ db: TestDatabase) async throws {
        try await TestApp.with(db, configure: { $0.rateLimitsEnabled = true }) { t in
            let limiter = t.app.usher.rateLimiter
            let rule = RateLimiter.adminSignInFailuresPerAccount
            var now = Date(timeIntervalSince1970: 1_800_000_000)
            func attempt(_ at: Date) async throws -> Int? {
                do {
                    _ = try await limiter.reserve(rule, key: "admin@usher.test|203.0.113.66", on: t.app.db, now: at)
                    return nil
                } catch let error as UsherError where error.status == 429 {
                    return error.retryAfter
                }
            }
            for _ in 0..<5 { #expect(try await attempt(now) == nil) }
            var waits: [Int] = []
            for _ in 0..<12 {
                let wait = try #require(try await attempt(now))
                #expect(try await attempt(now.addingTimeInterval(Double(wait) - 0.5)) != nil, "still waiting just before")
                waits.append(wait)
                now = now.addingTimeInterval(Double(wait))
                #expect(try await attempt(now) == nil, "allowed once the wait is over")
            }
            #expect(waits == [2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900])
            // A quiet day forgets them.
            now = now.addingTimeInterval(RateLimiter.backoffMemory + 1)
            for _ in 0..<5 { #expect(try await attempt(now) == nil) }
            #expect(try await attempt(now) != nil)
            // So does a success from that address.
            let owner = try await limiter.reserve(rule, key: "admin@usher.test|198.51.100.20", on: t.app.db, now: now)
            #expect(owner != nil)
            try await limiter.release(owner, on: t.app.db)
        }
    }

    @Test func theClientAddressComesFromTrustedProxiesOnly() throws {
        let proxies = try TrustedProxies(parsing: "10.0.0.0/8, 192.168.1.1 ,fd00::/8")
        #expect(
            proxies.clientAddress(peer: "203.0.113.5", forwardedFor: ["1.2.3.4"]) == "203.0.113.5", "an untrusted peer's header is ignored")
        #expect(
            proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["1.2.3.4, 203.0.113.5"]) == "203.0.113.5",
            "the right-most entry the proxy wrote")
        #expect(
            proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["1.2.3.4", "203.0.113.5, 192.168.1.1"]) == "203.0.113.5",
            "trusted hops are skipped")
        #expect(proxies.clientAddress(peer: "fd00::1", forwardedFor: ["[2001:db8::7]:443"]) == "2001:db8::7")
        #expect(proxies.clientAddress(peer: "::ffff:10.0.0.9", forwardedFor: ["203.0.113.5:1234"]) == "203.0.113.5")
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: []) == "10.1.2.3")
        #expect(TrustedProxies.none.clientAddress(peer: "10.1.2.3", forwardedFor: ["1.2.3.4"]) == "10.1.2.3")
        #expect(TrustedProxies.limitKey("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64")
        #expect(TrustedProxies.limitKey("2001:db8:1:2:bbbb::9") == TrustedProxies.limitKey("2001:db8:1:2:aaaa::1"))
        for bad in ["10.0.0.0/33", "example.com", "10.0.0/8", "::/129"] {
            #expect(throws: UsherConfiguration.Error.self, "\(bad)") { try TrustedProxies(parsing: bad) }
        }
        let config = try UsherConfiguration.fromEnvironment(
            ["USHER_TRUSTED_PROXIES": "127.0.0.1,10.0.0.0/8"], hostname: "localhost", port: 8080)
        #expect(config.trustedProxies.trusts("10.9.9.9") && !config.trustedProxies.trusts("11.0.0.1"))
        #expect(throws: UsherConfiguration.Error.self) {
            try UsherConfiguration.fromEnvironment(["USHER_TRUSTED_PROXIES": "nonsense"], hostname: "localhost", port: 8080)
        }
    }

    /// Behind a trusted proxy the limits follow X-Forwarded-For; from anywhere else the header
    /// changes nothing (an attacker cannot escape the limit by inventing addresses).
    @Test(arguments: TestDatabase.available)
    func behindATrustedProxyTheForwardedAddressIsTheClient(_ db: TestDatabase) async throws {
        try await TestApp.with(
            db,
            configure: {
                $0.rateLimitsEnabled = true
                $0.trustedProxies = (try? TrustedProxies(parsing: "10.0.0.1")) ?? .none
            }
        ) { t in
            var hammer = SignInClient(t: t, ip: "10.0.0.1", headers: ["X-Forwarded-For": Self.attacker])
            let csrf = try await hammer.openAdminSignIn()
            var statuses: [HTTPStatus] = []
            for _ in 0..<8 { statuses.append(try await hammer.postAdminSignIn(csrf: csrf, password: "a guess").status) }
            #expect(statuses.contains(.tooManyRequests))
            let owner = SignInClient(t: t, ip: "10.0.0.1", headers: ["X-Forwarded-For": Self.owner])
            #expect(try await owner.adminSignIn(password: "admin-password-123").status == .seeOther)

            // Not through the proxy: a forged header is ignored, every try counts for the peer.
            var forger = SignInClient(t: t, ip: "203.0.113.99")
            let forgedCSRF = try await forger.openAdminSignIn()
            var forged: [HTTPStatus] = []
            for i in 0..<8 {
                forger.extraHeaders = ["X-Forwarded-For": "192.0.2.\(i)"]
                forged.append(try await forger.postAdminSignIn(csrf: forgedCSRF, password: "a guess").status)
            }
            #expect(forged.contains(.tooManyRequests))
        }
    }
}
