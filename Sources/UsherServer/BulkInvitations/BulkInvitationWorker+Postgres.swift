import Fluent
import Foundation
import SQLKit
import UsherCore

/// PostgreSQL: a batch's rows in a handful of statements instead of a savepoint and about five
/// round trips per row (issue 17: 399 rows/s that way, docs/performance.md). In one transaction:
///
/// 1. the batch's rows that have no result yet, locked (`FOR UPDATE`): another worker on the job
///    waits for this commit, then finds them done — a row is never created twice;
/// 2. every row's plan's reads (`InvitationService.plan`) in one statement per kind of read
///    (`BulkBatchReads`), and each row's own rules answer from its rows in Swift, in row order —
///    the same closures, so the same refusals as the row-by-row path;
/// 3. the event log's lock (`EventLog`), then one statement with a multi-row `INSERT` per table
///    and every row's result (`BulkBatchWrites`).
///
/// Reads are answered before any row writes, so a row cannot see an earlier row of its batch:
/// a later row whose email an earlier row of the batch has runs after the batch statement, in
/// the same transaction, through the savepoint path (`writeRows`), where it sees the earlier
/// row's invitation and is answered as the sequential path answers it (a conflict with that id).
/// If the batch statement fails (a constraint: an invitation for the same email created at
/// this moment), the transaction rolls back whole and the caller runs the batch through the
/// savepoint path, which answers each row alone.
extension BulkInvitationWorker {
    /// A plan step this path cannot merge (an event append of another shape): the batch goes
    /// the savepoint way.
    struct NotBatchable: Error {}

    func writeBatch(
        _ drafts: [(row: PendingRow, draft: InvitationService.Draft)], refused: [(row: PendingRow, error: UsherError)],
        service: InvitationService
    ) async throws -> [PendingRow] {
        try await db.write { tx in
            let sql = tx.sql
            let ids = refused.map(\.row.id) + drafts.map(\.row.id)
            let open = Set(
                try await sql.raw(
                    "SELECT id FROM bulk_job_rows WHERE id IN (\(binds: ids)) AND outcome IS NULL ORDER BY id FOR UPDATE"
                ).all().map { try $0.decode(column: "id", as: UUID.self) })
            var results = refused.filter { open.contains($0.row.id) }.map { BulkRowResult($0.error, row: $0.row.id) }
            var batch: [(row: PendingRow, draft: InvitationService.Draft, plan: PlannedWrite)] = []
            var later: [(row: PendingRow, draft: InvitationService.Draft)] = []
            var emails = Set<String>()
            for (row, draft) in drafts where open.contains(row.id) {
                if emails.insert(draft.invitation.store + "\u{0}" + draft.invitation.emailKey).inserted {
                    batch.append((row, draft, service.plan(draft)))
                } else {
                    later.append((row, draft))
                }
            }
            let answers = try await BulkBatchReads.answer(batch.map(\.plan), on: sql)
            var writes: [[PlannedStatement]] = []
            var retry: [PendingRow] = []
            var appendsEvents = false
            for (index, (row, draft, plan)) in batch.enumerated() {
                do {
                    var rowWrites: [PlannedStatement] = []
                    for (step, kind) in plan.steps.enumerated() {
                        switch kind {
                        case .run(let statement): rowWrites.append(statement)
                        case .read(_, let then): rowWrites += try then(answers[index][step] ?? [])
                        case .perDialect(let sqlite, let postgres):
                            // The event log's append: its lock once for the batch, before the statement.
                            guard postgres.sql.contains("pg_advisory_xact_lock(\(EventLog.appendLockKey))") else { throw NotBatchable() }
                            rowWrites.append(sqlite)
                            appendsEvents = true
                        }
                    }
                    try afterWritingRow?(row.row_no)
                    writes.append(rowWrites)
                    results.append(.created(row.id, invitationId: draft.invitation.id!))
                } catch let error as UsherError {
                    results.append(BulkRowResult(error, row: row.id))
                } catch let error as NotBatchable {
                    throw error
                } catch {
                    // As the savepoint path does: the row alone runs again after the batch.
                    retry.append(row)
                }
            }
            try await beforeBatchWrites?()
            if appendsEvents {
                try await sql.raw("SELECT pg_advisory_xact_lock(\(bind: EventLog.appendLockKey))").run()
            }
            for statement in BulkBatchWrites.statements(writes, results: results) { try await sql.raw(statement.query).run() }
            retry += try await writeRows(later, on: tx, service: service)
            return retry
        }
    }
}

