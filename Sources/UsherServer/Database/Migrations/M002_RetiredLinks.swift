import Fluent
import Foundation

/// Remembers the hashes of invitation links that were revoked or replaced by a resend, so that
/// the page behind a dead link can say which it is (SPEC: the invitee's journey, step 6).
struct M002_RetiredLinks: AsyncMigration {
    var name: String { "M002_RetiredLinks" }

    func prepare(on database: any Database) async throws {
        try await database.schema("retired_invitation_links")
            .field("token_hash", .string, .identifier(auto: false))
            .field("reason", .string, .required)
            .field("invitation_id", .uuid, .required)
            .field("retired_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("retired_invitation_links").delete()
    }
}

final class RetiredLinkModel: Model, @unchecked Sendable {
    static let schema = "retired_invitation_links"

    @ID(custom: "token_hash", generatedBy: .user) var id: String?
    /// revoked, replaced.
    @Field(key: "reason") var reason: String
    @Field(key: "invitation_id") var invitationId: UUID
    @Field(key: "retired_at") var retiredAt: Date

    init() {}

    init(tokenHash: String, reason: String, invitationId: UUID, at: Date) {
        self.id = tokenHash
        self.reason = reason
        self.invitationId = invitationId
        self.retiredAt = at
    }
}
