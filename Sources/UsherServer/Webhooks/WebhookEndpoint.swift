import Foundation
import SQLKit
import UsherCore
import Vapor

/// A webhook endpoint as the admin API shows it. `secret` only in the answer to create and
/// rotateSecret: it is shown once.
struct WebhookEndpointView: Content, Equatable {
    var id: String
    var url: String
    var description: String?
    var events: [String]
    var enabled: Bool
    /// Why it was turned off by Usher (24 hours of failures), when it was.
    var disabledReason: String?
    /// Since when every attempt failed (nil while deliveries succeed).
    var failingSince: Date?
    var created: Date
    var updated: Date
    var secret: String?
}

/// One row of `webhook_endpoints`.
struct WebhookEndpointRow: Decodable, Sendable {
    var id: UUID
    var url: String
    var description: String?
    var events: String
    var enabled: Bool
    var secret_sealed: String
    var failing_since: Date?
    var disabled_reason: String?
    var created_at: Date
    var updated_at: Date

    var patterns: [String] { JSONText.decode([String].self, events) ?? [] }

    var view: WebhookEndpointView {
        WebhookEndpointView(
            id: id.idString, url: url, description: description, events: patterns, enabled: enabled, disabledReason: disabled_reason,
            failingSince: failing_since, created: created_at, updated: updated_at, secret: nil)
    }

    func subscribes(to type: EventType) -> Bool { patterns.contains { type.matches($0) } }

    static func find(_ id: UUID, on sql: any SQLDatabase) async throws -> WebhookEndpointRow? {
        try await sql.raw("SELECT * FROM webhook_endpoints WHERE id = \(bind: id)").first(decoding: WebhookEndpointRow.self)
    }
}

/// The status of one delivery (an event owed to an endpoint).
enum WebhookDeliveryStatus: String, Sendable, Codable {
    case pending, sending, delivered, failed
}

/// One delivery and its attempts, as `GET …/webhooks/{id}/deliveries` shows it.
struct WebhookDeliveryView: Content, Equatable {
    struct Attempt: Content, Equatable {
        var at: Date
        /// The receiver's HTTP status; nil when none came (timeout, refused connection, refused address).
        var statusCode: Int?
        var durationMs: Int
        var error: String?
    }

    var id: String
    var eventId: String
    var eventType: String
    /// pending, sending, delivered, failed.
    var status: String
    var attemptCount: Int
    var nextAttemptAt: Date?
    var lastStatusCode: Int?
    var lastError: String?
    var deliveredAt: Date?
    var created: Date
    var attempts: [Attempt]
}

/// One row of `webhook_deliveries`.
struct WebhookDeliveryRow: Decodable, Sendable {
    var id: UUID
    var endpoint_id: UUID
    var event_id: String
    var event_type: String
    var body: String
    var status: String
    var attempts: Int
    var next_attempt_at: Date
    /// nil: `created_at` plus the retry period (WebhookSettings); set by a manual retry.
    var give_up_at: Date?
    var last_status_code: Int?
    var last_error: String?
    var delivered_at: Date?
    var created_at: Date
}