/// The reads of many plans in few statements: reads with the same SQL text go in one statement
/// (`lateral`, each read's rows tagged with its place), and a read that is the same for every plan (the same SQL and
/// values: the webhook endpoints) is run once. Each plan gets, per step, the rows its read
/// would have returned alone.
enum BulkBatchReads {
    static func answer(_ plans: [PlannedWrite], on sql: any SQLDatabase) async throws -> [[Int: [any SQLRow]]] {
        struct Read {
            var statement: PlannedStatement
            var places: [(plan: Int, step: Int)]
        }
        var kinds: [String: [Data: Read]] = [:]
        var order: [String: [Data]] = [:]
        var texts: [String] = []
        for (planIndex, plan) in plans.enumerated() {
            for (step, kind) in plan.steps.enumerated() {
                guard case .read(let statement, _) = kind else { continue }
                let key = try JSONEncoder().encode(Values(statement.binds))
                if kinds[statement.sql] == nil {
                    texts.append(statement.sql)
                    kinds[statement.sql] = [:]
                }
                if kinds[statement.sql]![key] == nil {
                    kinds[statement.sql]![key] = Read(statement: statement, places: [])
                    order[statement.sql, default: []].append(key)
                }
                kinds[statement.sql]![key]!.places.append((planIndex, step))
            }
        }
        var answers = [[Int: [any SQLRow]]](repeating: [:], count: plans.count)
        for text in texts {
            let reads = order[text]!.map { kinds[text]![$0]! }
            let rows: [[any SQLRow]]
            if reads.count == 1 {
                rows = [try await sql.raw(reads[0].statement.query).all()]
            } else if let values = reads.first?.statement.binds.count, values > 0,
                text.trimmingCharacters(in: .whitespacesAndNewlines).uppercased().hasPrefix("SELECT")
            {
                var tagged = [[any SQLRow]](repeating: [], count: reads.count)
                for row in try await sql.raw(lateral(text, values: values, reads.map(\.statement)).query).all() {
                    tagged[try row.decode(column: "bulk_read", as: Int.self)].append(row)
                }
                rows = tagged
            } else {
                var each: [[any SQLRow]] = []
                for read in reads { each.append(try await sql.raw(read.statement.query).all()) }
                rows = each
            }
            for (read, found) in zip(reads, rows) {
                for place in read.places { answers[place.plan][place.step] = found }
            }
        }
        return answers
    }

    /// Reads of one text as one statement: each read's values a row of a `VALUES` list, the text
    /// run for each (`LATERAL`) with its `?`s naming that row's columns. PostgreSQL plans the text
    /// once (a `UNION ALL` of a hundred copies took 50–140 ms to plan and run, this 1–2 ms).
    static func lateral(_ text: String, values: Int, _ reads: [PlannedStatement]) -> PlannedStatement {
        var each = ""
        for (index, part) in text.split(separator: "?", omittingEmptySubsequences: false).enumerated() {
            if index > 0 { each += "v.p\(index - 1)" }
            each += part
        }
        let marks = Array(repeating: "?", count: values).joined(separator: ", ")
        let rows = reads.indices.map { "(\($0), \(marks))" }.joined(separator: ", ")
        let columns = (0..<values).map { "p\($0)" }.joined(separator: ", ")
        return PlannedStatement(
            "SELECT v.bulk_read, r.* FROM (VALUES \(rows)) AS v (bulk_read, \(columns)) CROSS JOIN LATERAL (\(each)) AS r",
            reads.flatMap(\.binds))
    }

    /// A statement's values as a comparable key.
    private struct Values: Encodable {
        var values: [any Encodable & Sendable]
        init(_ values: [any Encodable & Sendable]) { self.values = values }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.unkeyedContainer()
            for value in values { try container.encode(value) }
        }
    }
}
