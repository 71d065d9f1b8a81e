import Fluent

/// Issue 23: the self-service policy's `options.registration.requireVerifiedEmail`; nil = the
/// default, false (accounts with an unverified email may sign in; the ID token says so).
struct M017_RequireVerifiedEmail: AsyncMigration {
    var name: String { "M017_RequireVerifiedEmail" }

    func prepare(on database: any Database) async throws {
        try await database.schema("self_service_policies").field("require_verified_email", .bool).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("self_service_policies").deleteField("require_verified_email").update()
    }
}
