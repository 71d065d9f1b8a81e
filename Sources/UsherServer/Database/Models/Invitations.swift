import Fluent
import Foundation
import SQLKit

final class InvitationModel: Model, @unchecked Sendable {
    static let schema = "invitations"

    @ID(key: .id) var id: UUID?
    @Field(key: "store") var store: String
    @Field(key: "application_id") var applicationId: UUID
    @Field(key: "client_id") var clientId: String
    @Field(key: "email") var email: String
    @Field(key: "email_key") var emailKey: String
    /// JSON array of group ids (strings).
    @Field(key: "groups") var groups: String
    /// JSON object: the prefilled profile and free metadata.
    @Field(key: "metadata") var metadata: String
    @Field(key: "language") var language: String
    /// PENDING or DONE; EXPIRED is derived from `valid_until` (SPEC rule 9).
    @Field(key: "status") var status: String
    /// SHA-256 of the link token. The token itself is never stored.
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "sent_at") var sentAt: Date
    @Field(key: "valid_until") var validUntil: Date
    @Field(key: "send_count") var sendCount: Int
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "accepted_at") var acceptedAt: Date?
    @OptionalField(key: "account_id") var accountId: UUID?
    @OptionalField(key: "last_email_id") var lastEmailId: UUID?
    /// The organization the account joins on acceptance (M009); nil = non-organizational.
    @OptionalField(key: "organization_id") var organizationId: UUID?
    /// JSON array of the role ids it gets there (M009).
    @OptionalField(key: "roles") var roles: String?
    /// The lifecycle (M015): first display of its sign-up form, reminders sent, the one
    /// transition to EXPIRED, a renewal asked for from its expired link.
    @OptionalField(key: "opened_at") var openedAt: Date?
    @OptionalField(key: "reminders_sent") var remindersSent: Int?
    @OptionalField(key: "expired_at") var expiredAt: Date?
    @OptionalField(key: "renewal_requested_at") var renewalRequestedAt: Date?
    /// The link token sealed with the server's key (`InvitationLinkSealer`), so a reminder can
    /// carry the link of the original email; dropped when the invitation leaves PENDING.
    @OptionalField(key: "link_secret") var linkSecret: String?

    init() {}

    /// What `create(on:)` writes, without its reflection (see `insertRow`): a step of the
    /// invitation's planned write.
    var insertStatement: PlannedStatement {
        .insert(
            into: Self.schema,
            [
                ("id", id!), ("store", store), ("application_id", applicationId), ("client_id", clientId), ("email", email),
                ("email_key", emailKey), ("groups", groups), ("metadata", metadata), ("language", language), ("status", status),
                ("token_hash", tokenHash), ("sent_at", sentAt), ("valid_until", validUntil), ("send_count", sendCount),
                ("created_by", createdBy), ("created_at", createdAt), ("accepted_at", acceptedAt), ("account_id", accountId),
                ("last_email_id", lastEmailId), ("organization_id", organizationId), ("roles", roles),
                ("reminders_sent", remindersSent ?? 0), ("link_secret", linkSecret),
            ])
    }
}

/// An `invitations` row as SQL returns it: lists decode pages of these without Fluent's
/// per-row reflection, then hand the services ordinary models.
struct InvitationRow: Decodable {
    var id: UUID
    var store: String
    var application_id: UUID
    var client_id: String
    var email: String
    var email_key: String
    var groups: String
    var metadata: String
    var language: String
    var status: String
    var token_hash: String
    var sent_at: Date
    var valid_until: Date
    var send_count: Int
    var created_by: String
    var created_at: Date
    var accepted_at: Date?
    var account_id: UUID?
    var last_email_id: UUID?
    var organization_id: UUID?
    var roles: String?
    var opened_at: Date?
    var reminders_sent: Int?
    var expired_at: Date?
    var renewal_requested_at: Date?
    var link_secret: String?

    var model: InvitationModel {
        let m = InvitationModel()
        m.id = id
        m.store = store
        m.applicationId = application_id
        m.clientId = client_id
        m.email = email
        m.emailKey = email_key
        m.groups = groups
        m.metadata = metadata
        m.language = language
        m.status = status
        m.tokenHash = token_hash
        m.sentAt = sent_at
        m.validUntil = valid_until
        m.sendCount = send_count
        m.createdBy = created_by
        m.createdAt = created_at
        m.acceptedAt = accepted_at
        m.accountId = account_id
        m.lastEmailId = last_email_id
        m.organizationId = organization_id
        m.roles = roles
        m.openedAt = opened_at
        m.remindersSent = reminders_sent
        m.expiredAt = expired_at
        m.renewalRequestedAt = renewal_requested_at
        m.linkSecret = link_secret
        // Fluent reads a model's id and fields as "from the database" only once it has been
        // loaded or saved; this one came from the database, so later saves are updates.
        m.$id.exists = true
        return m
    }
}

