import Fluent
import Foundation
import UsherCore
import Vapor

/// One email as the mailbox shows it.
struct MailboxMessageView: Content, Equatable {
    var id: String
    var to: String
    var toName: String?
    var subject: String
    var text: String
    var html: String
    var language: String
    var messageId: String
    var invitationId: String?
    var store: String?
    /// queued, sending, sent, failed, cancelled.
    var status: String
    var attempts: Int
    var lastError: String?
    /// smtp, or mailbox when no SMTP server is configured.
    var transport: String?
    var created: Date
    var sentAt: Date?
}

/// `/admin/api/v1/mailbox`: every email Usher has queued or sent, newest first. With no SMTP
/// server configured this is where invitation emails are read (the "local mailbox").
struct MailboxRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let mailbox = routes.grouped("mailbox").grouped(RequireScope(.readAccount))
        mailbox.get { req async throws -> Response in
            let page = try PageRequest.from(req)
            let query = OutboxMessageModel.query(on: req.db)
            if let to = req.query[String.self, at: "to"] { query.filter(\.$recipient == to) }
            if let raw = req.query[String.self, at: "invitationId"] {
                guard let id = UUID(uuidString: raw) else {
                    throw UsherError.badRequest(
                        .requestInvalidQuery, "invitationId must be an invitation id.",
                        fieldErrors: [FieldError("invitationId", "is not an id")])
                }
                query.filter(\.$invitationId == id)
            }
            if let status = req.query[String.self, at: "status"] {
                guard OutboxStatus(rawValue: status) != nil else {
                    throw UsherError.badRequest(
                        .requestInvalidQuery, "status must be queued, sending, sent, failed or cancelled.",
                        fieldErrors: [FieldError("status", "unknown status")])
                }
                query.filter(\.$status == status)
            }
            let total = try await query.count()
            let items = try await query.sort(\.$createdAt, .descending).sort(\.$id).range(page.offset..<(page.offset + page.size)).all()
            return try Listing(items: items.map(Self.view), total: total).response(for: req, page: page)
        }
        mailbox.get(":id") { req async throws -> MailboxMessageView in
            let raw = req.parameters.get("id") ?? ""
            guard let id = UUID(uuidString: raw), let message = try await OutboxMessageModel.find(id, on: req.db) else {
                throw UsherError.notFound("email", raw)
            }
            return Self.view(message)
        }
    }

    /// Security: an API caller never reads a usable link (a `read:account` token would accept
    /// someone else's invitation with it): `login_hint=[hidden]`.
    static func view(_ m: OutboxMessageModel) -> MailboxMessageView {
        let id = m.id!
        return MailboxMessageView(
            id: id.idString, to: m.recipient, toName: m.recipientName, subject: OutboxLink.masked(m.subject, messageId: id),
            text: OutboxLink.masked(m.textBody, messageId: id), html: OutboxLink.masked(m.htmlBody, messageId: id),
            language: m.language, messageId: m.messageId, invitationId: m.invitationId?.idString, store: m.store, status: m.status,
            attempts: m.attempts, lastError: m.lastError, transport: m.transport, created: m.createdAt, sentAt: m.sentAt)
    }
}

/// The console's local mailbox: with no SMTP server configured, reading the email there is how
/// the administrator hands on the invitation (README: "open the invitation email and click its
/// link"), so it shows the live link — opened at display time, and only while the invitation is
/// pending with that very token. Otherwise, and with SMTP, it shows what the API shows.
enum LocalMailboxReading {
    struct Bodies {
        var subject: String
        var text: String
        var html: String
    }

    static func bodies(of m: OutboxMessageModel, localMailbox: Bool, secrets: ServerSecrets, on db: any Database, now: Date = Date())
        async throws -> Bodies
    {
        let id = m.id!
        if localMailbox, let sealed = m.linkSecret, let token = OutboxLinkSealer(secrets: secrets).open(sealed, messageId: id),
            let invitation = try await InvitationService.find(token: token, on: db), invitation.id == m.invitationId,
            invitation.status == InvitationStatus.pending.rawValue, invitation.validUntil > now
        {
            return Bodies(
                subject: OutboxLink.reveal(token, in: m.subject, messageId: id),
                text: OutboxLink.reveal(token, in: m.textBody, messageId: id),
                html: OutboxLink.reveal(token, in: m.htmlBody, messageId: id))
        }
        // A password reset or email verification link, while it still works (issue 23).
        if localMailbox, m.invitationId == nil, let sealed = m.linkSecret,
            let token = OutboxLinkSealer(secrets: secrets).open(sealed, messageId: id),
            await SelfServiceLinks.isLive(token, kind: m.kind, on: db, now: now)
        {
            return Bodies(
                subject: OutboxLink.reveal(token, in: m.subject, messageId: id),
                text: OutboxLink.reveal(token, in: m.textBody, messageId: id),
                html: OutboxLink.reveal(token, in: m.htmlBody, messageId: id))
        }
        let view = MailboxRoutes.view(m)
        return Bodies(subject: view.subject, text: view.text, html: view.html)
    }
}
