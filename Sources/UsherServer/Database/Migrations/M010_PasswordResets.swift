import Fluent
import SQLKit

/// Forgotten passwords (issue 23): one row per reset link sent. Only the SHA-256 of the link's
/// token is kept; `used_at` makes it single use, `expires_at` (30 minutes) short-lived. The
/// client and sign-in flow it was asked from let the reset end where the customer started.
struct M010_PasswordResets: AsyncMigration {
    var name: String { "M010_PasswordResets" }

    func prepare(on database: any Database) async throws {
        try await database.schema("password_resets")
            .field("token_hash", .string, .identifier(auto: false))
            .field("account_id", .uuid, .required, .references("accounts", "id", onDelete: .cascade))
            .field("store", .string, .required)
            .field("client_id", .string)
            .field("flow_id", .string)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .create()
        try await database.sql.raw("CREATE INDEX password_resets_account ON password_resets (account_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("password_resets").delete()
    }
}
