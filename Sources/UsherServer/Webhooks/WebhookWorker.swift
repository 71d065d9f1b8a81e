import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import UsherCore
import Vapor

/// Delivers webhooks: leases due deliveries, signs and POSTs them, records each attempt.
///
/// Leases work as the email outbox's do (OutboxWorker): a delivery is taken by marking it
/// `sending` with an owner and an expiry in one statement (`FOR UPDATE SKIP LOCKED` on
/// PostgreSQL), so instances sharing a database never take the same one; an instance that dies
/// mid-delivery leaves a lease that runs out, and another instance sends the delivery again —
/// at least once, and twice only when the receiver got it but its answer was never recorded.
/// Receivers deduplicate by `webhook-id`, which is the event's id (docs/webhooks.md).
final class WebhookWorker: Sendable {
    let db: any Database
    let sender: any WebhookSender
    let owner: String
    let settings: WebhookSettings
    let policy: WebhookURLPolicy
    let sealer: WebhookSecretSealer
    let logger: Logger
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(
        db: any Database, sender: any WebhookSender, owner: String, settings: WebhookSettings, secrets: ServerSecrets, logger: Logger,
        resolver: any HostResolver = SystemHostResolver()
    ) {
        self.db = db
        self.sender = sender
        self.owner = owner
        self.settings = settings
        self.policy = WebhookURLPolicy(allowPrivateNetworks: settings.allowPrivateNetworks, resolver: resolver)
        self.sealer = WebhookSecretSealer(secrets: secrets)
        self.logger = logger
    }

    func start(signal: MailSignal) {
        let work = Task { [self] in
            while !Task.isCancelled {
                do {
                    while try await runOnce() > 0, !Task.isCancelled {}
                } catch {
                    logger.error("Webhook worker: deliveries could not be read (\(String(reflecting: error))); retrying shortly.")
                }
                await signal.wait(timeout: settings.pollInterval)
            }
        }
        task.withLockedValue { $0 = work }
    }

    func stop() async {
        let work = task.withLockedValue { t -> Task<Void, Never>? in
            defer { t = nil }
            return t
        }
        work?.cancel()
        await work?.value
    }

