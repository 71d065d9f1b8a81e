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
        let c: [String: Any] = [
            "messages": items.map { m in
                ["id": m.id!.idString, "to": m.recipient, "subject": m.subject, "status": m.status, "attempts": m.attempts,
                 "lastError": m.lastError ?? "", "created": Self.date(m.createdAt), "transport": m.transport ?? "—"] as [String: Any]
            },
            "pager": Self.pager(req, page: page, listing: Listing<IdOnly>(items: [], total: total)), "localMailbox": req.usher.config.smtpURL == nil,
        ]
        return self.page(req, "console/mailbox", "Mailbox", c, section: "mailbox")
    }

    func mail(_ req: Request) async throws -> Response {
        guard let id = UUID(uuidString: req.parameters.get("id") ?? ""), let m = try await OutboxMessageModel.find(id, on: req.db) else {
            throw UsherError.notFound("email", req.parameters.get("id") ?? "")
        }
        let bodies = try await LocalMailboxReading.bodies(of: m, localMailbox: req.usher.config.smtpURL == nil, secrets: req.usher.secrets, on: req.db)
        let c: [String: Any] = ["to": m.recipient, "subject": bodies.subject, "text": bodies.text, "status": m.status, "lastError": m.lastError ?? "",
                                "created": Self.date(m.createdAt), "sentAt": Self.date(m.sentAt), "attempts": m.attempts,
                                "html": bodies.html]
        return page(req, "console/mail", bodies.subject, c, section: "mailbox")
    }
}
