import Fluent
import Foundation
import SQLKit
import UsherCore
import Vapor

/// One event as `GET /admin/api/v1/events` shows it.
struct EventView: Content, Equatable {
    var id: String
    var type: String
    var timestamp: Date
    var store: String?
    var subjectId: String
    var data: JSONValue
    /// This event's position: `after=` it to read what came later.
    var cursor: String
}

/// A page of the event log and where the next one starts.
struct EventPage: Content, Equatable {
    var items: [EventView]
    /// Pass as `after` to continue: the last event's cursor, or the one given when nothing new came.
    var next: String?
}

/// `GET /admin/api/v1/events?after=CURSOR&type=…&limit=` (scope read:account): the polling
/// alternative to webhooks, oldest first. The cursor is an event's position in the log; no
/// event can later appear before it (EventLog: appends are ordered by commit).
struct EventRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped(RequireScope(.readAccount)).get("events") { req async throws -> Response in
            let limit = try req.queryInt("limit", default: 100, range: 1...1000)
            let after = try Self.cursor(req.query[String.self, at: "after"])
            let types = try Self.types(req.query[String.self, at: "type"])
            let page = try await EventQuery.page(after: after, types: types, limit: limit, on: req.db)
            let response = Response(status: .ok)
            try response.content.encode(page, as: .json)
            if let next = page.next { response.headers.replaceOrAdd(name: "X-Next-Cursor", value: next) }
            return response
        }
    }

    static func cursor(_ raw: String?) throws -> Int64 {
        guard let raw, !raw.isEmpty else { return 0 }
        guard let value = Int64(raw), value >= 0 else {
            throw UsherError.badRequest(
                .eventCursorInvalid, "The cursor '\(raw)' is not one this API gave: pass the `next` of a previous page.",
                fieldErrors: [FieldError("after", "is not a cursor from a previous page")])
        }
        return value
    }

    /// `type=` exact names or patterns (`invitation.*`, `*`), comma-separated; nil = every type.
    static func types(_ raw: String?) throws -> [EventType]? {
        guard let raw, !raw.isEmpty else { return nil }
        let patterns = raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for pattern in patterns where !EventType.isValidPattern(pattern) {
            throw UsherError.badRequest(
                .requestInvalidQuery,
                "'\(pattern)' names no event type; use a type such as invitation.accepted or a prefix such as invitation.*",
                fieldErrors: [FieldError("type", "names no event type")])
        }
        return EventType.allCases.filter { type in patterns.contains { type.matches($0) } }
    }
}

/// Reads the event log.
enum EventQuery {
    static func page(after: Int64, types: [EventType]?, limit: Int, on db: any Database) async throws -> EventPage {
        struct Row: Decodable {
            var seq: Int64
            var event_id: String
            var type: String
            var store: String?
            var subject_id: String
            var data: String
            var created_at: Date
        }
        let typeFilter: SQLQueryString = types.map { " AND type IN (\(binds: $0.map(\.rawValue)))" } ?? ""
        let rows = try await db.sql.raw(
            """
            SELECT seq, event_id, type, store, subject_id, data, created_at FROM events
            WHERE seq > \(bind: after)\(typeFilter) ORDER BY seq LIMIT \(literal: limit)
            """
        ).all(decoding: Row.self)
        let items = rows.map { r in
            EventView(
                id: r.event_id, type: r.type, timestamp: r.created_at, store: r.store, subjectId: r.subject_id,
                data: (try? JSONDecoder().decode(JSONValue.self, from: Data(r.data.utf8))) ?? .null, cursor: String(r.seq))
        }
        return EventPage(items: items, next: rows.last.map { String($0.seq) } ?? String(after))
    }
}
