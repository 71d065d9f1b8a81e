import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// A batch's rows get the results the row-by-row path gives them (issue 17). On PostgreSQL a
/// batch answers every row's rules with one read and writes them in one statement, so these are
/// the cases where a row depends on something the batch's read cannot see: an earlier row of the
/// same batch with the same email (a conflict with that row's invitation, as the sequential path
/// says), rules refusing some rows among created ones, and an invitation created by someone else
/// between the batch's read and its write (the batch statement fails on the one-pending index and
/// the batch runs row by row). Events and webhook deliveries exist for the created rows only.
@Suite struct BulkInvitationBatchResultTests {
    static let bulk = BulkInvitationTests.bulk

    func job(_ t: TestApp, _ jobId: String, token: String) async throws -> (job: TestApp.Reply, rows: [[String: Any]]) {
        let job = try await t.send(.GET, "\(Self.bulk)/\(jobId)", token: token)
        #expect(job["status"] as? String == "DONE")
        return (job, job["rows"] as? [[String: Any]] ?? [])
    }

    func count(_ t: TestApp, _ query: SQLQueryString) async throws -> Int {
        try #require(try await t.app.db.sql.raw(query).first()?.decode(column: "n", as: Int.self))
    }

    /// Runs the job's rows; the batch statement must not fail (it would hide a wrong answer
    /// behind the row-by-row path's right one).
    func runWithoutFallingBack(_ t: TestApp, batchSize: Int) async throws {
        let fellBack = NIOLockedValueBox<String?>(nil)
        var worker = BulkInvitationWorker(db: t.app.db, context: t.app.usher, batchSize: batchSize)
        worker.batchFellBack = { error in fellBack.withLockedValue { $0 = String(reflecting: error) } }
        try await worker.runOnce()
        #expect(fellBack.withLockedValue { $0 } == nil)
    }

    @Test(arguments: TestDatabase.available)
    func aLaterRowWithAnEarlierRowsEmailIsAConflictWithThatRowsInvitation(_ db: TestDatabase) async throws {
        try await TestApp.with(db, configure: { $0.webhooks.allowPrivateNetworks = true }) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let webhook = try await t.send(
                .POST, "/admin/api/v1/webhooks", json: #"{"url":"http://127.0.0.1:9/hook","events":["invitation.*"]}"#, token: token)
            #expect(webhook.status == .created)
            let emails = (1...5).map { "twice\($0)@example.com" }
            let jobId = try await BulkInvitationBatchTests().submit(t, f, emails: emails)
            let id = try #require(UUID(uuidString: jobId))
            // The API refuses a file that repeats an address; rows written otherwise (an older job,
            // another client) may still: row 4 asks for row 2's address, in another case.
            try await t.app.db.sql.raw(
                """
                UPDATE bulk_job_rows SET email = 'TWICE2@example.com',
                  input = (SELECT REPLACE(r.input, 'twice2@', 'TWICE2@') FROM bulk_job_rows r WHERE r.job_id = \(bind: id) AND r.row_no = 2)
                WHERE job_id = \(bind: id) AND row_no = 4
                """
            ).run()
            // On PostgreSQL the batch answers it itself: its statement does not fail on the
            // one-pending-invitation index and fall back to the row-by-row path.
            try await runWithoutFallingBack(t, batchSize: 5)

            let (job, rows) = try await job(t, jobId, token: token)
            #expect(job["created"] as? Int == 4 && job["conflicts"] as? Int == 1 && job["errors"] as? Int == 0, "\(job.body)")
            let first = try #require(rows[1]["invitationId"] as? String)
            #expect(rows[3]["outcome"] as? String == "conflict")
            #expect(rows[3]["conflictingId"] as? String == first)
            #expect(rows[3]["invitationId"] == nil)
            #expect(try await count(t, "SELECT COUNT(*) AS n FROM invitations WHERE email_key = 'twice2@example.com'") == 1)
            #expect(try await t.count("invitations") == 4)
            #expect(try await t.count("outbox") == 4)
            #expect(try await count(t, "SELECT COUNT(*) AS n FROM events WHERE type = 'invitation.created'") == 4)
            #expect(try await count(t, "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE event_type = 'invitation.created'") == 4)
            // Each created row's event and delivery name its own invitation, in row order.
            let subjects = try await t.app.db.sql.raw(
                "SELECT subject_id FROM events WHERE type = 'invitation.created' ORDER BY seq"
            ).all().map { try $0.decode(column: "subject_id", as: String.self) }
            #expect(subjects == [0, 1, 2, 4].compactMap { rows[$0]["invitationId"] as? String })
            let delivered = try await t.app.db.sql.raw(
                "SELECT d.event_id FROM webhook_deliveries d JOIN events e ON e.event_id = d.event_id"
            ).all()
            #expect(delivered.count == 4)
        }
    }

