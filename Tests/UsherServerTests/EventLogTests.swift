import Foundation
import SQLKit
import Testing
import UsherCore

@testable import UsherServer

/// The event log is written with the change it records: a change that rolls back leaves no event.
@Suite struct EventLogTests {
    struct Data: Encodable { var id: String }

    @Test(arguments: TestDatabase.available)
    func anEventExistsExactlyWhenItsTransactionCommits(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            struct Refused: Error {}
            await #expect(throws: Refused.self) {
                try await t.app.db.write { tx in
                    try await EventLog.append(on: tx, .invitationCreated, store: "default", subjectId: "a", data: Data(id: "a"), at: Date())
                    throw Refused()
                }
            }
            let before = try await t.count("events")
            try await t.app.db.write { tx in
                try await EventLog.append(on: tx, .invitationCreated, store: "default", subjectId: "b", data: Data(id: "b"), at: Date())
                try await EventLog.append(on: tx, .invitationRevoked, store: "default", subjectId: "b", data: Data(id: "b"), at: Date())
            }
            struct Row: Decodable {
                var seq: Int
                var type: String
                var data: String
                var event_id: String
            }
            let rows = try await t.app.db.sql.raw("SELECT seq, type, data, event_id FROM events WHERE subject_id = 'b' ORDER BY seq").all(
                decoding: Row.self)
            #expect(try await t.count("events") == before + 2)
            #expect(rows.map(\.type) == ["invitation.created", "invitation.revoked"])
            #expect(rows[0].seq < rows[1].seq)
            #expect(rows[0].data == #"{"id":"b"}"#)
            #expect(rows[0].event_id.hasPrefix("evt_") && rows[0].event_id != rows[1].event_id)
        }
    }

    @Test func patternsNameTypes() {
        #expect(EventType.invitationExpired.matches("invitation.*"))
        #expect(EventType.invitationBulkFinished.matches("*"))
        #expect(!EventType.invitationBulkFinished.matches("invitation.*"))
        #expect(EventType.accountCreated.matches("account.created"))
        #expect(!EventType.accountCreated.matches("account.create"))
        #expect(EventType.isValidPattern("invitation.*") && !EventType.isValidPattern("nothing.*"))
    }
}
