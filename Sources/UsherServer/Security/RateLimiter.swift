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

    /// Every rule an operator may change; a rule declared beside its feature is listed here too.
    static let allRules = [
        signUpPerIP, signUpPerInvitation, signInPerIP, signInPerAccount, adminSignInFailuresPerIP,
        adminSignInFailuresPerAccount, resendPerInvitation, tokenClientFailures, authorizePerAddress,
        passwordForgotPerIP, passwordForgotPerAddress, accountEmailsPerAccount, renewalRequestsPerIP,
    ]

    private func effective(_ rule: Rule) -> Rule {
        guard let o = overrides[rule.name] else { return rule }
        return Rule(name: rule.name, limit: o.limit, window: o.window, kind: rule.kind)
    }

    /// Parses `name=limit/seconds,…` (e.g. `signin-account=5/900`), naming what is wrong.
    static func parseOverrides(_ raw: String) throws -> [String: (limit: Int, window: TimeInterval)] {
        var result: [String: (limit: Int, window: TimeInterval)] = [:]
        let names = allRules.map(\.name)
        for item in raw.split(separator: ",") {
            let parts = item.split(separator: "=")
            guard parts.count == 2, names.contains(String(parts[0]).trimmingCharacters(in: .whitespaces)) else {
                throw UsherConfiguration.Error(
                    variable: "USHER_RATE_LIMITS",
                    problem: "'\(item)' is not name=limit/seconds with a name among \(names.joined(separator: ", "))")
            }
            let numbers = parts[1].split(separator: "/")
            guard numbers.count == 2, let limit = Int(numbers[0]), limit > 0, let window = Double(numbers[1]), window > 0 else {
                throw UsherConfiguration.Error(
                    variable: "USHER_RATE_LIMITS", problem: "'\(item)': the limit must look like 10/600 (10 per 600 seconds)")
            }
            result[String(parts[0]).trimmingCharacters(in: .whitespaces)] = (limit, window)
        }
        return result
    }

    struct Rule: Sendable {
        var name: String
        var limit: Int
        var window: TimeInterval
        var kind: Kind = .window

        enum Kind: Sendable {
            /// At most `limit` in a fixed window of `window` seconds.
            case window
            /// `limit` failures go free; after them each attempt waits twice as long as the one
            /// before (2, 4, 8 … seconds after the latest failure, at most `window`), until a success
            /// or a day without attempts forgets them. Slows guessing without ever locking out.
            case backoff
        }

        /// How long an attempt must wait after the latest of `failures` failures (backoff rules).
        func delay(afterFailures failures: Int) -> TimeInterval {
            guard failures >= limit else { return 0 }
            let doublings = failures - limit + 1
            return doublings >= 40 ? window : min(window, pow(2, Double(doublings)))
        }
    }

    static let signUpPerIP = Rule(name: "signup-ip", limit: 30, window: 600)
    static let signUpPerInvitation = Rule(name: "signup-invitation", limit: 10, window: 600)
    // Security: the sign-in rules count failures only (a success gives its attempt back) and are
    // keyed by the client's address (`Request.clientAddress`): guesses from one address slow that
    // address down, never the account's owner signing in from another.
    /// Failed customer sign-ins from one address, whatever the account (stops spraying).
    static let signInPerIP = Rule(name: "signin-ip", limit: 60, window: 600)
    /// Failed customer sign-ins of one account from one address: 5 free, then growing waits up to 15 minutes.
    static let signInPerAccount = Rule(name: "signin-account", limit: 5, window: 900, kind: .backoff)
    /// Failed console sign-ins from one address, whatever the account.
    static let adminSignInFailuresPerIP = Rule(name: "admin-signin-ip", limit: 10, window: 900)
    /// Failed console sign-ins of one administrator from one address: 5 free, then growing waits up to 15 minutes.
    static let adminSignInFailuresPerAccount = Rule(name: "admin-signin-account", limit: 5, window: 900, kind: .backoff)
    static let resendPerInvitation = Rule(name: "resend-invitation", limit: 5, window: 3600)
    /// "Ask for a new invitation" from expired links, per client address (one per invitation anyway).
    static let renewalRequestsPerIP = Rule(name: "renewal-ip", limit: 10, window: 3600)
    /// "Forgot password?" requests from one client address (answered 429 past it).
    static let passwordForgotPerIP = Rule(name: "password-forgot-ip", limit: 20, window: 3600)
    /// Reset emails to one address: past it nothing is sent, and the answer stays the same.
    static let passwordForgotPerAddress = Rule(name: "password-forgot-address", limit: 5, window: 3600)
    /// Verification and email-change emails one account asks for on its account page.
    static let accountEmailsPerAccount = Rule(name: "account-emails", limit: 5, window: 3600)

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
            throw UsherError.tooManyRequests(
                retryAfter: retryAfter, detail: "Too many failed attempts. Wait \(retryAfter) seconds before trying again.")
        }
    }

    func record(_ rule: Rule, key: String, on db: any Database, now: Date = Date()) async throws {
        guard enabled else { return }
        let rule = effective(rule)
        _ = try await increment(rule, key: key, on: db, now: now)
    }

    /// An attempt counted before the work it limits is done, so that concurrent attempts cannot
    /// all pass a check that only later work would record.
    struct Reservation: Sendable {
        fileprivate var rule: Rule
        fileprivate var storageKey: String
    }

    /// Security: counts one attempt and refuses it (429 with Retry-After) in one statement, before
    /// the password is checked, so that 40 attempts sent at once are 40 counted attempts, of which
    /// only those within the limit go on. Refused attempts are not counted. nil when limits are off.
    func reserve(_ rule: Rule, key: String, on db: any Database, now: Date = Date()) async throws -> Reservation? {
        guard enabled else { return nil }
        let rule = effective(rule)
        let storageKey = Self.storageKey(rule, key)
        let granted = try await db.write { tx in
            try await tx.sql.raw(Self.reservation(rule, storageKey: storageKey, now: now)).all()
        }
        guard granted.isEmpty else { return Reservation(rule: rule, storageKey: storageKey) }
        let rows = try await db.sql.select().column("count").column("window_start").from("rate_limits")
            .where("key", .equal, SQLBind(storageKey)).all()
        var retryAfter = 1
        if let row = rows.first {
            let count = try row.decode(column: "count", as: Int.self)
            let start = try row.decode(column: "window_start", as: Date.self)
            let until =
                rule.kind == .window ? start.addingTimeInterval(rule.window) : start.addingTimeInterval(rule.delay(afterFailures: count))
            retryAfter = max(1, Int(until.timeIntervalSince(now).rounded(.up)))
        }
        throw UsherError.tooManyRequests(
            retryAfter: retryAfter, detail: "Too many failed attempts. Wait \(retryAfter) seconds before trying again.")
    }

    /// Gives a reservation back once the attempt succeeded, so that only failures stay counted:
    /// a window rule counts one fewer, a backoff rule forgets its failures.
    func release(_ reservation: Reservation?, on db: any Database) async throws {
        guard let reservation else { return }
        let key = reservation.storageKey
        _ = try await db.write { tx in
            switch reservation.rule.kind {
            case .window:
                try await tx.sql.raw("UPDATE rate_limits SET count = count - 1 WHERE key = \(bind: key) AND count > 0").run()
            case .backoff:
                try await tx.sql.delete(from: "rate_limits").where("key", .equal, SQLBind(key)).run()
            }
        }
    }

    /// Takes back a reservation whose attempt never went on (another rule refused it).
    func cancel(_ reservation: Reservation?, on db: any Database) async throws {
        guard let reservation else { return }
        let key = reservation.storageKey
        _ = try await db.write { tx in
            try await tx.sql.raw("UPDATE rate_limits SET count = count - 1 WHERE key = \(bind: key) AND count > 0").run()
        }
    }

    /// Failures of a backoff rule are forgotten after a quiet day (Housekeeping then drops the row).
    static let backoffMemory: TimeInterval = 24 * 3600

    /// One conditional upsert: it counts the attempt and returns a row only when the attempt may
    /// go on; when it may not, nothing changes and nothing is returned.
    private static func reservation(_ rule: Rule, storageKey: String, now: Date) -> SQLQueryString {
        switch rule.kind {
        case .window:
            let floor = now.addingTimeInterval(-rule.window)
            return """
                INSERT INTO rate_limits (key, window_start, count) VALUES (\(bind: storageKey), \(bind: now), 1)
                ON CONFLICT (key) DO UPDATE SET
                  count = CASE WHEN rate_limits.window_start < \(bind: floor) THEN 1 ELSE rate_limits.count + 1 END,
                  window_start = CASE WHEN rate_limits.window_start < \(bind: floor) THEN \(bind: now) ELSE rate_limits.window_start END
                WHERE rate_limits.window_start < \(bind: floor) OR rate_limits.count < \(bind: rule.limit)
                RETURNING count
                """
        case .backoff:
            // window_start holds the latest attempt. The wait for each failure count is bound as
            // the latest moment that attempt may have been made: no date arithmetic in SQL, which
            // SQLite and PostgreSQL spell differently.
            let forget = now.addingTimeInterval(-backoffMemory)
            var ladder: SQLQueryString = "CASE rate_limits.count"
            var failures = rule.limit
            while rule.delay(afterFailures: failures) < rule.window {
                ladder += " WHEN \(bind: failures) THEN \(bind: now.addingTimeInterval(-rule.delay(afterFailures: failures)))"
                failures += 1
            }
            ladder += " ELSE \(bind: now.addingTimeInterval(-rule.window)) END"
            return """
                INSERT INTO rate_limits (key, window_start, count) VALUES (\(bind: storageKey), \(bind: now), 1)
                ON CONFLICT (key) DO UPDATE SET
                  count = CASE WHEN rate_limits.window_start < \(bind: forget) THEN 1 ELSE rate_limits.count + 1 END,
                  window_start = \(bind: now)
                WHERE rate_limits.window_start < \(bind: forget) OR rate_limits.count < \(bind: rule.limit)
                  OR rate_limits.window_start <= \(ladder)
                RETURNING count
                """ as SQLQueryString
        }
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
            let rows = try await tx.sql.raw(
                """
                INSERT INTO rate_limits (key, window_start, count) VALUES (\(bind: storageKey), \(bind: now), 1)
                ON CONFLICT (key) DO UPDATE SET
                  count = CASE WHEN rate_limits.window_start < \(bind: windowFloor) THEN 1 ELSE rate_limits.count + 1 END,
                  window_start = CASE WHEN rate_limits.window_start < \(bind: windowFloor) THEN \(bind: now) ELSE rate_limits.window_start END
                RETURNING count, window_start
                """
            ).all()
            guard let row = rows.first else { return (1, now) }
            return (try row.decode(column: "count", as: Int.self), try row.decode(column: "window_start", as: Date.self))
        }
    }

    static func storageKey(_ rule: Rule, _ key: String) -> String {
        "\(rule.name):" + String(SecretToken.hash(key).prefix(32))
    }
}

/// The limits of one sign-in attempt, taken together: all are reserved before the password is
/// checked, or none (an attempt refused by one rule gives back what the others had counted).
enum SignInAttempts {
    static func reserve(_ limiter: RateLimiter, _ rules: [(RateLimiter.Rule, String)], on db: any Database, now: Date = Date()) async throws
        -> [RateLimiter.Reservation]
    {
        var taken: [RateLimiter.Reservation] = []
        do {
            for (rule, key) in rules {
                if let reservation = try await limiter.reserve(rule, key: key, on: db, now: now) { taken.append(reservation) }
            }
        } catch {
            for reservation in taken { try? await limiter.cancel(reservation, on: db) }
            throw error
        }
        return taken
    }

    /// After a successful sign-in: only failures stay counted.
    static func release(_ limiter: RateLimiter, _ reservations: [RateLimiter.Reservation], on db: any Database) async throws {
        for reservation in reservations { try await limiter.release(reservation, on: db) }
    }
}
