import Foundation

/// How webhooks are delivered (docs/webhooks.md). Read once from the environment with the rest
/// of the configuration; tests and the e2e suite shorten the schedule through it, never by sleeping.
public struct WebhookSettings: Sendable {
    /// USHER_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true: URLs may be http on loopback and may resolve
    /// to private, loopback or link-local addresses (for development and tests; off by default).
    public var allowPrivateNetworks = false
    /// USHER_WEBHOOK_RETRY_HOURS: how long a delivery is retried, and how long an endpoint may
    /// fail before it is disabled (24 hours).
    public var retryPeriod: TimeInterval = 24 * 3600
    /// USHER_WEBHOOK_RETRY_BASE_SECONDS: the first retry delay; each further one doubles (with
    /// jitter) up to `maxBackoff`.
    public var retryBase: TimeInterval = 10
    public var maxBackoff: TimeInterval = 2 * 3600
    /// Each attempt's whole request, connection included.
    public var timeout: TimeInterval = 10
    /// USHER_WEBHOOK_LEASE_SECONDS: how long an instance owns the deliveries it took; after a
    /// crash, another instance takes them again when this runs out.
    public var leaseDuration: TimeInterval = 60
    public var batchSize = 20
    /// How often an idle worker looks for due deliveries (one indexed statement): it bounds the
    /// delay from commit to delivery, as events committed on any instance show up only by polling.
    public var pollInterval: TimeInterval = 0.25
    /// Whether this process runs the delivery worker (tests drive it by hand).
    public var runWorker = true

    public init() {}

    public init(environment env: [String: String]) throws {
        func value(_ name: String) -> String? {
            guard let v = env[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        func number(_ name: String, _ range: ClosedRange<Double>) throws -> Double? {
            guard let raw = value(name) else { return nil }
            guard let v = Double(raw), range.contains(v) else {
                throw UsherConfiguration.Error(variable: name, problem: "must be a number from \(range.lowerBound) to \(range.upperBound)")
            }
            return v
        }
        switch value("USHER_WEBHOOK_ALLOW_PRIVATE_NETWORKS")?.lowercased() {
        case nil, "false", "0", "off": allowPrivateNetworks = false
        case "true", "1", "on": allowPrivateNetworks = true
        case let other?:
            throw UsherConfiguration.Error(variable: "USHER_WEBHOOK_ALLOW_PRIVATE_NETWORKS", problem: "'\(other)' is not true or false")
        }
        if let hours = try number("USHER_WEBHOOK_RETRY_HOURS", 0.0001...720) { retryPeriod = hours * 3600 }
        if let base = try number("USHER_WEBHOOK_RETRY_BASE_SECONDS", 0.01...86400) { retryBase = base }
        if let lease = try number("USHER_WEBHOOK_LEASE_SECONDS", 1...86400) { leaseDuration = lease }
    }
}
