import Fluent
import Foundation
import SQLKit
import UsherCore

/// Fixed-window counters kept in the database, so that every instance counts together.
/// Keys are hashed: they often contain an email address or an IP, which the table need not hold.
struct RateLimiter: Sendable {
    var enabled: Bool
    /// Limits the operator changed (USHER_RATE_LIMITS=name=limit/seconds,…), by rule name.
    var overrides: [String: (limit: Int, window: TimeInterval)] = [:]

    static let allRules = [signUpPerIP, signUpPerInvitation, signInPerIP, signInPerAccount, adminSignInFailuresPerIP,
                           adminSignInFailuresPerAccount, resendPerInvitation, tokenPerClient]

    private func effective(_ rule: Rule) -> Rule {
        guard let o = overrides[rule.name] else { return rule }
        return Rule(name: rule.name, limit: o.limit, window: o.window)
    }

    /// Parses `name=limit/seconds,…` (e.g. `signin-account=5/900`), naming what is wrong.
    static func parseOverrides(_ raw: String) throws -> [String: (limit: Int, window: TimeInterval)] {
        var result: [String: (limit: Int, window: TimeInterval)] = [:]
        let names = allRules.map(\.name)
        for item in raw.split(separator: ",") {
            let parts = item.split(separator: "=")
            guard parts.count == 2, names.contains(String(parts[0]).trimmingCharacters(in: .whitespaces)) else {
                throw UsherConfiguration.Error(variable: "USHER_RATE_LIMITS", problem: "'\(item)' is not name=limit/seconds with a name among \(names.joined(separator: ", "))")
            }
            let numbers = parts[1].split(separator: "/")
            guard numbers.count == 2, let limit = Int(numbers[0]), limit > 0, let window = Double(numbers[1]), window > 0 else {
                throw UsherConfiguration.Error(variable: "USHER_RATE_LIMITS", problem: "'\(item)': the limit must look like 10/600 (10 per 600 seconds)")
            }
            result[String(parts[0]).trimmingCharacters(in: .whitespaces)] = (limit, window)
        }
        return result
    }

    struct Rule: Sendable {
        var name: String
        var limit: Int
        var window: TimeInterval
    }

    static let signUpPerIP = Rule(name: "signup-ip", limit: 30, window: 600)
    static let signUpPerInvitation = Rule(name: "signup-invitation", limit: 10, window: 600)
    static let signInPerIP = Rule(name: "signin-ip", limit: 60, window: 600)
    static let signInPerAccount = Rule(name: "signin-account", limit: 10, window: 600)
    static let adminSignInFailuresPerIP = Rule(name: "admin-signin-ip", limit: 10, window: 900)
    static let adminSignInFailuresPerAccount = Rule(name: "admin-signin-account", limit: 5, window: 900)
    static let resendPerInvitation = Rule(name: "resend-invitation", limit: 5, window: 3600)
    static let tokenPerClient = Rule(name: "token-client", limit: 100_000, window: 60)

    /// Counts one hit and throws 429 with Retry-After once `rule.limit` is passed.
    func hit(_ rule: Rule, key: String, on db: any Database, now: Date = Date()) async throws {
        guard enabled else { return }
        let rule = effective(rule)
        let (count, windowStart) = try await increment(rule, key: key, on: db, now: now)
        if count > rule.limit {
            let retryAfter = max(1, Int((windowStart.addingTimeInterval(rule.window)).timeIntervalSince(now).rounded(.up)))
            throw UsherError.tooManyRequests(
                retryAfter: retryAfter,
                detail: "Too many attempts. Wait \(retryAfter) seconds before trying again.")
        }
    }

    /// Whether the limit is already reached, without counting (for "failures only" rules).
    func check(_ rule: Rule, key: String, on db: any Database, now: Date = Date()) async throws {
        guard enabled else { return }
        let rule = effective(rule)
        let rows = try await db.sql.select().column("count").column("window_start").from("rate_limits")
            .where("key", .equal, SQLBind(Self.storageKey(rule, key))).all()
        guard let row = rows.first else { return }
        let count = try row.decode(column: "count", as: Int.self)
        let windowStart = try row.decode(column: "window_start", as: Date.self)
        if windowStart.addingTimeInterval(rule.window) > now && count >= rule.limit {
            let retryAfter = max(1, Int((windowStart.addingTimeInterval(rule.window)).timeIntervalSince(now).rounded(.up)))
            throw UsherError.tooManyRequests(retryAfter: retryAfter, detail: "Too many failed attempts. Wait \(retryAfter) seconds before trying again.")
        }
    }

    func record(_ rule: Rule, key: String, on db: any Database, now: Date = Date()) async throws {
        guard enabled else { return }
        let rule = effective(rule)
        _ = try await increment(rule, key: key, on: db, now: now)
    }

    func reset(_ rule: Rule, key: String, on db: any Database) async throws {
        guard enabled else { return }
        _ = try await db.write { tx in
            try await tx.sql.delete(from: "rate_limits").where("key", .equal, SQLBind(Self.storageKey(rule, key))).run()
        }
    }

    private func increment(_ rule: Rule, key: String, on db: any Database, now: Date) async throws -> (Int, Date) {
        let storageKey = Self.storageKey(rule, key)
        let windowFloor = now.addingTimeInterval(-rule.window)
        return try await db.write { tx in
            // One statement, so concurrent hits on any instance count exactly.
            let rows = try await tx.sql.raw("""
                INSERT INTO rate_limits (key, window_start, count) VALUES (\(bind: storageKey), \(bind: now), 1)
                ON CONFLICT (key) DO UPDATE SET
                  count = CASE WHEN rate_limits.window_start < \(bind: windowFloor) THEN 1 ELSE rate_limits.count + 1 END,
                  window_start = CASE WHEN rate_limits.window_start < \(bind: windowFloor) THEN \(bind: now) ELSE rate_limits.window_start END
                RETURNING count, window_start
                """).all()
            guard let row = rows.first else { return (1, now) }
            return (try row.decode(column: "count", as: Int.self), try row.decode(column: "window_start", as: Date.self))
        }
    }

    static func storageKey(_ rule: Rule, _ key: String) -> String {
        "\(rule.name):" + String(SecretToken.hash(key).prefix(32))
    }
}
