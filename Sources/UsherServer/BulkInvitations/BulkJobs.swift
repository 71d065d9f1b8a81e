import CSV
import Fluent
import Foundation
import SQLKit
import UsherCore

/// Reading bulk jobs: progress, per-row results, and the results as CSV.
struct BulkJobs {
    let db: any Database

    private struct JobRow: Decodable {
        var id: UUID
        var store: String
        var status: String
        var total: Int
        var created_at: Date
        var finished_at: Date?
    }

    private struct ResultRow: Decodable {
        var row_no: Int
        var email: String
        var outcome: String?
        var invitation_id: String?
        var conflicting_id: String?
        var problem: String?
    }

    func view(store: String, id: UUID, withRows: Bool) async throws -> BulkJobView {
        guard
            let job = try await db.sql.raw(
                "SELECT id, store, status, total, created_at, finished_at FROM bulk_jobs WHERE id = \(bind: id) AND store = \(bind: store)"
            ).first(decoding: JobRow.self)
        else { throw UsherError.notFound("bulkJob", id.idString) }
        var view = BulkJobView(
            id: job.id.idString, status: BulkJobView.Status(rawValue: job.status) ?? .RUNNING, total: job.total, processed: 0, created: 0,
            conflicts: 0, errors: 0, createdAt: job.created_at, finishedAt: job.finished_at)
        let counts = try await db.sql.raw(
            "SELECT outcome, COUNT(*) AS n FROM bulk_job_rows WHERE job_id = \(bind: id) AND outcome IS NOT NULL GROUP BY outcome"
        ).all()
        for row in counts {
            let n = try row.decode(column: "n", as: Int.self)
            switch BulkJobRowView.Outcome(rawValue: try row.decode(column: "outcome", as: String.self)) {
            case .created: view.created = n
            case .conflict: view.conflicts = n
            case .error: view.errors = n
            case nil: break
            }
            view.processed += n
        }
        if withRows && view.status == .DONE { view.rows = try await rows(id) }
        return view
    }

    func rows(_ id: UUID) async throws -> [BulkJobRowView] {
        try await db.sql.raw(
            """
            SELECT row_no, email, outcome, invitation_id, conflicting_id, problem FROM bulk_job_rows
            WHERE job_id = \(bind: id) ORDER BY row_no
            """
        ).all(decoding: ResultRow.self).map {
            BulkJobRowView(
                row: $0.row_no, email: $0.email, outcome: $0.outcome.flatMap(BulkJobRowView.Outcome.init), invitationId: $0.invitation_id,
                conflictingId: $0.conflicting_id, error: BulkRowProblem.from(json: $0.problem))
        }
    }

    /// `row,email,outcome,invitationId,conflictingId,errorKey,error` (RFC 4180, UTF-8).
    func resultsCSV(store: String, id: UUID) async throws -> String {
        _ = try await view(store: store, id: id, withRows: false)
        let stream = OutputStream(toMemory: ())
        let writer = try CSVWriter(stream: stream, newline: .crlf)
        try writer.write(row: ["row", "email", "outcome", "invitationId", "conflictingId", "errorKey", "error"])
        for row in try await rows(id) {
            writer.beginNewRow()
            try writer.write(row: [
                String(row.row), row.email, row.outcome?.rawValue ?? "pending", row.invitationId ?? "", row.conflictingId ?? "",
                row.error?.errorKey ?? "", row.error?.reason ?? "",
            ])
        }
        writer.stream.close()
        let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        return String(decoding: data, as: UTF8.self) + "\r\n"
    }
}