final class AuditEventModel: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "at") var at: Date
    @Field(key: "actor") var actor: String
    @Field(key: "action") var action: String
    @OptionalField(key: "store") var store: String?
    @Field(key: "target_type") var targetType: String
    @Field(key: "target_id") var targetId: String
    /// JSON object with what changed. Never secrets.
    @Field(key: "details") var details: String

    init() {}
}

/// An email waiting for, or past, delivery: written in the same transaction as the invitation
/// it belongs to (the transactional outbox), delivered by the OutboxWorker.
final class OutboxMessageModel: Model, @unchecked Sendable {
    static let schema = "outbox"

    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: String
    @OptionalField(key: "invitation_id") var invitationId: UUID?
    @OptionalField(key: "store") var store: String?
    @Field(key: "recipient") var recipient: String
    @OptionalField(key: "recipient_name") var recipientName: String?
    @Field(key: "subject") var subject: String
    @Field(key: "text_body") var textBody: String
    @Field(key: "html_body") var htmlBody: String
    @Field(key: "language") var language: String
    @Field(key: "message_id") var messageId: String
    /// queued → sending → sent | failed.
    @Field(key: "status") var status: String
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "lease_owner") var leaseOwner: String?
    @OptionalField(key: "lease_until") var leaseUntil: Date?
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "transport") var transport: String?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "sent_at") var sentAt: Date?
    @Field(key: "give_up_at") var giveUpAt: Date
    /// The link's token, sealed; the text holds a placeholder (see OutboxLinkSealer). NULL once
    /// no delivery or local mailbox needs it.
    @OptionalField(key: "link_secret") var linkSecret: String?

    init() {}

    /// What `create(on:)` writes, without its reflection (see `insertRow`).
    func insert(on db: any Database) async throws {
        try await db.sql.raw(insertStatement.query).run()
    }

    var insertStatement: PlannedStatement {
        .insert(
            into: Self.schema,
            [
                ("id", id!), ("kind", kind), ("invitation_id", invitationId), ("store", store), ("recipient", recipient),
                ("recipient_name", recipientName), ("subject", subject), ("text_body", textBody), ("html_body", htmlBody),
                ("language", language), ("message_id", messageId), ("status", status), ("attempts", attempts),
                ("next_attempt_at", nextAttemptAt), ("lease_owner", leaseOwner), ("lease_until", leaseUntil), ("last_error", lastError),
                ("transport", transport), ("created_at", createdAt), ("sent_at", sentAt), ("give_up_at", giveUpAt),
                ("link_secret", linkSecret),
            ])
    }
}

/// An `outbox` row as SQL returns it (the email worker's leased batch), made into a model
/// without Fluent's per-row reflection.
struct OutboxMessageRow: Decodable {
    var id: UUID
    var kind: String
    var invitation_id: UUID?
    var store: String?
    var recipient: String
    var recipient_name: String?
    var subject: String
    var text_body: String
    var html_body: String
    var language: String
    var message_id: String
    var status: String
    var attempts: Int
    var next_attempt_at: Date
    var lease_owner: String?
    var lease_until: Date?
    var last_error: String?
    var transport: String?
    var created_at: Date
    var sent_at: Date?
    var give_up_at: Date
    var link_secret: String?

    var model: OutboxMessageModel {
        let m = OutboxMessageModel()
        m.id = id
        m.kind = kind
        m.invitationId = invitation_id
        m.store = store
        m.recipient = recipient
        m.recipientName = recipient_name
        m.subject = subject
        m.textBody = text_body
        m.htmlBody = html_body
        m.language = language
        m.messageId = message_id
        m.status = status
        m.attempts = attempts
        m.nextAttemptAt = next_attempt_at
        m.leaseOwner = lease_owner
        m.leaseUntil = lease_until
        m.lastError = last_error
        m.transport = transport
        m.createdAt = created_at
        m.sentAt = sent_at
        m.giveUpAt = give_up_at
        m.linkSecret = link_secret
        m.$id.exists = true
        return m
    }
}
