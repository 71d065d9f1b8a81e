import Fluent
import SQLKit

/// Webhook endpoints, the deliveries owed to them and each attempt (SPEC: Events and webhooks).
///
/// A delivery row is written in the transaction of the event it carries (EventLog.append), one
/// per enabled endpoint whose patterns name the event's type: an event and its deliveries
/// commit together, and the WebhookWorker leases them as the OutboxWorker leases emails.
struct M013_Webhooks: AsyncMigration {
    var name: String { "M013_Webhooks" }

    func prepare(on database: any Database) async throws {
        try await database.schema("webhook_endpoints")
            .id()
            .field("url", .string, .required)
            .field("description", .string)
            .field("events", .string, .required)
            .field("enabled", .bool, .required)
            .field("secret_sealed", .string, .required)
            .field("failing_since", .datetime)
            .field("disabled_reason", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("webhook_deliveries")
            .id()
            .field("endpoint_id", .uuid, .required)
            .field("event_id", .string, .required)
            .field("event_type", .string, .required)
            .field("body", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("give_up_at", .datetime)
            .field("lease_owner", .string)
            .field("lease_until", .datetime)
            .field("last_status_code", .int)
            .field("last_error", .string)
            .field("delivered_at", .datetime)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("webhook_attempts")
            .id()
            .field("delivery_id", .uuid, .required)
            .field("endpoint_id", .uuid, .required)
            .field("attempted_at", .datetime, .required)
            .field("status_code", .int)
            .field("duration_ms", .int, .required)
            .field("error", .string)
            .create()
        try await database.sql.raw("CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at)").run()
        try await database.sql.raw("CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at)").run()
        try await database.sql.raw("CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempted_at)").run()
        try await database.sql.raw("CREATE INDEX events_type_seq ON events (type, seq)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP INDEX events_type_seq").run()
        try await database.schema("webhook_attempts").delete()
        try await database.schema("webhook_deliveries").delete()
        try await database.schema("webhook_endpoints").delete()
    }
}
