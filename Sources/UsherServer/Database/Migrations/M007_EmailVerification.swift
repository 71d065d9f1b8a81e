import Fluent
import SQLKit

/// Email verification (issue 23) and sign-up without enumeration (issue 14, item 14).
///
/// - `email_verifications`: one row per link sent. Only the SHA-256 of the link's token is
///   kept; `used_at` makes it single use, `expires_at` (24 hours) makes it short-lived.
/// - `accounts.pending_email`: an address an invitee chose instead of the invited one. It is
///   not the account's email (no `email_key`, so it reserves nothing and answers no sign-in)
///   until its owner follows the verification link and it is still free at that moment.
struct M007_EmailVerification: AsyncMigration {
    var name: String { "M007_EmailVerification" }

    func prepare(on database: any Database) async throws {
        try await database.schema("email_verifications")
            .field("token_hash", .string, .identifier(auto: false))
            .field("account_id", .uuid, .required, .references("accounts", "id", onDelete: .cascade))
            .field("store", .string, .required)
            .field("email", .string, .required)
            .field("email_key", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .create()
        try await database.sql.raw("CREATE INDEX email_verifications_account ON email_verifications (account_id)").run()
        try await database.schema("accounts").field("pending_email", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("accounts").deleteField("pending_email").update()
        try await database.schema("email_verifications").delete()
    }
}
