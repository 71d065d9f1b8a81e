import Fluent
import Foundation
import SQLKit
import UsherCore

/// Carries out bulk jobs. Any instance may: a job is leased (`lease_owner`, `lease_until`) and a
/// lease that runs out — its instance died — lets another instance take the job over.
///
/// Rows go in batches of `batchSize`, one transaction per batch: each row is drafted first
/// (`InvitationService.draft`, the reads and the rules that need no transaction), then the
/// batch's transaction writes each row's plan (`InvitationService.plan`) with its result, each
/// row in its own savepoint: a row the rules refuse is rolled back to its savepoint, its refusal
/// is recorded and the others go on. On SQLite the batch is one group of the group committer
/// (one transaction on its thread, no thread switch per statement); on PostgreSQL one
/// transaction of a few statements for the whole batch (BulkInvitationWorker+Postgres.swift).
/// A row's result is written only if it has none yet, in the savepoint that creates its
/// invitation: a row is never created twice, even by two workers on one job, and a job cut off
/// mid-batch loses the whole batch's transaction and resumes where the last commit left it.
/// A row another worker finished meanwhile is left as that worker left it. A row refused by a
/// constraint (an invitation created for the same email at the same moment) runs again alone,
/// after the batch; anything that fails the batch's transaction itself (a lost connection) runs
/// all its rows one by one.
struct BulkInvitationWorker: Sendable {
    let db: any Database
    let context: UsherContext
    /// This worker's name in `lease_owner`.
    var owner = "worker-" + UUID().uuidString.lowercased()
    var lease: TimeInterval = 15
    var batchSize = 100
    var now: @Sendable () -> Date = { Date() }
    /// Emails per second the job's emails are spread at (row n's email is due (n-1)/pace
    /// seconds after the job was created), so a single invitation created meanwhile is not
    /// queued behind all of them (docs/email.md). `USHER_SMTP_MAX_PER_SECOND`, or
    /// `defaultEmailPace` when no rate is set.
    var emailPace: Double = BulkInvitationWorker.defaultEmailPace

    static let defaultEmailPace: Double = 100
    /// Runs between drafting a batch and writing it: tests stand for another worker there.
    var beforeWritingBatch: (@Sendable () async throws -> Void)?
    /// Runs inside a batch right after a row (its number) wrote its invitation, inside the row's
    /// savepoint (on SQLite on the group committer's thread, hence synchronous) — in PostgreSQL's
    /// batch once its rules answered, before the batch's writes: tests stand for a rule that
    /// refuses it late there.
    var afterWritingRow: (@Sendable (Int) throws -> Void)?
    /// Runs inside a batch's transaction after its rows' rules were answered, before their
    /// writes (on SQLite before the group, whose reads and writes cannot be told apart): tests
    /// stand there for an invitation created at that moment by someone else.
    var beforeBatchWrites: (@Sendable () async throws -> Void)?
    /// Told when PostgreSQL's batch statement failed and its rows went the savepoint way.
    var batchFellBack: (@Sendable (any Error) -> Void)?

    init(db: any Database, context: UsherContext, batchSize: Int = 100, now: @escaping @Sendable () -> Date = { Date() }) {
        self.db = db
        self.context = context
        self.batchSize = batchSize
        self.now = now
        self.emailPace = context.config.smtpMaxPerSecond ?? Self.defaultEmailPace
    }

    private struct JobRow: Decodable {
        var id: UUID
        var store: String
        var actor_kind: String
        var actor_id: String
        var actor_name: String
        var created_at: Date
    }

