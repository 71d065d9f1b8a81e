import Foundation
import UsherCore
import UsherPasswords

/// Everything Usher reads from its environment, read and checked once at start-up. A bad
/// value stops the server with a message that names the variable and says what is expected.
public struct UsherConfiguration: Sendable {
    public enum DatabaseLocation: Sendable, Equatable {
        case sqlite(path: String)  // ":memory:" for an in-memory database
        case postgres(url: String)
    }

    public struct Bootstrap: Sendable {
        public var adminEmail: String?
        public var adminPassword: String?
        public var apiClientId: String?
        public var apiClientSecret: String?

        public init(adminEmail: String? = nil, adminPassword: String? = nil, apiClientId: String? = nil, apiClientSecret: String? = nil) {
            self.adminEmail = adminEmail
            self.adminPassword = adminPassword
            self.apiClientId = apiClientId
            self.apiClientSecret = apiClientSecret
        }
    }

    public var database: DatabaseLocation
    /// The issuer and the base of every link Usher puts in an email. Never taken from a request.
    public var publicURL: String
    /// `smtp://…`; nil keeps email in the local mailbox.
    public var smtpURL: String?
    public var mailFrom: String
    public var bootstrap: Bootstrap
    /// How long an email keeps being retried before it is marked failed (USHER_MAIL_RETRY_HOURS).
    public var mailRetryPeriod: TimeInterval
    /// First retry delay of an email (USHER_MAIL_RETRY_BASE_SECONDS); later ones double.
    public var mailRetryBase: TimeInterval = 30
    /// How long a worker holds an email it is delivering before another may take it over
    /// (USHER_MAIL_LEASE_SECONDS): the time an instance that died keeps its emails.
    public var mailLease: TimeInterval = 60
    /// At most this many emails per second leave the outbox of one instance
    /// (USHER_SMTP_MAX_PER_SECOND; nil: as fast as the mail server takes them). docs/email.md.
    public var smtpMaxPerSecond: Double?
    /// Whether `serve` runs the email worker (tests drive it by hand).
    public var runMailWorker = true
    /// PostgreSQL connections per event loop (one loop per core). Tests, which run many servers
    /// at once against one PostgreSQL, take fewer.
    public var postgresConnectionsPerEventLoop = 8
    /// How often the invitation lifecycle sweep runs: reminders and expiry (USHER_LIFECYCLE_INTERVAL_SECONDS).
    public var lifecycleInterval: TimeInterval = 60
    /// How long a password reset link works (USHER_PASSWORD_RESET_MINUTES, 30 by default).
    public var passwordResetLifetime: TimeInterval = 30 * 60
    /// Webhook delivery (USHER_WEBHOOK_*, docs/webhooks.md).
    public var webhooks = WebhookSettings()
    /// bcrypt cost, for deployments that choose bcrypt (USHER_PASSWORD_HASH=bcrypt, USHER_BCRYPT_COST).
    public var bcryptCost: Int
    /// Argon2id parameters `m=…,t=…,p=…`, or `bcrypt` (USHER_PASSWORD_HASH).
    public var passwordHash: String = "m=19456,t=2,p=1"
    /// Rate limits on (USHER_RATE_LIMITS=off turns them off, for benchmarks of the raw paths).
    public var rateLimitsEnabled: Bool
    /// `USHER_RATE_LIMITS=name=limit/seconds,…` changes single limits (they stay on).
    public var rateLimitOverrides: String?
    /// Seeds a demo application served by Usher itself (`usher serve --demo`).
    public var demo: Bool
    /// Where an operator keeps templates that replace the built-in ones (USHER_TEMPLATES_DIR).
    public var templatesDirectory: String?
    /// Lifetime of admin API access tokens (USHER_ACCESS_TOKEN_TTL seconds).
    public var accessTokenLifetime: TimeInterval
    /// Largest request body accepted, in bytes (USHER_MAX_BODY_BYTES).
    public var maxBodyBytes: Int
    /// Proxies whose X-Forwarded-For names the client (USHER_TRUSTED_PROXIES); none by default.
    public var trustedProxies: TrustedProxies = .none
    /// Metrics, traces' PII switch (USHER_METRICS, USHER_METRICS_TOKEN, USHER_METRICS_PORT, USHER_TRACE_PII).
    public var operations = OperationsSettings()

    public var issuer: String { publicURL }
    public var isHTTPS: Bool { publicURL.hasPrefix("https://") }

