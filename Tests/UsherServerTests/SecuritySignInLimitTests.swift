import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Issue 14, item 4: failures used to be recorded after the password was hashed, so 40 wrong
/// passwords sent at once were all checked against a limit of 5.
@Suite struct SecuritySignInLimitTests {
    /// Runs `attempts` at once and returns their statuses.
    static func concurrently(_ attempts: Int, _ attempt: @escaping @Sendable () async throws -> HTTPStatus) async throws -> [HTTPStatus] {
        try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
            for _ in 0..<attempts { group.addTask { try await attempt() } }
            var statuses: [HTTPStatus] = []
            for try await status in group { statuses.append(status) }
            return statuses
        }
    }

    @Test(arguments: TestDatabase.available)
    func fortyConcurrentWrongAdminPasswordsAreAtMostTheLimitChecked(_ db: TestDatabase) async throws {
        try await TestApp.with(db, configure: { $0.rateLimitsEnabled = true }) { t in
            var browser = SignInClient(t: t, ip: "198.51.100.7")
            let csrf = try await browser.openAdminSignIn()
            let client = browser
            let statuses = try await Self.concurrently(40) {
                try await client.postAdminSignIn(csrf: csrf, password: "wrong password").status
            }
            // A 401 is a password that was checked; a 429 one that was refused before any hashing.
            let checked = statuses.filter { $0 == .unauthorized }.count
            #expect(checked <= RateLimiter.adminSignInFailuresPerAccount.limit, "\(checked) of 40 were checked")
            #expect(checked + statuses.filter { $0 == .tooManyRequests }.count == 40)
        }
    }

    @Test(arguments: TestDatabase.available)
    func fortyConcurrentWrongCustomerPasswordsAreAtMostTheLimitChecked(_ db: TestDatabase) async throws {
        try await TestApp.with(
            db,
            configure: {
                $0.rateLimitsEnabled = true
                $0.rateLimitOverrides = "signin-account=3/600"
            }
        ) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            _ = try await t.send(
                .POST, "/admin/api/v1/identityStores/default/accounts",
                json: #"{"email":"ann@example.com","password":"the right passphrase"}"#, token: token)
            var browser = SignInClient(t: t, ip: "198.51.100.8")
            let (flow, csrf) = try await browser.openCustomerSignIn(clientId: f.clientId)
            let client = browser
            let statuses = try await Self.concurrently(40) {
                try await client.postCustomerSignIn(flow: flow, csrf: csrf, email: "ann@example.com", password: "wrong password").status
            }
            let checked = statuses.filter { $0 == .unauthorized }.count
            #expect(checked <= 3, "\(checked) of 40 were checked")
            #expect(checked + statuses.filter { $0 == .tooManyRequests }.count == 40)
        }
    }

    /// The guarantee underneath, with one instant for all: a reservation is one statement, so of
    /// 40 at once exactly the limit are granted, on either database, for either kind of rule.
    @Test(arguments: TestDatabase.available)
    func reservationsAreAtomic(_ db: TestDatabase) async throws {
        try await TestApp.with(db, configure: { $0.rateLimitsEnabled = true }) { t in
            let limiter = t.app.usher.rateLimiter
            let now = Date()
            for rule in [
                RateLimiter.Rule(name: "signin-ip", limit: 5, window: 600),
                RateLimiter.Rule(name: "signin-account", limit: 5, window: 600, kind: .backoff),
            ] {
                let database = t.app.db
                let granted = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for _ in 0..<40 {
                        group.addTask {
                            do {
                                return try await limiter.reserve(rule, key: "same", on: database, now: now) != nil
                            } catch let error as UsherError where error.status == 429 {
                                return false
                            }
                        }
                    }
                    var n = 0
                    for try await ok in group where ok { n += 1 }
                    return n
                }
                #expect(granted == 5, "\(rule.name)")
                struct Row: Decodable { var count: Int }
                let stored = try await t.app.db.sql.raw(
                    "SELECT count FROM rate_limits WHERE key = \(bind: RateLimiter.storageKey(rule, "same"))"
                ).first(decoding: Row.self)
                #expect(stored?.count == 5, "refused attempts are not counted (\(rule.name))")
            }
        }
    }
}
