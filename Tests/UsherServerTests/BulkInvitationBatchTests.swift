import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// A bulk job writes its rows a batch per transaction (issue 17): a row the rules refuse inside a
/// batch leaves the others committed and itself unwritten, and a row another worker finished
/// while the batch ran is left as it was, the others created exactly once. On SQLite a batch is
/// one transaction of the group committer, and the rows its rules refused get their results in
/// a second one.
@Suite struct BulkInvitationBatchTests {
    static let bulk = BulkInvitationTests.bulk

    func submit(_ t: TestApp, _ f: TestApp.Fixture, emails: [String]) async throws -> String {
        let items = emails.map { #"{"email":"\#($0)"}"# }.joined(separator: ",")
        let reply = try await t.send(.POST, Self.bulk, json: #"{"clientId":"\#(f.clientId)","invitations":[\#(items)]}"#, token: f.token)
        guard reply.status == .accepted, let id = reply["id"] as? String else { throw TestSetupError("bulk: \(reply.body)") }
        return id
    }

    func invitations(_ t: TestApp, email: String) async throws -> Int {
        try #require(
            try await t.app.db.sql.raw("SELECT COUNT(*) AS n FROM invitations WHERE email = \(bind: email)").first()?.decode(
                column: "n", as: Int.self))
    }

    @Test(arguments: TestDatabase.available)
    func aRowRefusedInsideABatchLeavesTheOthersCommittedAndItselfUnwritten(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let emails = (1...6).map { "batch\($0)@example.com" }
            let jobId = try await submit(t, f, emails: emails)
            // After the job was accepted, someone invites row 3's address on their own.
            let single = try await t.invite(f, email: emails[2])
            let singleId = try #require(single["id"] as? String)
            let groups = t.app.usher.groupCommit?.groupsCommitted
            try await BulkInvitationWorker(db: t.app.db, context: t.app.usher, batchSize: 6).runOnce()
            if let groups {
                #expect(t.app.usher.groupCommit?.groupsCommitted == groups + 2, "the batch, then the refused row's result")
            }

            let job = try await t.send(.GET, "\(Self.bulk)/\(jobId)", token: token)
            #expect(job["status"] as? String == "DONE")
            #expect(job["created"] as? Int == 5 && job["conflicts"] as? Int == 1 && job["errors"] as? Int == 0, "\(job.body)")
            let rows = job["rows"] as? [[String: Any]] ?? []
            #expect(rows[2]["outcome"] as? String == "conflict")
            #expect(rows[2]["conflictingId"] as? String == singleId)
            #expect(rows[2]["invitationId"] == nil)
            #expect(try await invitations(t, email: emails[2]) == 1)  // the single one only
            for (i, email) in emails.enumerated() where i != 2 {
                #expect(rows[i]["outcome"] as? String == "created")
                #expect(try await invitations(t, email: email) == 1)
            }
            #expect(try await t.count("outbox") == 6)
            let created = try await t.app.db.sql.raw("SELECT COUNT(*) AS n FROM events WHERE type = 'invitation.created'").first()?
                .decode(column: "n", as: Int.self)
            #expect(created == 6)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aRowAnotherWorkerFinishedMeanwhileIsLeftAndTheOthersRunOnceEach(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let emails = (1...6).map { "cut\($0)@example.com" }
            let jobId = try await submit(t, f, emails: emails)
            let id = try #require(UUID(uuidString: jobId))
            // Another worker finished row 4 after this batch read its rows: the batch meets a row
            // that has its result, rolls back that row's savepoint only and writes the others.
            let done = UUID()
            let database = t.app.db
            var worker = BulkInvitationWorker(db: t.app.db, context: t.app.usher, batchSize: 6)
            worker.beforeWritingBatch = {
                try await database.sql.raw(
                    """
                    UPDATE bulk_job_rows SET outcome = 'created', invitation_id = \(bind: done.idString)
                    WHERE job_id = \(bind: id) AND row_no = 4
                    """
                ).run()
            }
            try await worker.runOnce()
            let job = try await t.send(.GET, "\(Self.bulk)/\(jobId)", token: token)
            #expect(job["status"] as? String == "DONE")
            #expect(job["created"] as? Int == 6)
            #expect(try await t.count("invitations") == 5)
            for (i, email) in emails.enumerated() { #expect(try await invitations(t, email: email) == (i == 3 ? 0 : 1)) }
            let rows = job["rows"] as? [[String: Any]] ?? []
            #expect(rows[3]["invitationId"] as? String == done.idString)
            #expect(Set(rows.compactMap { $0["invitationId"] as? String }).count == 6)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aRowRefusedAfterItWroteIsUndoneAloneInsideItsBatch(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let emails = (1...5).map { "late\($0)@example.com" }
            let jobId = try await submit(t, f, emails: emails)
            var worker = BulkInvitationWorker(db: t.app.db, context: t.app.usher, batchSize: 5)
            let groups = t.app.usher.groupCommit?.groupsCommitted
            // Row 2 wrote its invitation, email, audit record and event, then a rule refuses it.
            worker.afterWritingRow = { row in
                if row == 2 { throw UsherError(status: 422, errorKey: .requestInvalid, title: "Refused late", detail: "test") }
            }
            try await worker.runOnce()
            if let groups {
                #expect(t.app.usher.groupCommit?.groupsCommitted == groups + 2, "the batch, then the refused row's result")
            }
            let job = try await t.send(.GET, "\(Self.bulk)/\(jobId)", token: token)
            #expect(job["status"] as? String == "DONE")
            #expect(job["created"] as? Int == 4 && job["errors"] as? Int == 1, "\(job.body)")
            for (i, email) in emails.enumerated() { #expect(try await invitations(t, email: email) == (i == 1 ? 0 : 1)) }
            #expect(try await t.count("outbox") == 4)
            let created = try await t.app.db.sql.raw("SELECT COUNT(*) AS n FROM events WHERE type = 'invitation.created'").first()?
                .decode(column: "n", as: Int.self)
            #expect(created == 4)
        }
    }
}
