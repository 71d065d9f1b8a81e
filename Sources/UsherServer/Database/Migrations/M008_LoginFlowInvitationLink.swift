import Fluent

/// A sign-up flow remembers the hash of the link it was opened with, so that a resend (which
/// retires that link) also retires the form already open in a browser (issue 14 item 11).
struct M008_LoginFlowInvitationLink: AsyncMigration {
    var name: String { "M008_LoginFlowInvitationLink" }

    func prepare(on database: any Database) async throws {
        try await database.schema("login_flows").field("invitation_link_hash", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("login_flows").deleteField("invitation_link_hash").update()
    }
}