    /// Leases one batch and sends it (side by side); returns how many deliveries it handled.
    /// `now` is the worker's clock: tests pass it to walk the retry schedule without waiting.
    @discardableResult
    func runOnce(now: Date = Date()) async throws -> Int {
        let batch = try await lease(now: now)
        guard !batch.isEmpty else { return 0 }
        let endpointIds = Array(Set(batch.map(\.endpoint_id)))
        let endpoints = try await db.sql.raw("SELECT * FROM webhook_endpoints WHERE id IN (\(binds: endpointIds))")
            .all(decoding: WebhookEndpointRow.self)
        let byId = Dictionary(endpoints.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        // Sent side by side; the outcomes are then recorded in one transaction (one commit per
        // batch, not per delivery: on SQLite every commit waits for the single writer).
        let outcomes = try await withThrowingTaskGroup(of: Outcome?.self) { group in
            for delivery in batch {
                group.addTask { try await self.deliver(delivery, to: byId[delivery.endpoint_id], now: now) }
            }
            var all: [Outcome] = []
            for try await outcome in group { if let outcome { all.append(outcome) } }
            return all
        }
        if !outcomes.isEmpty {
            try await db.write { tx in
                for outcome in outcomes { try await self.record(outcome, on: tx, now: now) }
            }
            for outcome in outcomes where !outcome.result.delivered {
                logger.notice(
                    "Webhook not delivered",
                    metadata: [
                        "webhook": .string(outcome.endpoint.id.idString), "event": .string(outcome.delivery.event_id),
                        "reason": .string(outcome.result.error ?? ""),
                    ])
            }
        }
        return batch.count
    }

    /// One attempt's result, to be recorded.
    struct Outcome: Sendable {
        var delivery: WebhookDeliveryRow
        var endpoint: WebhookEndpointRow
        var result: WebhookAttemptResult
    }

    /// Sends one delivery; nil when it could not be attempted at all (and was failed at once).
    private func deliver(_ delivery: WebhookDeliveryRow, to endpoint: WebhookEndpointRow?, now: Date) async throws -> Outcome? {
        guard let endpoint, endpoint.enabled else {
            try await finish(delivery, status: .failed, code: nil, error: "the endpoint was deleted or disabled", now: now)
            return nil
        }
        guard let secret = sealer.open(endpoint.secret_sealed, endpointId: endpoint.id) else {
            try await finish(
                delivery, status: .failed, code: nil, error: "the endpoint's secret cannot be opened (the server secret changed)", now: now)
            return nil
        }
        let result: WebhookAttemptResult
        if case .refused(let why) = await policy.check(endpoint.url, requireResolution: true) {
            // Security: DNS may have changed since the endpoint was saved.
            result = WebhookAttemptResult(statusCode: nil, error: "refused: the URL \(why)", durationMs: 0)
        } else if let headers = WebhookSignature.headers(secret: secret, id: delivery.event_id, at: now, body: delivery.body) {
            result = await sender.post(url: endpoint.url, headers: headers, body: delivery.body)
        } else {
            result = WebhookAttemptResult(statusCode: nil, error: "the endpoint's secret is not a whsec_ secret", durationMs: 0)
        }
        return Outcome(delivery: delivery, endpoint: endpoint, result: result)
    }

    private func lease(now: Date) async throws -> [WebhookDeliveryRow] {
        let until = now.addingTimeInterval(settings.leaseDuration)
        let owner = self.owner
        let lock: SQLQueryString = db.isSQLite ? "" : "FOR UPDATE SKIP LOCKED"
        let limit = settings.batchSize
        return try await db.writeStatement { sql in
            try await sql.raw(
                """
                UPDATE webhook_deliveries SET status = \(bind: WebhookDeliveryStatus.sending.rawValue), lease_owner = \(bind: owner),
                  lease_until = \(bind: until), attempts = attempts + 1
                WHERE id IN (
                  SELECT id FROM webhook_deliveries
                  WHERE (status = \(bind: WebhookDeliveryStatus.pending.rawValue) AND next_attempt_at <= \(bind: now))
                     OR (status = \(bind: WebhookDeliveryStatus.sending.rawValue) AND lease_until < \(bind: now))
                  ORDER BY next_attempt_at LIMIT \(literal: limit) \(lock))
                RETURNING *
                """
            ).all(decoding: WebhookDeliveryRow.self)
        }
    }

    private func record(_ outcome: Outcome, on tx: any Database, now: Date) async throws {
        let (delivery, endpoint, result) = (outcome.delivery, outcome.endpoint, outcome.result)
        let attempt = UUID()
        let ok = result.delivered
        let giveUp = delivery.give_up_at ?? delivery.created_at.addingTimeInterval(settings.retryPeriod)
        let next = now.addingTimeInterval(
            Self.backoff(attempt: delivery.attempts, base: settings.retryBase, max: settings.maxBackoff, jitter: Double.random(in: 0...1)))
        let status: WebhookDeliveryStatus = ok ? .delivered : (next > giveUp ? .failed : .pending)
        let retryPeriod = settings.retryPeriod
        do {
            try await tx.sql.raw(
                """
                INSERT INTO webhook_attempts (id, delivery_id, endpoint_id, attempted_at, status_code, duration_ms, error)
                VALUES (\(bind: attempt), \(bind: delivery.id), \(bind: endpoint.id), \(bind: now), \(bind: result.statusCode),
                  \(bind: result.durationMs), \(bind: result.error))
                """
            ).run()
            // Only while still ours: a lease that ran out may have passed to another instance.
            try await tx.sql.raw(
                """
                UPDATE webhook_deliveries SET status = \(bind: status.rawValue), last_status_code = \(bind: result.statusCode),
                  last_error = \(bind: result.error), next_attempt_at = \(bind: next), lease_owner = NULL, lease_until = NULL,
                  delivered_at = COALESCE(\(bind: ok ? now : nil), delivered_at)
                WHERE id = \(bind: delivery.id) AND status = \(bind: WebhookDeliveryStatus.sending.rawValue) AND lease_owner = \(bind: owner)
                """
            ).run()
            if ok {
                try await tx.sql.raw(
                    "UPDATE webhook_endpoints SET failing_since = NULL WHERE id = \(bind: endpoint.id) AND failing_since IS NOT NULL"
                ).run()
            } else {
                try await tx.sql.raw(
                    "UPDATE webhook_endpoints SET failing_since = \(bind: now) WHERE id = \(bind: endpoint.id) AND failing_since IS NULL"
                ).run()
                // SPEC: an endpoint failing for 24 hours is disabled, and an event says so: when it
                // has failed for the retry period, or a delivery gave up after retrying for the whole
                // period with every attempt since its first failing.
                let since = endpoint.failing_since ?? now
                var failedThroughout = false
                if status == .failed && delivery.give_up_at == nil {
                    struct First: Decodable { var first: Date? }
                    let first = try await tx.sql.raw(
                        "SELECT MIN(attempted_at) AS first FROM webhook_attempts WHERE delivery_id = \(bind: delivery.id)"
                    ).first(decoding: First.self)?.first
                    failedThroughout = first.map { since <= $0 } ?? false
                }
                if now.timeIntervalSince(since) >= retryPeriod || failedThroughout {
                    try await Self.disable(endpoint.id, since: since, on: tx, now: now)
                }
            }
        }
    }

    /// Turns an endpoint off after a day of failures: its waiting deliveries fail, and a
    /// `webhook_endpoint.disabled` event tells the other endpoints (and the events API).
    static func disable(_ id: UUID, since: Date, on tx: any Database, now: Date) async throws {
        let reason = "every delivery failed since \(since.formatted(.iso8601))"
        let rows = try await tx.sql.raw(
            """
            UPDATE webhook_endpoints SET enabled = \(bind: false), disabled_reason = \(bind: reason), updated_at = \(bind: now)
            WHERE id = \(bind: id) AND enabled = \(bind: true) RETURNING *
            """
        ).all(decoding: WebhookEndpointRow.self)
        guard let endpoint = rows.first else { return }
        try await tx.sql.raw(
            """
            UPDATE webhook_deliveries SET status = \(bind: WebhookDeliveryStatus.failed.rawValue), last_error = 'the endpoint was disabled'
            WHERE endpoint_id = \(bind: id) AND status = \(bind: WebhookDeliveryStatus.pending.rawValue)
            """
        ).run()
        try await EventLog.append(on: tx, .webhookEndpointDisabled, store: nil, subjectId: id.idString, data: endpoint.view, at: now)
    }

    private func finish(_ delivery: WebhookDeliveryRow, status: WebhookDeliveryStatus, code: Int?, error: String, now: Date) async throws {
        try await db.writeStatement { sql in
            try await sql.raw(
                """
                UPDATE webhook_deliveries SET status = \(bind: status.rawValue), last_status_code = \(bind: code), last_error = \(bind: error),
                  lease_owner = NULL, lease_until = NULL
                WHERE id = \(bind: delivery.id)
                """
            ).run()
        }
    }

    /// Exponential back-off with "equal jitter" (half fixed, half random, `jitter` in 0...1):
    /// the n-th retry waits between half and all of `base`·2ⁿ⁻¹, at most `max`, so that retries
    /// after an outage spread out.
    static func backoff(attempt: Int, base: TimeInterval, max: TimeInterval, jitter: Double) -> TimeInterval {
        let exponential = min(max, base * pow(2, Double(Swift.max(0, attempt - 1))))
        return exponential / 2 + exponential / 2 * Swift.min(1, Swift.max(0, jitter))
    }
}
