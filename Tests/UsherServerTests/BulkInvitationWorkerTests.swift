import Foundation
import NIOConcurrencyHelpers
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Bulk jobs survive a crash and are shared by workers without creating a row twice (SPEC:
/// Bulk), on both databases. Workers are driven by hand with an injected clock.
@Suite struct BulkInvitationWorkerTests {
    static let bulk = BulkInvitationTests.bulk

    func submit(_ t: TestApp, rows: Int) async throws -> (token: String, jobId: String) {
        let token = try await t.token()
        let f = try await t.oidcApplication(token: token)
        let items = (1...rows).map { #"{"email":"user\#($0)@example.com"}"# }.joined(separator: ",")
        let reply = try await t.send(.POST, Self.bulk, json: #"{"clientId":"\#(f.clientId)","invitations":[\#(items)]}"#, token: token)
        guard reply.status == .accepted, let id = reply["id"] as? String else { throw TestSetupError("bulk: \(reply.body)") }
        return (token, id)
    }

    func worker(_ t: TestApp, at: Date) -> BulkInvitationWorker {
        BulkInvitationWorker(db: t.app.db, context: t.app.usher, batchSize: 3, now: { at })
    }

    func expectEveryRowOnce(_ t: TestApp, token: String, jobId: String, rows: Int) async throws {
        let job = try await t.send(.GET, "\(Self.bulk)/\(jobId)", token: token)
        #expect(job["status"] as? String == "DONE", "\(job.body)")
        #expect(job["created"] as? Int == rows)
        #expect(job["conflicts"] as? Int == 0)
        #expect(job["errors"] as? Int == 0)
        let ids = (job["rows"] as? [[String: Any]] ?? []).compactMap { $0["invitationId"] as? String }
        #expect(Set(ids).count == rows)
        #expect(try await t.count("invitations") == rows)
        #expect(try await t.count("outbox") == rows)
        let finished = try await t.app.db.sql.raw("SELECT COUNT(*) AS n FROM events WHERE type = 'invitation_bulk.finished'").first()?
            .decode(column: "n", as: Int.self)
        #expect(finished == 1)
    }

    @Test(arguments: TestDatabase.available)
    func aJobCutOffHalfWayIsResumedByAnotherWorkerOnceItsLeaseRunsOut(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let (token, jobId) = try await submit(t, rows: 10)
            let start = Date()
            // The first worker takes the job and "dies" after 4 rows, holding its lease.
            #expect(try await worker(t, at: start).runOnce(limit: 4))
            #expect(try await t.count("invitations") == 4)
            let partial = try await t.send(.GET, "\(Self.bulk)/\(jobId)", token: token)
            #expect(partial["status"] as? String == "RUNNING")
            #expect(partial["processed"] as? Int == 4)
            #expect(partial["rows"] == nil)

            // While its lease runs, no one else takes the job; afterwards another worker finishes it.
            #expect(try await worker(t, at: start.addingTimeInterval(10)).runOnce() == false)
            #expect(try await worker(t, at: start.addingTimeInterval(16)).runOnce())
            #expect(try await worker(t, at: start.addingTimeInterval(17)).runOnce() == false)
            try await expectEveryRowOnce(t, token: token, jobId: jobId, rows: 10)
        }
    }

    @Test(arguments: TestDatabase.available)
    func twoWorkersOnOneJobCreateNoRowTwice(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let (token, jobId) = try await submit(t, rows: 24)
            let id = try #require(UUID(uuidString: jobId))
            let a = worker(t, at: Date())
            let b = worker(t, at: Date())
            async let first = a.process(job: id)
            async let second = b.process(job: id)
            let ran = try await first + second
            #expect(ran >= 24)
            try await expectEveryRowOnce(t, token: token, jobId: jobId, rows: 24)
        }
    }
}