    public init(
        database: DatabaseLocation, publicURL: String, smtpURL: String? = nil, mailFrom: String = "Usher <no-reply@localhost>",
        bootstrap: Bootstrap = .init(), mailRetryPeriod: TimeInterval = 24 * 3600, bcryptCost: Int = 12,
        rateLimitsEnabled: Bool = true, demo: Bool = false, templatesDirectory: String? = nil,
        accessTokenLifetime: TimeInterval = 600, maxBodyBytes: Int = 64 * 1024
    ) {
        self.database = database
        self.publicURL = publicURL
        self.smtpURL = smtpURL
        self.mailFrom = mailFrom
        self.bootstrap = bootstrap
        self.mailRetryPeriod = mailRetryPeriod
        self.bcryptCost = bcryptCost
        self.rateLimitsEnabled = rateLimitsEnabled
        self.demo = demo
        self.templatesDirectory = templatesDirectory
        self.accessTokenLifetime = accessTokenLifetime
        self.maxBodyBytes = maxBodyBytes
    }

    public struct Error: Swift.Error, CustomStringConvertible {
        public let variable: String
        public let problem: String
        public var description: String { "\(variable): \(problem)" }
    }

    /// Reads the `USHER_*` variables. `hostname`/`port` give the public URL's default.
    public static func fromEnvironment(
        _ env: [String: String] = ProcessInfo.processInfo.environment, hostname: String, port: Int, demo: Bool = false
    ) throws -> UsherConfiguration {
        func value(_ name: String) -> String? {
            guard let v = env[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }

        let database = try parseDatabaseURL(value("USHER_DATABASE_URL") ?? "sqlite://usher.sqlite")

        let publicURL: String
        if let raw = value("USHER_PUBLIC_URL") {
            guard let url = URL(string: raw), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil,
                url.query == nil, url.fragment == nil
            else {
                throw Error(variable: "USHER_PUBLIC_URL", problem: "'\(raw)' is not an http(s) URL such as https://id.example.com")
            }
            publicURL = raw.hasSuffix("/") ? String(raw.dropLast()) : raw
        } else {
            let host = hostname == "0.0.0.0" || hostname == "::" ? "localhost" : hostname
            publicURL = "http://\(host):\(port)"
        }

        let smtpURL = value("USHER_SMTP_URL")
        if let smtpURL, !(smtpURL.hasPrefix("smtp://") || smtpURL.hasPrefix("smtps://")) {
            throw Error(variable: "USHER_SMTP_URL", problem: "must look like smtp://user:pass@host:port?tls=none|starttls|tls")
        }

        let defaultFromHost = URL(string: publicURL)?.host ?? "localhost"
        let mailFrom = value("USHER_MAIL_FROM") ?? "Usher <no-reply@\(defaultFromHost == "127.0.0.1" ? "localhost" : defaultFromHost)>"
        guard !mailFrom.contains("\r"), !mailFrom.contains("\n"), mailFrom.contains("@") else {
            throw Error(variable: "USHER_MAIL_FROM", problem: "must be an address such as 'Example <no-reply@example.com>'")
        }

        let bootstrap = Bootstrap(
            adminEmail: value("USHER_BOOTSTRAP_ADMIN_EMAIL"),
            adminPassword: value("USHER_BOOTSTRAP_ADMIN_PASSWORD"),
            apiClientId: value("USHER_BOOTSTRAP_API_CLIENT_ID"),
            apiClientSecret: value("USHER_BOOTSTRAP_API_CLIENT_SECRET"))
        if let email = bootstrap.adminEmail, EmailAddress(email) == nil {
            throw Error(variable: "USHER_BOOTSTRAP_ADMIN_EMAIL", problem: "'\(email)' is not an email address")
        }
        if let password = bootstrap.adminPassword, password.count < 8 {
            throw Error(variable: "USHER_BOOTSTRAP_ADMIN_PASSWORD", problem: "must be at least 8 characters long")
        }
        if let id = bootstrap.apiClientId,
            !id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) || id.count > 100
        {
            throw Error(variable: "USHER_BOOTSTRAP_API_CLIENT_ID", problem: "may hold only letters, digits, '-', '_' and '.' (at most 100)")
        }
        if let secret = bootstrap.apiClientSecret, secret.count < 16 {
            throw Error(
                variable: "USHER_BOOTSTRAP_API_CLIENT_SECRET",
                problem: "must be at least 16 characters long; a client secret is a password for a program")
        }

        let retryHours = try double(value("USHER_MAIL_RETRY_HOURS"), "USHER_MAIL_RETRY_HOURS", default: 24, range: 0.001...720)
        let retryBase = try double(
            value("USHER_MAIL_RETRY_BASE_SECONDS"), "USHER_MAIL_RETRY_BASE_SECONDS", default: 30, range: 0.05...86400)
        let lease = try double(value("USHER_MAIL_LEASE_SECONDS"), "USHER_MAIL_LEASE_SECONDS", default: 60, range: 1...86400)
        let tokenTTL = try double(value("USHER_ACCESS_TOKEN_TTL"), "USHER_ACCESS_TOKEN_TTL", default: 600, range: 30...86400)
        let maxBody = try double(value("USHER_MAX_BODY_BYTES"), "USHER_MAX_BODY_BYTES", default: 65536, range: 1024...10_000_000)

        let rateLimits: Bool
        switch value("USHER_RATE_LIMITS")?.lowercased() {
        case nil, "on", "true", "1": rateLimits = true
        case "off", "false", "0": rateLimits = false
        case let other?:
            guard other.contains("=") else {
                throw Error(variable: "USHER_RATE_LIMITS", problem: "'\(other)' is not on, off, or name=limit/seconds,…")
            }
            rateLimits = true
        }

        let bcryptCost = Int(try double(value("USHER_BCRYPT_COST"), "USHER_BCRYPT_COST", default: 12, range: 4...16))

        var config = UsherConfiguration(
            database: database, publicURL: publicURL, smtpURL: smtpURL, mailFrom: mailFrom, bootstrap: bootstrap,
            mailRetryPeriod: retryHours * 3600, bcryptCost: bcryptCost, rateLimitsEnabled: rateLimits, demo: demo,
            templatesDirectory: value("USHER_TEMPLATES_DIR"), accessTokenLifetime: tokenTTL, maxBodyBytes: Int(maxBody))
        if let hash = value("USHER_PASSWORD_HASH") {
            if hash != "bcrypt" {
                do { _ = try Argon2Parameters.parse(hash) } catch {
                    throw Error(variable: "USHER_PASSWORD_HASH", problem: "\(error) (for example m=19456,t=2,p=1, or bcrypt)")
                }
            }
            config.passwordHash = hash
        }
        if let raw = value("USHER_RATE_LIMITS"), raw.contains("=") {
            _ = try RateLimiter.parseOverrides(raw)
            config.rateLimitOverrides = raw
        }
        if let raw = value("USHER_TRUSTED_PROXIES") { config.trustedProxies = try TrustedProxies(parsing: raw) }
        config.webhooks = try WebhookSettings(environment: env)
        config.mailRetryBase = retryBase
        config.lifecycleInterval = try double(
            value("USHER_LIFECYCLE_INTERVAL_SECONDS"), "USHER_LIFECYCLE_INTERVAL_SECONDS", default: 60, range: 1...3600)
        // At most a day: the local mailbox keeps a reset link for 24 hours (PasswordResetMailbox).
        config.passwordResetLifetime =
            try double(value("USHER_PASSWORD_RESET_MINUTES"), "USHER_PASSWORD_RESET_MINUTES", default: 30, range: 1...1440) * 60
        config.mailLease = lease
        if let raw = value("USHER_SMTP_MAX_PER_SECOND") {
            config.smtpMaxPerSecond = try double(raw, "USHER_SMTP_MAX_PER_SECOND", default: 0, range: 0.01...100_000)
        }
        config.operations = try OperationsSettings(environment: env, hostname: hostname)
        return config
    }

