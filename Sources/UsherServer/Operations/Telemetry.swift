import CoreMetrics
import Foundation
import Metrics
import NIOConcurrencyHelpers
import Prometheus
import UsherCore

/// Usher's metrics, recorded through swift-metrics into a Prometheus registry of this
/// application's own (docs/operations.md lists them). Off (`USHER_METRICS`/`USHER_METRICS_PORT`
/// unset), every call returns at once and nothing is kept.
///
/// Labels are closed sets only: route templates (never raw paths), methods, status codes,
/// error keys, audit actions, outcomes. Never an email, a token or an id.
public final class Telemetry: Sendable {
    public let enabled: Bool
    let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory

    /// The telemetry of the application serving the current request or running the current
    /// worker, for code that has no `Request` at hand (audit, password hashing).
    @TaskLocal static var current: Telemetry?

    public init(enabled: Bool, startedAt: Date = Date(), version: String = UsherBuild.version) {
        self.enabled = enabled
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[MetricName.passwordHashDuration.rawValue] = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .seconds(2),
        ]
        self.factory = factory
        guard enabled else { return }
        gauge(.processStartTime, startedAt.timeIntervalSince1970)
        gauge(.buildInfo, 1, [("version", version)])
    }

    // MARK: Recording

    func count(_ name: MetricName, _ dimensions: [(String, String)] = [], by amount: Int = 1) {
        guard enabled else { return }
        Counter(label: name.rawValue, dimensions: dimensions, factory: factory).increment(by: amount)
    }

    func time(_ name: MetricName, _ dimensions: [(String, String)] = [], _ duration: Duration) {
        guard enabled else { return }
        let nanoseconds = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        Metrics.Timer(label: name.rawValue, dimensions: dimensions, factory: factory).recordNanoseconds(nanoseconds)
    }

    func gauge(_ name: MetricName, _ value: Double, _ dimensions: [(String, String)] = []) {
        guard enabled else { return }
        Gauge(label: name.rawValue, dimensions: dimensions, factory: factory).record(value)
    }

    /// One finished HTTP request, by route template, method and status.
    func httpRequest(method: String, route: String, status: Int, duration: Duration) {
        guard enabled else { return }
        count(.httpRequests, [("method", method), ("route", route), ("status", String(status))])
        time(.httpRequestDuration, [("method", method), ("route", route)], duration)
    }

    /// A request refused with an UsherError: by error key, and by limit for rate limits.
    func refused(errorKey: String) {
        guard enabled else { return }
        count(.refusals, [("error_key", errorKey)])
        if errorKey == ErrorKey.rateLimitExceeded.rawValue { count(.rateLimitRefusals) }
        if errorKey == ErrorKey.invitationExpired.rawValue { count(.invitations, [("event", "expired")]) }
    }

    /// A change that was audited and committed (its request answered with success).
    func committed(_ action: AuditAction, actorKind: String) {
        guard enabled else { return }
        count(.auditEvents, [("action", action.rawValue)])
        switch action {
        case .invitationCreated: count(.invitations, [("event", "created")])
        case .invitationAccepted:
            count(.invitations, [("event", "accepted")])
            count(.signUps, [("via", "invitation")])
        case .invitationResent: count(.invitations, [("event", "resent")])
        case .invitationRevoked: count(.invitations, [("event", "revoked")])
        case .accountCreated where actorKind == "customer": count(.signUps, [("via", "self_service")])
        default: break
        }
    }

    /// The Prometheus text exposition of everything recorded, with the outbox gauges fresh.
    public func exposition() -> String {
        registry.emitToString()
    }
}

/// Every metric Usher exposes (docs/operations.md says what each one means).
enum MetricName: String, CaseIterable {
    case httpRequests = "usher_http_requests_total"
    case httpRequestDuration = "usher_http_request_duration_seconds"
    case refusals = "usher_refusals_total"
    case rateLimitRefusals = "usher_rate_limit_refusals_total"
    case invitations = "usher_invitations_total"
    case signUps = "usher_signups_total"
    case auditEvents = "usher_audit_events_total"
    case passwordHashDuration = "usher_password_hash_duration_seconds"
    case passwordHashRefusals = "usher_password_hash_busy_total"
    case emailDeliveries = "usher_email_deliveries_total"
    case emailSendDuration = "usher_email_send_duration_seconds"
    case outboxDepth = "usher_outbox_depth"
    case outboxOldestAge = "usher_outbox_oldest_queued_age_seconds"
    case databaseTransactionDuration = "usher_db_transaction_duration_seconds"
    case databaseErrors = "usher_db_errors_total"
    case processStartTime = "usher_process_start_time_seconds"
    case buildInfo = "usher_build_info"
}

/// What this binary is, for `usher_build_info`.
public enum UsherBuild {
    public static let version = "0.1.0"
}
