import Fluent
import Foundation
import UsherCore
import Vapor

/// The console's mailbox: the emails Usher queued, and one email as it was (or will be) sent.
extension ConsoleRoutes {
    func mailbox(_ req: Request) async throws -> Response {
        let page = try PageRequest.from(req)
        let query = OutboxMessageModel.query(on: req.db)
        let total = try await query.count()
        let items = try await query.sort(\.$createdAt, .descending).range(page.offset..<(page.offset + page.size)).all()
        let c = MailboxConsolePage(
            messages: items.map { m in
                .init(
                    id: m.id!.idString, to: m.recipient, subject: m.subject, status: m.status, attempts: m.attempts,
                    lastError: m.lastError ?? "", created: Self.date(m.createdAt), transport: m.transport ?? "—")
            },
            pager: Self.pager(req, page: page, listing: Listing<IdOnly>(items: [], total: total)),
            localMailbox: req.usher.config.smtpURL == nil)
        return self.page(req, "console/mailbox", "Mailbox", c, section: "mailbox")
    }

    func mail(_ req: Request) async throws -> Response {
        guard let id = UUID(uuidString: req.parameters.get("id") ?? ""), let m = try await OutboxMessageModel.find(id, on: req.db) else {
            throw UsherError.notFound("email", req.parameters.get("id") ?? "")
        }
        let bodies = try await LocalMailboxReading.bodies(
            of: m, localMailbox: req.usher.config.smtpURL == nil, secrets: req.usher.secrets, on: req.db)
        let c = MailConsolePage(
            to: m.recipient, subject: bodies.subject, text: bodies.text, status: m.status, lastError: m.lastError ?? "",
            created: Self.date(m.createdAt), sentAt: Self.date(m.sentAt), attempts: m.attempts, html: bodies.html)
        return page(req, "console/mail", bodies.subject, c, section: "mailbox")
    }
}

/// `console/mailbox`: one page of the emails Usher queued, newest first.
struct MailboxConsolePage {
    struct Message {
        var id: String
        var to: String
        var subject: String
        var status: String
        var attempts: Int
        var lastError: String
        var created: String
        var transport: String
    }

    var messages: [Message]
    var pager: ConsolePager
    /// No SMTP server is configured: the mailbox is where the emails are read.
    var localMailbox: Bool
}

/// `console/mail`: one email as it was (or will be) sent.
struct MailConsolePage {
    var to: String
    var subject: String
    var text: String
    var status: String
    var lastError: String
    var created: String
    var sentAt: String
    var attempts: Int
    var html: String
}
