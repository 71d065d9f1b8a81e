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
    /// The row of one email. `linkToken`, the secret part of the email's link, is not kept in
    /// its text: it is sealed apart and put back at send time (see `OutboxLinkSealer`).
    /// An email to queue. `linkToken` (nil: an email with no secret link, such as a notice to an
    /// administrator) is hidden in the stored text and kept sealed for the worker.
    static func message(
        _ email: ComposedEmail, linkToken: String?, sealer: OutboxLinkSealer, invitationId: UUID?, store: String?,
        retryPeriod: TimeInterval,
        now: Date, kind: String = "invitation", due: Date? = nil
    ) throws -> OutboxMessageModel {
        let m = OutboxMessageModel()
        let id = UUID()
        m.id = id
        m.kind = kind
        m.invitationId = invitationId
        m.store = store
        m.recipient = email.to
        m.recipientName = email.toName
        if let linkToken {
            let hidden = OutboxLink.hide(linkToken, in: email, messageId: id)
            m.subject = hidden.subject
            m.textBody = hidden.text
            m.htmlBody = hidden.html
            m.linkSecret = try sealer.seal(token: linkToken, messageId: id)
        } else {
            m.subject = email.subject
            m.textBody = email.text
            m.htmlBody = email.html
        }
        m.language = email.language
        m.messageId = "<\(m.id!.idString)@usher>"
        m.status = OutboxStatus.queued.rawValue
        m.attempts = 0
        // A paced email (a bulk job's) is due later; its retry period starts then.
        let dueAt = max(now, due ?? now)
        m.nextAttemptAt = dueAt
        m.createdAt = now
        m.giveUpAt = dueAt.addingTimeInterval(retryPeriod)
        return m
    }

    /// Stops queued emails of an invitation from going out (a resend or revoke made their link
    /// dead), and forgets the sealed link of every email it had so far.
    static func cancelQueued(invitationId: UUID, reason: String, on tx: any Database) async throws {
        try await tx.sql.raw(
            """
            UPDATE outbox SET status = \(OutboxStatus.cancelled), last_error = \(bind: reason)
            WHERE invitation_id = \(bind: invitationId) AND status = \(OutboxStatus.queued)
            """
        ).run()
        try await forgetLinks(invitationId: invitationId, on: tx)
    }

    /// Security: a dead link need not be kept, even sealed.
    static func forgetLinks(invitationId: UUID, on tx: any Database) async throws {
        try await tx.sql.raw("UPDATE outbox SET link_secret = NULL WHERE invitation_id = \(bind: invitationId) AND link_secret IS NOT NULL")
            .run()
    }

    /// Security: drops every sealed link no email needs any more — failed or cancelled emails,
    /// those whose invitation was accepted, revoked or has expired, and sent ones of no
    /// invitation. (Sent ones lose theirs when sent, except in the local mailbox, where reading
    /// the email is the delivery.) An email of no invitation (an email verification) keeps its
    /// link until it is sent — or, in the local mailbox, a password reset or verification link for
    /// as long as such a link can live (SelfServiceLinks). The email worker's periodic sweep runs this.
    @discardableResult
    static func dropDeadLinks(now: Date, on db: any Database) async throws -> Int {
        struct Row: Decodable { var id: UUID }
        return try await db.writeStatement { sql in
            try await sql.raw(
                """
                UPDATE outbox SET link_secret = NULL
                WHERE link_secret IS NOT NULL AND (status IN (\(OutboxStatus.failed), \(OutboxStatus.cancelled))
                  OR (invitation_id IS NULL AND status = \(OutboxStatus.sent) AND (transport IS NULL OR transport <> \(bind: LocalMailbox().name)
                    OR kind NOT IN (\(bind: SelfServiceLinks.kinds[0]), \(bind: SelfServiceLinks.kinds[1]))
                    OR created_at < \(bind: now.addingTimeInterval(-SelfServiceLinks.keptInMailbox))))
                  OR (invitation_id IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM invitations i WHERE i.id = outbox.invitation_id AND i.status = \(InvitationStatus.pending) AND i.valid_until > \(bind: now))))
                RETURNING id
                """
            ).all(decoding: Row.self).count
        }
    }
}
