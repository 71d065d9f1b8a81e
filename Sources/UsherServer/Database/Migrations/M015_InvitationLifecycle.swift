import Fluent
import Foundation
import SQLKit
import UsherCore

/// The invitation's life after it is sent (SPEC: Lifecycle, issue 19): when its form was first
/// shown, the reminders sent, when it turned EXPIRED (once), a renewal request from its expired
/// link, and its link token sealed with the server's key so that a reminder can carry the same
/// link as the original email. The policy gains the reminder schedule and the expiry notice.
struct M015_InvitationLifecycle: AsyncMigration {
    var name: String { "M015_InvitationLifecycle" }

    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds one column per ALTER TABLE.
        for (column, type) in [
            ("opened_at", DatabaseSchema.DataType.datetime), ("reminders_sent", .int), ("expired_at", .datetime),
            ("renewal_requested_at", .datetime), ("link_secret", .string),
        ] {
            try await database.schema("invitations").field(.definition(name: .key(.string(column)), dataType: type, constraints: []))
                .update()
        }
        try await database.schema("self_service_policies").field("reminder_hours", .string).update()
        try await database.schema("self_service_policies").field("notify_inviter_on_expiry", .bool).update()
        // Invitations already expired when this runs count as having turned EXPIRED already:
        // no burst of notices about old invitations on upgrade.
        try await database.sql.raw(
            "UPDATE invitations SET expired_at = valid_until WHERE status = \(InvitationStatus.pending) AND valid_until <= \(bind: Date())"
        ).run()
    }

    func revert(on database: any Database) async throws {
        for column in ["opened_at", "reminders_sent", "expired_at", "renewal_requested_at", "link_secret"] {
            try await database.schema("invitations").deleteField(.key(.string(column))).update()
        }
        try await database.schema("self_service_policies").deleteField("reminder_hours").update()
        try await database.schema("self_service_policies").deleteField("notify_inviter_on_expiry").update()
    }
}
