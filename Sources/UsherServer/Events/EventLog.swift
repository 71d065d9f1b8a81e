import Fluent
import Foundation
import SQLKit
import UsherCore

/// Appends to the event log. Call it inside the transaction of the change it records (as
/// `Audit.record` is): the event exists if and only if its change committed. `data` is the
/// resource as the admin API shows it — never a link, a token or a secret.
enum EventLog {
    static func append(
        on db: any Database, _ type: EventType, store: String?, subjectId: String, data: some Encodable, at: Date
    ) async throws {
        try await db.sql.raw(
            """
            INSERT INTO events (event_id, type, store, subject_id, data, created_at)
            VALUES (\(bind: "evt_" + UUID().uuidString.lowercased()), \(bind: type.rawValue), \(bind: store), \(bind: subjectId),
            \(bind: encode(data)), \(bind: at))
            """
        ).run()
    }

    /// JSON as the API writes it (ISO 8601 dates, sorted keys).
    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).flatMap { String(data: $0, encoding: .utf8) } ?? "null"
    }
}
