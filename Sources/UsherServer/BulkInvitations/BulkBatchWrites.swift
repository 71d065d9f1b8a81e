import Foundation
import UsherCore

/// A row's result as `bulk_job_rows` records it: created with its invitation, a conflict with
/// the pending invitation's id (SPEC rule 7), or an error with its problem.
struct BulkRowResult: Sendable {
    var row: UUID
    var outcome: BulkJobRowView.Outcome
    var invitationId: String?
    var conflictingId: String?
    var problem: String?

    static func created(_ row: UUID, invitationId: UUID) -> BulkRowResult {
        BulkRowResult(row: row, outcome: .created, invitationId: invitationId.idString)
    }

    /// A refused row: a pending duplicate is a conflict with its id, anything else an error.
    init(_ error: UsherError, row: UUID) {
        let conflict = error.status == 409 && error.conflictingId != nil
        self.init(
            row: row, outcome: conflict ? .conflict : .error, conflictingId: conflict ? error.conflictingId : nil,
            problem: conflict ? nil : BulkRowProblem(error).json)
    }

    /// The result alone, only if the row has none yet (the row-by-row path's statement).
    var plan: PlannedWrite {
        var plan = PlannedWrite()
        plan.run(
            PlannedStatement(
                "UPDATE bulk_job_rows SET outcome = ?, invitation_id = ?, conflicting_id = ?, problem = ? WHERE id = ? AND outcome IS NULL",
                [outcome.rawValue, invitationId, conflictingId, problem, row]))
        return plan
    }

    init(row: UUID, outcome: BulkJobRowView.Outcome, invitationId: String? = nil, conflictingId: String? = nil, problem: String? = nil) {
        self.row = row
        self.outcome = outcome
        self.invitationId = invitationId
        self.conflictingId = conflictingId
        self.problem = problem
    }
}

/// PostgreSQL: the writes of a batch's rows as few statements — the rows' inserts into one table
/// as one multi-row `INSERT`, all of them and every row's result as one statement (data-modifying
/// `WITH`, `PlannedStatement.together`): constraints are checked at its end, so one refused insert
/// fails the whole statement (the caller then runs the batch row by row).
enum BulkBatchWrites {
    /// At most this many values in one statement (PostgreSQL takes 65,535): a large batch, or
    /// many webhook endpoints, splits into several statements of whole rows.
    static let maxBinds = 30_000

    /// `writes`: each created row's statements, in row order. The results go in the last statement.
    static func statements(_ writes: [[PlannedStatement]], results: [BulkRowResult]) -> [PlannedStatement] {
        var chunks: [[PlannedStatement]] = [[]]
        var binds = 0
        for rowWrites in writes {
            let count = rowWrites.reduce(0) { $0 + $1.binds.count }
            if binds + count > maxBinds, !chunks[chunks.count - 1].isEmpty {
                chunks.append([])
                binds = 0
            }
            chunks[chunks.count - 1] += rowWrites
            binds += count
        }
        var statements = chunks.map(merge)
        if !results.isEmpty { statements[statements.count - 1].append(resultsStatement(results)) }
        return statements.filter { !$0.isEmpty }.map(PlannedStatement.together)
    }

    /// Inserts with the same text become one multi-row insert, in the order each text first
    /// appears; any other statement stays as it is.
    static func merge(_ statements: [PlannedStatement]) -> [PlannedStatement] {
        var merged: [PlannedStatement] = []
        var place: [String: Int] = [:]
        for statement in statements {
            guard let tuple = valuesTuple(statement.sql) else {
                merged.append(statement)
                continue
            }
            if let index = place[statement.sql] {
                merged[index].sql += ", " + tuple
                merged[index].binds += statement.binds
            } else {
                place[statement.sql] = merged.count
                merged.append(statement)
            }
        }
        return merged
    }

    /// `(?, …)` of an `INSERT INTO … VALUES (?, …)` that ends with its one row of values.
    static func valuesTuple(_ sql: String) -> String? {
        guard sql.hasPrefix("INSERT INTO "), let values = sql.range(of: "VALUES", options: .backwards) else { return nil }
        let tuple = sql[values.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
        guard tuple.first == "(", tuple.last == ")" else { return nil }
        // The first parenthesis closes at the end: one row, nothing after it.
        var depth = 0
        for (offset, character) in tuple.enumerated() {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if depth == 0, offset != tuple.count - 1 { return nil }
        }
        return depth == 0 ? tuple : nil
    }

    /// Every row's result in one `UPDATE … FROM (VALUES …)`, only where the row has none yet
    /// (the batch locked its rows, so none has: a guard, as the row-by-row statements have it).
    static func resultsStatement(_ results: [BulkRowResult]) -> PlannedStatement {
        let row = "(CAST(? AS uuid), CAST(? AS text), CAST(? AS text), CAST(? AS text), CAST(? AS text))"
        return PlannedStatement(
            """
            UPDATE bulk_job_rows AS b SET outcome = v.outcome, invitation_id = v.invitation_id,
              conflicting_id = v.conflicting_id, problem = v.problem
            FROM (VALUES \(Array(repeating: row, count: results.count).joined(separator: ", ")))
              AS v (id, outcome, invitation_id, conflicting_id, problem)
            WHERE b.id = v.id AND b.outcome IS NULL
            """,
            results.flatMap { result -> [any Encodable & Sendable] in
                [result.row, result.outcome.rawValue, result.invitationId, result.conflictingId, result.problem]
            })
    }
}
