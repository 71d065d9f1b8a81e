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
                    lastError: m.lastError.flatMap { $0.isEmpty ? nil : $0 }, created: Self.date(m.createdAt), transport: m.transport ?? "—"
                )
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
            to: m.recipient, subject: bodies.subject, text: bodies.text, status: m.status,
            lastError: m.lastError.flatMap { $0.isEmpty ? nil : $0 },
            created: Self.date(m.createdAt), sentAt: m.sentAt.map(Self.date), attempts: m.attempts,
            html: MailboxRendering.linksOpenInNewTab(bodies.html), textParts: MailboxRendering.textParts(bodies.text))
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
        /// Nil when there is none: a template section shows for any string, even an empty one.
        var lastError: String?
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
    var lastError: String?
    var created: String
    /// Nil while the email has not been sent.
    var sentAt: String?
    var attempts: Int
    /// The HTML body, its links made to open a new tab (see `MailboxRendering`).
    var html: String
    /// The plain text cut into text and web addresses, so the template makes the addresses
    /// links and escapes all of it itself.
    var textParts: [MailboxRendering.TextPart]
}

/// How the mailbox shows an email so that its links work. The HTML body sits in a sandboxed
/// frame, where an application's page refuses to load (`frame-ancestors`): its links must open
/// a new tab instead. The plain text's addresses become links the template writes.
enum MailboxRendering {
    struct TextPart {
        var text: String
        /// Set when this part is an http(s) address.
        var url: String?
    }

    /// Every `<a` of the email's own markup gets `target="_blank"` first; a browser keeps the
    /// first of two same-named attributes, so an anchor's own target cannot win.
    static func linksOpenInNewTab(_ html: String) -> String {
        html.replacing(/(?i)<a(?=[\s>\/])/) { _ in #"<a target="_blank" rel="noopener noreferrer""# }
    }

    /// The text cut at each http(s) address. Closing punctuation after an address ("…/login.")
    /// stays text.
    static func textParts(_ text: String) -> [TextPart] {
        var parts: [TextPart] = []
        var rest = text[...]
        while let match = rest.firstMatch(of: /https?:\/\/[^\s<>"]+/) {
            var url = match.output[...]
            while let last = url.last, ".,;:!?)]'".contains(last) { url = url.dropLast() }
            if match.range.lowerBound > rest.startIndex { parts.append(TextPart(text: String(rest[..<match.range.lowerBound]))) }
            parts.append(TextPart(text: String(url), url: String(url)))
            rest = rest[url.endIndex...]
        }
        if !rest.isEmpty { parts.append(TextPart(text: String(rest))) }
        return parts
    }
}
