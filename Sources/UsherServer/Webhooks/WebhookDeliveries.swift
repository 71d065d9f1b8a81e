import Fluent
import Foundation
import SQLKit
import UsherCore

/// The deliveries owed to endpoints: queued with their event, read and retried by administrators.
enum WebhookDeliveries {
    /// Queues `body` for every enabled endpoint subscribed to `type`: steps of the event's write.
    static func plan(eventId: String, type: EventType, body: String, now: Date) -> PlannedWrite {
        var plan = PlannedWrite()
        plan.read(enabledEndpoints) { rows in
            try subscribed(rows, to: type).map { statement(endpoint: $0, eventId: eventId, type: type, body: body, now: now) }
        }
        return plan
    }

    /// The endpoints that may be owed a delivery; `subscribed` keeps those of one event type.
    static let enabledEndpoints = PlannedStatement("SELECT * FROM webhook_endpoints WHERE enabled = ?", [true])

    static func subscribed(_ rows: [any SQLRow], to type: EventType) throws -> [WebhookEndpointRow] {
        try rows.map { try $0.decode(model: WebhookEndpointRow.self) }.filter { $0.subscribes(to: type) }
    }

    static func statement(endpoint: WebhookEndpointRow, eventId: String, type: EventType, body: String, now: Date) -> PlannedStatement {
        PlannedStatement(
            """
            INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, body, status, attempts, next_attempt_at, created_at)
            VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)
            """, [UUID(), endpoint.id, eventId, type.rawValue, body, WebhookDeliveryStatus.pending.rawValue, now, now])
    }

    /// The most recent deliveries of an endpoint with their attempts, newest first.
    static func recent(endpointId: UUID, limit: Int, on db: any Database) async throws -> [WebhookDeliveryView] {
        let rows = try await db.sql.raw(
            """
            SELECT * FROM webhook_deliveries WHERE endpoint_id = \(bind: endpointId) ORDER BY created_at DESC, id LIMIT \(literal: limit)
            """
        ).all(decoding: WebhookDeliveryRow.self)
        return try await views(rows, on: db)
    }

    static func views(_ rows: [WebhookDeliveryRow], on db: any Database) async throws -> [WebhookDeliveryView] {
        guard !rows.isEmpty else { return [] }
        struct AttemptRow: Decodable {
            var delivery_id: UUID
            var attempted_at: Date
            var status_code: Int?
            var duration_ms: Int
            var error: String?
        }
        let attempts = try await db.sql.raw(
            """
            SELECT delivery_id, attempted_at, status_code, duration_ms, error FROM webhook_attempts
            WHERE delivery_id IN (\(binds: rows.map(\.id))) ORDER BY attempted_at
            """
        ).all(decoding: AttemptRow.self)
        let byDelivery = Dictionary(grouping: attempts, by: \.delivery_id)
        return rows.map { r in
            WebhookDeliveryView(
                id: r.id.idString, eventId: r.event_id, eventType: r.event_type, status: r.status, attemptCount: r.attempts,
                nextAttemptAt: r.status == WebhookDeliveryStatus.pending.rawValue ? r.next_attempt_at : nil,
                lastStatusCode: r.last_status_code, lastError: r.last_error, deliveredAt: r.delivered_at, created: r.created_at,
                attempts: (byDelivery[r.id] ?? []).map {
                    WebhookDeliveryView.Attempt(
                        at: $0.attempted_at, statusCode: $0.status_code, durationMs: $0.duration_ms, error: $0.error)
                })
        }
    }

    /// Sends a delivery again now, whatever became of it: one more attempt (`give_up_at` now: a
    /// failure is then final at once), whether it failed, is still pending, or was delivered.
    static func retry(endpointId: UUID, deliveryId: UUID, on db: any Database, now: Date) async throws -> WebhookDeliveryView {
        let rows = try await db.writeStatement { sql in
            try await sql.raw(
                """
                UPDATE webhook_deliveries SET status = \(bind: WebhookDeliveryStatus.pending.rawValue), next_attempt_at = \(bind: now),
                  give_up_at = \(bind: now), lease_owner = NULL, lease_until = NULL
                WHERE id = \(bind: deliveryId) AND endpoint_id = \(bind: endpointId)
                RETURNING *
                """
            ).all(decoding: WebhookDeliveryRow.self)
        }
        guard let row = rows.first else { throw UsherError.notFound("delivery", deliveryId.idString) }
        return try await views([row], on: db)[0]
    }
}
