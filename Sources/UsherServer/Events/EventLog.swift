import Fluent
import Foundation
import SQLKit
import UsherCore

/// Appends to the event log. Call it inside the transaction of the change it records (as
/// `Audit.record` is), as late in it as convenient: the event exists if and only if its change
/// committed. `data` is the resource as the admin API shows it — never a link, a token or a secret.
///
/// In the same statement group it queues one webhook delivery per enabled endpoint subscribed to
/// the type, so a delivery exists exactly when its event does (WebhookWorker sends them).
///
/// Commit order (`GET /events` pages by `seq`): on PostgreSQL a sequence number is taken at
/// insert, and transactions commit in any order, so a reader could see seq 8 before seq 7 and
/// page past it. Appending therefore first takes a transaction-scoped advisory lock: event
/// writers queue from their append to their commit, so `seq` order is commit order and a cursor
/// never skips an event. (Hence "as late as convenient": the lock is held until the commit.)
/// SQLite has one writer at a time anyway.
enum EventLog {
    /// pg_advisory_xact_lock key of the event log ("USHEREV").
    static let appendLockKey: Int64 = 0x55_5348_4552_4556

    static func append(
        on db: any Database, _ type: EventType, store: String?, subjectId: String, data: some Encodable, at: Date
    ) async throws {
        try await db.sql.run(plan(type, store: store, subjectId: subjectId, data: data, at: at))
    }

    /// The append as the last steps of a planned write: one delivery per subscribed endpoint,
    /// then the event. On PostgreSQL the event's insert takes the lock itself, so the lock is
    /// held for that statement and the commit only.
    static func plan(_ type: EventType, store: String?, subjectId: String, data: some Encodable, at: Date) -> PlannedWrite {
        let eventId = "evt_" + UUID().uuidString.lowercased()
        let json = encode(data)
        var plan = WebhookDeliveries.plan(eventId: eventId, type: type, body: body(type: type, data: json, at: at), now: at)
        let columns = "event_id, type, store, subject_id, data, created_at"
        let values: [any Encodable & Sendable] = [eventId, type.rawValue, store, subjectId, json, at]
        plan.run(
            sqlite: PlannedStatement("INSERT INTO events (\(columns)) VALUES (?, ?, ?, ?, ?, ?)", values),
            postgres: PlannedStatement(
                "INSERT INTO events (\(columns)) SELECT ?, ?, ?, ?, ?, ? FROM (SELECT pg_advisory_xact_lock(\(appendLockKey))) AS appending",
                values))
        return plan
    }

    /// The body every delivery of an event carries (Standard Webhooks: `{type, timestamp, data}`).
    static func body(type: EventType, data: String, at: Date) -> String {
        #"{"data":\#(data),"timestamp":"\#(at.formatted(.iso8601))","type":"\#(type.rawValue)"}"#
    }

    /// JSON as the API writes it (ISO 8601 dates, sorted keys).
    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).flatMap { String(data: $0, encoding: .utf8) } ?? "null"
    }
}
