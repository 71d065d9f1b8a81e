import Fluent

/// The append-only event log (SPEC: Events and webhooks). `seq` orders it for `GET /events`;
/// `event_id` is the event's public id (the `webhook-id` of its deliveries).
struct M012_Events: AsyncMigration {
    var name: String { "M012_Events" }

    func prepare(on database: any Database) async throws {
        try await database.schema("events")
            .field("seq", .int64, .identifier(auto: true))
            .field("event_id", .string, .required)
            .field("type", .string, .required)
            .field("store", .string)
            .field("subject_id", .string, .required)
            .field("data", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "event_id", name: "events_event_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("events").delete()
    }
}
