import FluentKit
import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// `UsherContext.read` on SQLite's file reads through its own connections, on the calling
/// thread: it must see what is committed, and inside a transaction it must be the
/// transaction's read (a direct read would miss the transaction's own writes).
@Suite struct SQLiteReadsTests {
    func audit(_ target: String) -> PlannedStatement {
        Audit.statement(actor: .system, action: .invitationCreated, store: "default", targetType: "reads-test", targetId: target)
    }

    func targets(_ t: TestApp, on db: any Database) async throws -> [String] {
        let rows = try await t.app.usher.read(
            PlannedStatement("SELECT target_id FROM audit_events WHERE target_type = ? ORDER BY target_id", ["reads-test"]), on: db)
        return try rows.map { try $0.decode(column: "target_id", as: String.self) }
    }

    @Test func aDirectReadSeesWhatIsCommittedAndATransactionReadsItsOwnWrites() async throws {
        try await TestApp.with(.sqlite) { t in
            // The file database has the direct reads; the test is about them.
            _ = try #require(t.app.usher.groupCommit?.reads)
            #expect(try await targets(t, on: t.app.db).isEmpty)
            try await t.app.db.sql.raw(audit("committed").query).run()
            #expect(try await targets(t, on: t.app.db) == ["committed"])

            try await t.app.db.transaction { tx in
                try await tx.sql.raw(audit("uncommitted").query).run()
                // Inside: the transaction's own connection, which sees its write.
                #expect(try await targets(t, on: tx) == ["committed", "uncommitted"])
            }
            #expect(try await targets(t, on: t.app.db) == ["committed", "uncommitted"])
        }
    }

    @Test func aReadAfterAGroupCommitSeesIt() async throws {
        try await TestApp.with(.sqlite) { t in
            var plan = PlannedWrite()
            plan.run(audit("grouped"))
            try await t.app.db.write(plan, groupCommit: t.app.usher.groupCommit)
            #expect(try await targets(t, on: t.app.db) == ["grouped"])
        }
    }
}
