import Fluent

/// The answers to requests sent with an `Idempotency-Key` (SPEC: Beyond the seed, Idempotency),
/// one per key and scope, kept for 24 hours.
struct M011_IdempotencyKeys: AsyncMigration {
    var name: String { "M011_IdempotencyKeys" }

    func prepare(on database: any Database) async throws {
        try await database.schema("idempotency_keys")
            .id()
            .field("scope", .string, .required)
            .field("idem_key", .string, .required)
            .field("fingerprint", .string, .required)
            .field("state", .string, .required)
            .field("response_status", .int)
            .field("response_body", .string)
            .field("response_location", .string)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .unique(on: "scope", "idem_key", name: "idempotency_keys_scope_key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("idempotency_keys").delete()
    }
}
