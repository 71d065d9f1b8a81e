import Fluent
import Foundation
import SQLKit
import UsherCore

/// An email ready to be queued.
struct ComposedEmail: Sendable {
    var to: String
    var toName: String?
    var subject: String
    var text: String
    var html: String
    var language: String
}

enum OutboxStatus: String, Sendable {
    case queued, sending, sent, failed, cancelled
}

/// The transactional outbox: emails are rows written in the same transaction as the change
/// that causes them, so an invitation never exists without its email, nor an email without
/// its invitation. The OutboxWorker delivers them.
enum Outbox {
    static func message(_ email: ComposedEmail, invitationId: UUID?, store: String?, retryPeriod: TimeInterval, now: Date) -> OutboxMessageModel {
        let m = OutboxMessageModel()
        m.id = UUID()
        m.kind = "invitation"
        m.invitationId = invitationId
        m.store = store
        m.recipient = email.to
        m.recipientName = email.toName
        m.subject = email.subject
        m.textBody = email.text
        m.htmlBody = email.html
        m.language = email.language
        m.messageId = "<\(m.id!.idString)@usher>"
        m.status = OutboxStatus.queued.rawValue
        m.attempts = 0
        m.nextAttemptAt = now
        m.createdAt = now
        m.giveUpAt = now.addingTimeInterval(retryPeriod)
        return m
    }

    /// Stops queued emails of an invitation from going out (a resend or revoke made their link dead).
    static func cancelQueued(invitationId: UUID, reason: String, on tx: any Database) async throws {
        try await tx.sql.raw("""
            UPDATE outbox SET status = 'cancelled', last_error = \(bind: reason)
            WHERE invitation_id = \(bind: invitationId) AND status = 'queued'
            """).run()
    }
}
