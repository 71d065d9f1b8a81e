import SQLKit
import Testing
import UsherCore

@testable import UsherServer

/// Statuses written into SQL through `SQLClosedSets` come out as the literals the schema holds.
@Suite struct SQLClosedSetsTests {
    @Test(arguments: TestDatabase.available)
    func statusesAreWrittenAsTheirStoredLiterals(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            struct Row: Decodable {
                var a: String
                var b: String
                var c: Int
            }
            let row = try await t.app.db.sql.raw(
                """
                SELECT \(InvitationStatus.pending) AS a, \(OutboxStatus.cancelled) AS b,
                  CASE WHEN 'PENDING' = \(InvitationStatus.pending) THEN 1 ELSE 0 END AS c
                """
            ).first(decoding: Row.self)
            #expect(row?.a == "PENDING")
            #expect(row?.b == "cancelled")
            #expect(row?.c == 1)
        }
    }
}
