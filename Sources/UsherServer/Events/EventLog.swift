import Fluent
import Foundation
import NIOConcurrencyHelpers
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
        let eventId = newEventId()
        let json = encode(data)
        var plan = WebhookDeliveries.plan(eventId: eventId, type: type, body: body(type: type, data: json, at: at), now: at)
        let insert = insertStatements(eventId: eventId, type, store: store, subjectId: subjectId, json: json, at: at)
        plan.run(sqlite: insert.sqlite, postgres: insert.postgres)
        return plan
    }

    /// An event of `type` for each row of `read`, whose data the rows decide (the email worker's
    /// batch of invitation.sent): the subscribed endpoints are read once for all of them, and
    /// the read runs inside the transaction, so each event shows its subject as it commits.
    static func plan(
        _ type: EventType, from read: PlannedStatement, postgres: Bool, at: Date,
        events: @escaping @Sendable ([any SQLRow]) throws -> [(store: String?, subjectId: String, data: any Encodable)]
    ) -> PlannedWrite {
        plan(from: read, postgres: postgres, at: at) { rows in
            try events(rows).map { (type: type, store: $0.store, subjectId: $0.subjectId, data: $0.data) }
        }
    }

    /// Events of any types from the rows of one read, numbered in the order given (a sign-up's
    /// invitation.accepted, then its account.created), in one insert as above.
    static func plan(
        from read: PlannedStatement, postgres: Bool, at: Date,
        events: @escaping @Sendable ([any SQLRow]) throws -> [(type: EventType, store: String?, subjectId: String, data: any Encodable)]
    ) -> PlannedWrite {
        // The endpoints' read comes first; the second step's rows need them (reads run in order on both databases).
        let endpoints = NIOLockedValueBox<[WebhookEndpointRow]>([])
        var plan = PlannedWrite()
        plan.read(WebhookDeliveries.enabledEndpoints) { rows in
            let enabled = try rows.map { try $0.decode(model: WebhookEndpointRow.self) }
            endpoints.withLockedValue { $0 = enabled }
            return []
        }
        plan.read(read) { rows in
            let enabled = endpoints.withLockedValue { $0 }
            var statements: [PlannedStatement] = []
            var rowsOfEvents: [[any Encodable & Sendable]] = []
            for event in try events(rows) {
                let eventId = newEventId()
                let json = encode(event.data)
                let body = body(type: event.type, data: json, at: at)
                statements += enabled.filter { $0.subscribes(to: event.type) }.map {
                    WebhookDeliveries.statement(endpoint: $0, eventId: eventId, type: event.type, body: body, now: at)
                }
                rowsOfEvents.append([eventId, event.type.rawValue, event.store, event.subjectId, json, at])
            }
            guard !rowsOfEvents.isEmpty else { return statements }
            return statements + [insertStatement(rowsOfEvents, postgres: postgres)]
        }
        return plan
    }

    /// Events as one insert that numbers them in the order given: PostgreSQL runs the statements
    /// of one plan as one, in no set order, so one insert per event would number a batch's
    /// events in any order. On PostgreSQL the insert takes the log's lock itself (see the type).
    private static func insertStatement(_ rows: [[any Encodable & Sendable]], postgres: Bool) -> PlannedStatement {
        let columns = "event_id, type, store, subject_id, data, created_at"
        if !postgres {
            let values = Array(repeating: "(?, ?, ?, ?, ?, ?)", count: rows.count).joined(separator: ", ")
            return PlannedStatement("INSERT INTO events (\(columns)) VALUES \(values)", rows.flatMap { $0 })
        }
        let values = rows.indices.map { "(?, ?, ?, ?, ?, ?::timestamptz, \($0))" }.joined(separator: ", ")
        return PlannedStatement(
            """
            INSERT INTO events (\(columns)) SELECT e.event_id, e.type, e.store, e.subject_id, e.data, e.created_at
            FROM (VALUES \(values)) AS e(\(columns), n) CROSS JOIN (SELECT pg_advisory_xact_lock(\(appendLockKey))) AS appending
            ORDER BY e.n
            """, rows.flatMap { $0 })
    }

    private static func newEventId() -> String { "evt_" + UUID().uuidString.lowercased() }

    /// The event's row, for each database (see `insertStatement`).
    private static func insertStatements(
        eventId: String, _ type: EventType, store: String?, subjectId: String, json: String, at: Date
    ) -> (sqlite: PlannedStatement, postgres: PlannedStatement) {
        let values: [any Encodable & Sendable] = [eventId, type.rawValue, store, subjectId, json, at]
        return (insertStatement([values], postgres: false), insertStatement([values], postgres: true))
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
