import Fluent
import Foundation

/// Bulk invitation jobs (SPEC: Bulk, issue 17): the job, and each row's input and result. A row
/// without an outcome is still to do; its outcome is written in the transaction that creates its
/// invitation, so a job resumed after a crash never creates a row twice.
struct M016_BulkJobs: AsyncMigration {
    var name: String { "M016_BulkJobs" }

    func prepare(on database: any Database) async throws {
        try await database.schema("bulk_jobs")
            .field("id", .uuid, .identifier(auto: false))
            .field("store", .string, .required)
            .field("status", .string, .required)
            .field("total", .int, .required)
            .field("actor_kind", .string, .required)
            .field("actor_id", .string, .required)
            .field("actor_name", .string, .required)
            .field("created_at", .datetime, .required)
            .field("finished_at", .datetime)
            .field("lease_owner", .string)
            .field("lease_until", .datetime)
            .create()
        try await database.schema("bulk_job_rows")
            .field("id", .uuid, .identifier(auto: false))
            .field("job_id", .uuid, .required, .references("bulk_jobs", "id", onDelete: .cascade))
            .field("row_no", .int, .required)
            .field("email", .string, .required)
            .field("input", .string, .required)
            .field("outcome", .string)
            .field("invitation_id", .string)
            .field("conflicting_id", .string)
            .field("problem", .string)
            .unique(on: "job_id", "row_no")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("bulk_job_rows").delete()
        try await database.schema("bulk_jobs").delete()
    }
}
