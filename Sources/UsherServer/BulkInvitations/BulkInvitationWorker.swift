import Fluent
import Foundation
import SQLKit
import UsherCore

/// Carries out bulk jobs. Any instance may: a job is leased (`lease_owner`, `lease_until`) and a
/// lease that runs out — its instance died — lets another instance take the job over. Each row
/// is its own transaction, and its result is written in the transaction that creates its
/// invitation, only if the row has no result yet: a row is never created twice, even by two
/// workers on one job, and a job cut off half-way resumes where it stopped.
struct BulkInvitationWorker: Sendable {
    let db: any Database
    let context: UsherContext
    /// This worker's name in `lease_owner`.
    var owner = "worker-" + UUID().uuidString.lowercased()
    var lease: TimeInterval = 15
    var batchSize = 100
    var now: @Sendable () -> Date = { Date() }

    private struct JobRow: Decodable {
        var id: UUID
        var store: String
        var actor_kind: String
        var actor_id: String
        var actor_name: String
    }

    private struct PendingRow: Decodable {
        var id: UUID
        var input: String
    }

    private struct AlreadyDone: Error {}

    /// Takes one job whose lease is free (or expired) and runs it (at most `limit` rows: tests
    /// stop a job half-way with it); false when there is none.
    @discardableResult
    func runOnce(limit: Int = .max) async throws -> Bool {
        let at = now()
        let claimed = try await db.writeStatement { sql in
            try await sql.raw(
                """
                UPDATE bulk_jobs SET lease_owner = \(bind: owner), lease_until = \(bind: at.addingTimeInterval(lease))
                WHERE id = (SELECT id FROM bulk_jobs WHERE status = 'RUNNING' AND (lease_until IS NULL OR lease_until < \(bind: at))
                  ORDER BY created_at LIMIT 1)
                AND (lease_until IS NULL OR lease_until < \(bind: at)) RETURNING id
                """
            ).all()
        }
        guard let row = claimed.first else { return false }
        try await process(job: try row.decode(column: "id", as: UUID.self), limit: limit)
        return true
    }

    /// Runs the job's remaining rows (at most `limit`), then marks it DONE if none is left.
    /// Returns how many rows it ran.
    @discardableResult
    func process(job jobId: UUID, limit: Int = .max) async throws -> Int {
        guard
            let job = try await db.sql.raw(
                "SELECT id, store, actor_kind, actor_id, actor_name FROM bulk_jobs WHERE id = \(bind: jobId)"
            ).first(decoding: JobRow.self)
        else { return 0 }
        let actor = Actor(kind: Actor.Kind(rawValue: job.actor_kind) ?? .system, id: job.actor_id, displayName: job.actor_name)
        var ran = 0
        while ran < limit {
            let rows = try await db.sql.raw(
                """
                SELECT id, input FROM bulk_job_rows WHERE job_id = \(bind: jobId) AND outcome IS NULL
                ORDER BY row_no LIMIT \(literal: min(batchSize, limit - ran))
                """
            ).all(decoding: PendingRow.self)
            if rows.isEmpty { break }
            for row in rows {
                try await run(row, store: job.store, by: actor)
                ran += 1
            }
            try await extendLease(jobId)
        }
        try await finishIfDone(jobId, store: job.store)
        return ran
    }

    private func run(_ row: PendingRow, store: String, by actor: Actor) async throws {
        let rowId = row.id
        do {
            let values = try JSONDecoder().decode([String: JSONValue].self, from: Data(row.input.utf8))
            let request = try InvitationRequest.read(JSONObjectReader(values))
            _ = try await InvitationService(db: db, context: context).create(store: store, request, by: actor) { tx, invitationId in
                let updated = try await tx.sql.raw(
                    """
                    UPDATE bulk_job_rows SET outcome = \(bind: BulkJobRowView.Outcome.created.rawValue),
                    invitation_id = \(bind: invitationId.idString) WHERE id = \(bind: rowId) AND outcome IS NULL RETURNING id
                    """
                ).all()
                if updated.isEmpty { throw AlreadyDone() }
            }
        } catch is AlreadyDone {
            return
        } catch let error as UsherError {
            let conflict = error.status == 409 && error.conflictingId != nil
            try await record(
                rowId, outcome: conflict ? .conflict : .error, conflictingId: conflict ? error.conflictingId : nil,
                problem: conflict ? nil : BulkRowProblem(error))
        } catch {
            try await record(rowId, outcome: .error, conflictingId: nil, problem: .internalError)
        }
    }

    /// A row's failure, only if it has no result yet.
    private func record(_ rowId: UUID, outcome: BulkJobRowView.Outcome, conflictingId: String?, problem: BulkRowProblem?) async throws {
        try await db.writeStatement { sql in
            try await sql.raw(
                """
                UPDATE bulk_job_rows SET outcome = \(bind: outcome.rawValue), conflicting_id = \(bind: conflictingId),
                problem = \(bind: problem?.json) WHERE id = \(bind: rowId) AND outcome IS NULL
                """
            ).run()
        }
    }

    private func extendLease(_ jobId: UUID) async throws {
        let until = now().addingTimeInterval(lease)
        try await db.writeStatement { sql in
            try await sql.raw(
                "UPDATE bulk_jobs SET lease_until = \(bind: until) WHERE id = \(bind: jobId) AND lease_owner = \(bind: owner)"
            ).run()
        }
    }

    /// DONE once every row has its result, with `invitation_bulk.finished` in the same transaction.
    private func finishIfDone(_ jobId: UUID, store: String) async throws {
        let at = now()
        try await db.write { tx in
            let left =
                try await tx.sql.raw(
                    "SELECT COUNT(*) AS n FROM bulk_job_rows WHERE job_id = \(bind: jobId) AND outcome IS NULL"
                ).first()?.decode(column: "n", as: Int.self) ?? 0
            guard left == 0 else { return }
            let finished = try await tx.sql.raw(
                """
                UPDATE bulk_jobs SET status = \(bind: BulkJobView.Status.DONE.rawValue), finished_at = \(bind: at),
                lease_owner = NULL, lease_until = NULL WHERE id = \(bind: jobId) AND status = 'RUNNING' RETURNING id
                """
            ).all()
            guard !finished.isEmpty else { return }
            let view = try await BulkJobs(db: tx).view(store: store, id: jobId, withRows: false)
            try await EventLog.append(on: tx, .invitationBulkFinished, store: store, subjectId: jobId.idString, data: view, at: at)
        }
    }
}
