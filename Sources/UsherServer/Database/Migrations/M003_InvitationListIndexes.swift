import Fluent
import SQLKit

/// Indexes for the invitation list's filters on a large store (docs/performance.md).
///
/// - `status=PENDING|EXPIRED` splits pending invitations at `valid_until`: with it in the index,
///   counting the matches (up to the cap) reads the index alone instead of every row.
/// - `clientId=` had no index: the page and its count walked the table.
struct M003_InvitationListIndexes: AsyncMigration {
    var name: String { "M003_InvitationListIndexes" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.raw("CREATE INDEX invitations_store_status_valid ON invitations (store, status, valid_until)").run()
        try await sql.raw("CREATE INDEX invitations_store_client_created ON invitations (store, client_id, created_at, id)").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.raw("DROP INDEX invitations_store_status_valid").run()
        try await sql.raw("DROP INDEX invitations_store_client_created").run()
    }
}