    static func double(_ raw: String?, _ name: String, default def: Double, range: ClosedRange<Double>) throws -> Double {
        guard let raw else { return def }
        guard let v = Double(raw), range.contains(v) else {
            throw Error(variable: name, problem: "'\(raw)' must be a number between \(range.lowerBound) and \(range.upperBound)")
        }
        return v
    }

    /// `sqlite:///absolute/path`, `sqlite://relative/path`, `sqlite::memory:`, or `postgres://…`.
    static func parseDatabaseURL(_ raw: String) throws -> DatabaseLocation {
        if raw == "sqlite::memory:" || raw == "sqlite://:memory:" { return .sqlite(path: ":memory:") }
        if raw.hasPrefix("sqlite://") {
            let path = String(raw.dropFirst("sqlite://".count))
            guard !path.isEmpty else {
                throw Error(variable: "USHER_DATABASE_URL", problem: "'\(raw)' names no file; use sqlite:///var/lib/usher/usher.sqlite")
            }
            return .sqlite(path: path)
        }
        if raw.hasPrefix("postgres://") || raw.hasPrefix("postgresql://") {
            guard let url = URL(string: raw), url.host != nil else {
                throw Error(
                    variable: "USHER_DATABASE_URL", problem: "is not a valid postgres:// URL (postgres://user:password@host:5432/database)")
            }
            return .postgres(url: raw)
        }
        throw Error(
            variable: "USHER_DATABASE_URL",
            problem:
                "must start with sqlite:// or postgres:// (for example sqlite:///var/lib/usher/usher.sqlite or postgres://usher:secret@localhost:5432/usher)"
        )
    }
}