    struct PendingRow: Decodable {
        var id: UUID
        var row_no: Int
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
                "SELECT id, store, actor_kind, actor_id, actor_name, created_at FROM bulk_jobs WHERE id = \(bind: jobId)"
            ).first(decoding: JobRow.self)
        else { return 0 }
        let actor = Actor(kind: Actor.Kind(rawValue: job.actor_kind) ?? .system, id: job.actor_id, displayName: job.actor_name)
        var ran = 0
        // At shutdown (the scheduler's task is cancelled) the job stops after the batch in hand,
        // not after its last row: its lease runs out and an instance takes it up where it stopped.
        while ran < limit, !Task.isCancelled {
            let rows = try await db.sql.raw(
                """
                SELECT id, row_no, input FROM bulk_job_rows WHERE job_id = \(bind: jobId) AND outcome IS NULL
                ORDER BY row_no LIMIT \(literal: min(batchSize, limit - ran))
                """
            ).all(decoding: PendingRow.self)
            if rows.isEmpty { break }
            try await runBatch(rows, job: job, by: actor)
            ran += rows.count
            try await extendLease(jobId)
        }
        try await finishIfDone(jobId, store: job.store)
        return ran
    }

    private func emailDue(_ row: PendingRow, job: JobRow) -> Date {
        job.created_at.addingTimeInterval(Double(row.row_no - 1) / emailPace)
    }

    private static func request(_ row: PendingRow) throws -> InvitationRequest {
        let values = try JSONDecoder().decode([String: JSONValue].self, from: Data(row.input.utf8))
        return try InvitationRequest.read(JSONObjectReader(values))
    }

    /// The rows of one batch in one transaction (see the type's comment); one by one if that fails.
    private func runBatch(_ rows: [PendingRow], job: JobRow, by actor: Actor) async throws {
        let service = InvitationService(db: db, context: context)
        guard let (drafts, refused) = await draft(rows, job: job, by: actor, service: service) else {
            // Not a refusal: the row-by-row path decides.
            return try await runOneByOne(rows, job: job, by: actor)
        }
        try await beforeWritingBatch?()
        let retry: [PendingRow]
        do {
            if db.isSQLite, let groupCommit = context.groupCommit {
                try await beforeBatchWrites?()
                retry = try await writeGroup(drafts, refused: refused, service: service, groupCommit: groupCommit)
            } else if !db.isSQLite {
                do {
                    retry = try await writeBatch(drafts, refused: refused, service: service)
                } catch {
                    // The batch statement failed (a constraint): its transaction is gone, each row alone decides.
                    db.logger.debug("Bulk batch of \(rows.count) rows runs row by row: \(String(reflecting: error))")
                    batchFellBack?(error)
                    retry = try await writeTransaction(drafts, refused: refused, service: service)
                }
            } else {
                retry = try await writeTransaction(drafts, refused: refused, service: service)
            }
        } catch {
            // A transaction failed as a whole (a lost connection, a failed COMMIT): one by one,
            // a row that has its result already is left as it is.
            return try await runOneByOne(rows, job: job, by: actor)
        }
        context.mailWakeUp()
        try await runOneByOne(retry, job: job, by: actor)
    }

    private typealias Drafted = (
        drafts: [(row: PendingRow, draft: InvitationService.Draft)], refused: [(row: PendingRow, error: UsherError)]
    )

    /// Drafts a batch's rows, on as many cores as there are in slices of the batch: drafting
    /// (the link's token and seal, the email, the event's data) is CPU work that needs no
    /// transaction, and it is most of a row's time. The first row drafts alone and reads the
    /// store and application for the others. Nil when a row failed with something not a refusal.
    private func draft(_ rows: [PendingRow], job: JobRow, by actor: Actor, service: InvitationService) async -> Drafted? {
        @Sendable func draft(_ rows: ArraySlice<PendingRow>, lookups: InvitationService.DraftLookups) async -> (
            Drafted, InvitationService.DraftLookups
        )? {
            var lookups = lookups
            var drafted: Drafted = ([], [])
            for row in rows {
                do {
                    let request = try Self.request(row)
                    let draft = try await service.draft(
                        store: job.store, request, by: actor, emailDue: emailDue(row, job: job), lookups: &lookups)
                    drafted.drafts.append((row, draft))
                } catch let error as UsherError {
                    drafted.refused.append((row, error))
                } catch {
                    return nil
                }
            }
            return (drafted, lookups)
        }
        guard let (first, lookups) = await draft(rows.prefix(1), lookups: InvitationService.DraftLookups()) else { return nil }
        let rest = rows.dropFirst()
        let slices = max(1, min(ProcessInfo.processInfo.activeProcessorCount, rest.count))
        let size = (rest.count + slices - 1) / slices
        let parts = await withTaskGroup(of: (Int, Drafted?).self) { group in
            for index in 0..<slices {
                let start = min(rest.startIndex + index * size, rest.endIndex)
                let slice = rest[start..<min(start + size, rest.endIndex)]
                group.addTask { (index, await draft(slice, lookups: lookups)?.0) }
            }
            var parts = [Drafted?](repeating: nil, count: slices)
            for await (index, part) in group { parts[index] = part }
            return parts
        }
        var drafted = first
        for part in parts {
            guard let part else { return nil }
            drafted.drafts += part.drafts
            drafted.refused += part.refused
        }
        return drafted
    }

    /// A row's invitation with the row's result: the result first, so a row that has one
    /// already (another worker's) stops there, before its rules are asked.
    private func plan(_ row: PendingRow, _ draft: InvitationService.Draft, service: InvitationService) -> PlannedWrite {
        var plan = Self.createdResult(row.id, invitationId: draft.invitation.id!)
        plan.append(service.plan(draft))
        return plan
    }

    /// SQLite: the batch as one group of the group committer — one transaction, each row in its
    /// own savepoint, run on the committer's thread. The rows its rules refused get their results
    /// in a second transaction: a refused row wrote nothing, so if the process dies between the
    /// two it runs again and is refused again. Returns the rows to run one by one (a constraint
    /// refused them: an invitation created for the same email at the same moment).
    private func writeGroup(
        _ drafts: [(row: PendingRow, draft: InvitationService.Draft)], refused: [(row: PendingRow, error: UsherError)],
        service: InvitationService, groupCommit: SQLiteGroupCommit
    ) async throws -> [PendingRow] {
        var plans = refused.map { Self.refusalPlan($0.error, row: $0.row.id) }
        for (row, draft) in drafts {
            var plan = plan(row, draft, service: service)
            if let afterWritingRow {
                // Inside the row's savepoint, after its writes (SQLite runs a plan's steps in order).
                let rowNo = row.row_no
                plan.read(PlannedStatement("SELECT 1")) { _ in
                    try afterWritingRow(rowNo)
                    return []
                }
            }
            plans.append(plan)
        }
        let outcomes = try await db.commit(plans, groupCommit: groupCommit)
        var retry: [PendingRow] = []
        var refusals: [(row: PendingRow, plan: PlannedWrite)] = []
        for (row, outcome) in zip(refused.map(\.row) + drafts.map(\.row), outcomes) {
            switch outcome {
            case .success: break
            case .failure(is AlreadyDone): break  // another worker gave the row its result: it stays so
            case .failure(let error as UsherError): refusals.append((row, Self.refusalPlan(error, row: row.id)))
            case .failure: retry.append(row)
            }
        }
        if !refusals.isEmpty {
            let recorded = try await db.commit(refusals.map(\.plan), groupCommit: groupCommit)
            for (refusal, outcome) in zip(refusals, recorded) {
                if case .failure = outcome { retry.append(refusal.row) }
            }
        }
        return retry.sorted { $0.row_no < $1.row_no }
    }

    /// One transaction for the batch, each row in a savepoint, its plan's writes one statement:
    /// SQLite without a group committer, and PostgreSQL's batch when its one statement failed.
    /// Returns the rows to run one by one.
    private func writeTransaction(
        _ drafts: [(row: PendingRow, draft: InvitationService.Draft)], refused: [(row: PendingRow, error: UsherError)],
        service: InvitationService
    ) async throws -> [PendingRow] {
        try await db.write { tx in
            for (row, error) in refused { try await tx.sql.run(Self.refusalPlan(error, row: row.id)) }
            return try await writeRows(drafts, on: tx, service: service)
        }
    }

    /// Rows in `tx`, each in its own savepoint: whatever a refused row wrote is undone without
    /// touching the rows before it (SPEC: each row is its own transaction).
    func writeRows(
        _ drafts: [(row: PendingRow, draft: InvitationService.Draft)], on tx: any Database, service: InvitationService
    ) async throws -> [PendingRow] {
        var retry: [PendingRow] = []
        for (row, draft) in drafts {
            try await tx.sql.raw("SAVEPOINT bulk_row").run()
            do {
                try await tx.sql.run(plan(row, draft, service: service))
                try afterWritingRow?(row.row_no)
            } catch let error as UsherError {
                try await tx.sql.raw("ROLLBACK TO SAVEPOINT bulk_row").run()
                try await tx.sql.run(Self.refusalPlan(error, row: row.id))
            } catch is AlreadyDone {
                // Another worker gave this row its result meanwhile: it stays as that one left it.
                try await tx.sql.raw("ROLLBACK TO SAVEPOINT bulk_row").run()
            } catch {
                // A constraint (the same email invited at this moment): the row alone runs again.
                try await tx.sql.raw("ROLLBACK TO SAVEPOINT bulk_row").run()
                retry.append(row)
            }
            try await tx.sql.raw("RELEASE SAVEPOINT bulk_row").run()
        }
        return retry
    }

    private func runOneByOne(_ rows: [PendingRow], job: JobRow, by actor: Actor) async throws {
        for row in rows { try await run(row, job: job, by: actor) }
    }

    /// The row's result "created", only if it has none yet; `AlreadyDone` (which rolls its
    /// savepoint or transaction back) when another worker gave it one.
    private static func createdResult(_ rowId: UUID, invitationId: UUID) -> PlannedWrite {
        var plan = PlannedWrite()
        plan.read(
            PlannedStatement(
                "UPDATE bulk_job_rows SET outcome = ?, invitation_id = ? WHERE id = ? AND outcome IS NULL RETURNING id",
                [BulkJobRowView.Outcome.created.rawValue, invitationId.idString, rowId])
        ) { updated in
            if updated.isEmpty { throw AlreadyDone() }
            return []
        }
        return plan
    }

    /// A refused row's result, unless it has one (another worker's).
    private static func refusalPlan(_ error: UsherError, row rowId: UUID) -> PlannedWrite { BulkRowResult(error, row: rowId).plan }

    private func run(_ row: PendingRow, job: JobRow, by actor: Actor) async throws {
        let rowId = row.id
        let store = job.store
        do {
            let request = try Self.request(row)
            _ = try await InvitationService(db: db, context: context).create(
                store: store, request, by: actor, emailDue: emailDue(row, job: job)
            ) { tx, invitationId in
                try await tx.sql.run(Self.createdResult(rowId, invitationId: invitationId))
            }
        } catch is AlreadyDone {
            return
        } catch let error as UsherError {
            try await db.writeStatement { sql in try await sql.run(Self.refusalPlan(error, row: rowId)) }
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