    @Test(arguments: TestDatabase.available)
    func rowsTheRulesRefuseAmongCreatedOnesHaveTheirOwnResults(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let account = try await t.send(
                .POST, "/admin/api/v1/identityStores/default/accounts", json: #"{"email":"mixed3@example.com","givenName":"Tak"}"#,
                token: token)
            #expect(account.status == .created)
            let emails = (1...6).map { "mixed\($0)@example.com" }
            let jobId = try await BulkInvitationBatchTests().submit(t, f, emails: emails)
            // After the job was accepted: row 5's address is invited on its own (rule 7).
            let single = try #require(try await t.invite(f, email: emails[4])["id"] as? String)
            try await runWithoutFallingBack(t, batchSize: 6)

            let (job, rows) = try await job(t, jobId, token: token)
            #expect(job["created"] as? Int == 4 && job["conflicts"] as? Int == 1 && job["errors"] as? Int == 1, "\(job.body)")
            #expect(rows.map { $0["outcome"] as? String } == ["created", "created", "error", "created", "conflict", "created"])
            // SPEC rule 5: the address has an account and the invite method is read-only.
            #expect((rows[2]["error"] as? [String: Any])?["errorKey"] as? String == "account.emailExists")
            #expect(rows[2]["invitationId"] == nil && rows[2]["conflictingId"] == nil)
            #expect(rows[4]["conflictingId"] as? String == single)
            #expect(try await t.count("invitations") == 5)  // four rows and the single one
            #expect(try await count(t, "SELECT COUNT(*) AS n FROM invitations WHERE email_key = 'mixed3@example.com'") == 0)
            #expect(try await count(t, "SELECT COUNT(*) AS n FROM events WHERE type = 'invitation.created'") == 5)
            #expect(try await count(t, "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'invitation.created'") == 5)
            for index in [0, 1, 3, 5] {
                let invitationId = try #require(rows[index]["invitationId"] as? String)
                #expect(
                    try await count(
                        t,
                        "SELECT COUNT(*) AS n FROM invitations WHERE id = \(bind: UUID(uuidString: invitationId)) AND email = \(bind: emails[index])"
                    )
                        == 1)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func anInvitationCreatedBetweenTheBatchsReadAndItsWriteMakesItsRowAConflict(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let emails = (1...5).map { "race\($0)@example.com" }
            let jobId = try await BulkInvitationBatchTests().submit(t, f, emails: emails)
            let single = NIOLockedValueBox<String?>(nil)
            let fellBack = NIOLockedValueBox(false)
            var worker = BulkInvitationWorker(db: t.app.db, context: t.app.usher, batchSize: 5)
            // The rules were answered (no pending invitation for row 3); someone invites row 3's
            // address before the batch writes. On PostgreSQL the batch statement then fails on the
            // one-pending-invitation index and the rows go one by one; on SQLite (one writer, the
            // rules read inside the group) the rule sees it.
            worker.beforeBatchWrites = {
                let reply = try await t.invite(f, email: emails[2])
                single.withLockedValue { $0 = reply["id"] as? String }
            }
            worker.batchFellBack = { _ in fellBack.withLockedValue { $0 = true } }
            try await worker.runOnce()
            #expect(fellBack.withLockedValue { $0 } == (db == .postgres))

            let (job, rows) = try await job(t, jobId, token: token)
            #expect(job["created"] as? Int == 4 && job["conflicts"] as? Int == 1 && job["errors"] as? Int == 0, "\(job.body)")
            #expect(rows[2]["outcome"] as? String == "conflict")
            #expect(rows[2]["conflictingId"] as? String == single.withLockedValue { $0 })
            #expect(try await count(t, "SELECT COUNT(*) AS n FROM invitations WHERE email_key = 'race3@example.com'") == 1)
            #expect(try await t.count("invitations") == 5)
            #expect(try await t.count("outbox") == 5)
            #expect(try await count(t, "SELECT COUNT(*) AS n FROM events WHERE type = 'invitation.created'") == 5)
        }
    }
}
