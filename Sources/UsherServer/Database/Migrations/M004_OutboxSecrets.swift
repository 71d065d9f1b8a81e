import Fluent
import Foundation
import SQLKit
import UsherCore

/// Security: no usable invitation link at rest (issue 14, item 3). Adds `outbox.link_secret`
/// (the link's token, sealed with a key derived from the server secret) and rewrites the emails
/// stored before it, which held their link in clear:
///
/// - an email whose token is still its invitation's live one (pending, not expired) and that
///   still needs it — queued, being sent, or kept in the local mailbox — gets the token sealed
///   and a placeholder in its text, so it still goes out (or shows in the console) with a link;
/// - every other token (sent through SMTP, failed, cancelled, or dead) is replaced by `[hidden]`.
struct M004_OutboxSecrets: AsyncMigration {
    var name: String { "M004_OutboxSecrets" }

    /// Rows rewritten per transaction: keeps memory flat on an outbox of a million emails.
    static let chunkSize = 500

    func prepare(on database: any Database) async throws {
        try await database.schema("outbox").field("link_secret", .string).update()
        try await Self.hideStoredLinks(on: database, now: Date())
    }

    func revert(on database: any Database) async throws {
        try await database.schema("outbox").deleteField("link_secret").update()
    }

    private struct Row: Decodable {
        var id: UUID
        var invitation_id: UUID?
        var status: String
        var transport: String?
        var subject: String
        var text_body: String
        var html_body: String
        var token_hash: String?
        var invitation_status: String?
        var valid_until: Date?
    }

    static func hideStoredLinks(on database: any Database, now: Date) async throws {
        var sealer: OutboxLinkSealer?
        var after: UUID?
        while true {
            let seek: SQLQueryString = after.map { "AND o.id > \(bind: $0)" } ?? ""
            let rows = try await database.sql.raw(
                """
                SELECT o.id, o.invitation_id, o.status, o.transport, o.subject, o.text_body, o.html_body,
                  i.token_hash, i.status AS invitation_status, i.valid_until
                FROM outbox o LEFT JOIN invitations i ON i.id = o.invitation_id
                WHERE (o.text_body LIKE '%inv%' OR o.html_body LIKE '%inv%' OR o.subject LIKE '%inv%') \(seek)
                ORDER BY o.id LIMIT \(literal: chunkSize)
                """
            ).all(decoding: Row.self)
            guard let last = rows.last else { return }
            after = last.id
            var updates: [(id: UUID, subject: String, text: String, html: String, secret: String?)] = []
            for row in rows {
                let tokens = OutboxLink.tokens(in: row.subject + "\n" + row.text_body + "\n" + row.html_body)
                guard !tokens.isEmpty else { continue }
                let stillNeeded = row.status == "queued" || row.status == "sending" || (row.status == "sent" && row.transport == "mailbox")
                let live = tokens.first { token in
                    stillNeeded && row.invitation_status == InvitationStatus.pending.rawValue && (row.valid_until ?? .distantPast) > now
                        && row.token_hash.map { SecretToken.constantTimeEquals($0, SecretToken.hash(token)) } == true
                }
                var email = ComposedEmail(to: "", subject: row.subject, text: row.text_body, html: row.html_body, language: "")
                var secret: String?
                if let live {
                    if sealer == nil { sealer = OutboxLinkSealer(secrets: try await ServerSecrets.load(on: database)) }
                    secret = try sealer?.seal(token: live, messageId: row.id)
                    email = OutboxLink.hide(live, in: email, messageId: row.id)
                }
                // Any other token in it is dead or not needed: masked for good.
                email.subject = OutboxLink.maskTokens(email.subject)
                email.text = OutboxLink.maskTokens(email.text)
                email.html = OutboxLink.maskTokens(email.html)
                updates.append((row.id, email.subject, email.text, email.html, secret))
            }
            guard !updates.isEmpty else { continue }
            let rewritten = updates
            try await database.write { tx in
                for u in rewritten {
                    try await tx.sql.raw(
                        """
                        UPDATE outbox SET subject = \(bind: u.subject), text_body = \(bind: u.text), html_body = \(bind: u.html), link_secret = \(bind: u.secret)
                        WHERE id = \(bind: u.id)
                        """
                    ).run()
                }
            }
        }
    }
}
