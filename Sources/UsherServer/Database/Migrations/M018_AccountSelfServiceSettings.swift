import Fluent

/// Issue 23, the rest of the account page:
///
/// - `identity_stores.account_deletion`: whether the store's customers may delete their own
///   account on `/account` (the store's `selfService.accountDeletion`); nil = the default, on.
/// - `sessions.client_id`: the OIDC client a customer session was started for (sign-in, sign-up,
///   reset through an application's authorization request), so the account page follows that
///   application's self-service policy; nil = started without one (the default policy applies).
struct M018_AccountSelfServiceSettings: AsyncMigration {
    var name: String { "M018_AccountSelfServiceSettings" }

    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds one column per ALTER TABLE.
        try await database.schema("identity_stores").field("account_deletion", .bool).update()
        try await database.schema("sessions").field("client_id", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("sessions").deleteField("client_id").update()
        try await database.schema("identity_stores").deleteField("account_deletion").update()
    }
}
