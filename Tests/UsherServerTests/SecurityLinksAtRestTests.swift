import Foundation
import Logging
import NIOConcurrencyHelpers
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Issue 14, item 3: no live invitation link at rest — not in the database, not in the mailbox
/// API, not in the debug log — while the email still goes out with a working link.
@Suite struct SecurityLinksAtRestTests {
    static let invite = "/admin/api/v1/identityStores/default/invite"

    func loginHint(_ link: String?) -> String? {
        link.flatMap { URLComponents(string: $0)?.queryItems?.first(where: { $0.name == "login_hint" })?.value }
    }

    // MARK: SQL logs

    @Test(arguments: TestDatabase.available)
    func theDebugLogOfAnInvitationCreateHoldsNoToken(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let captured = CapturedLog()
            t.app.logger = captured.logger(level: .debug)
            // New connections, made with this logger (SQLite logs a transaction's statements
            // with the logger its connection was opened with).
            t.app.databases.reinitialize()
            let created = try await t.invite(f, email: "logged@example.com")
            let hint = try #require(loginHint(created["link"] as? String))
            let lines = captured.lines
            // The statements are still logged (they help), without their values.
            #expect(lines.contains { $0.contains("INSERT INTO invitations") })
            #expect(lines.contains { $0.contains("INSERT INTO outbox") })
            #expect(lines.contains { $0.contains("[redacted]") })
            #expect(!lines.contains { $0.contains(hint) || $0.contains(String(hint.dropFirst(4))) })
            #expect(!lines.contains { $0.contains(SecretToken.hash(hint)) })
        }
    }

    // MARK: The outbox

    /// Every text column of every row of every table, as the database holds it.
    func everyStoredText(_ t: TestApp) async throws -> [String] {
        struct Name: Decodable { var name: String }
        let tables = try await t.app.db.sql.raw(
            t.database == .sqlite
                ? "SELECT name FROM sqlite_master WHERE type = 'table'"
                : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()"
        ).all(decoding: Name.self)
        #expect(tables.contains { $0.name == "outbox" } && tables.contains { $0.name == "invitations" })
        var texts: [String] = []
        for table in tables {
            for row in try await t.app.db.sql.raw("SELECT * FROM \(ident: table.name)").all() {
                for column in row.allColumns {
                    if let text = try? row.decode(column: column, as: String?.self) { texts.append("\(table.name).\(column): \(text)") }
                }
            }
        }
        return texts
    }

    struct Secrets: Decodable {
        var id: UUID
        var status: String
        var link_secret: String?
    }

    func outboxSecrets(_ t: TestApp) async throws -> [Secrets] {
        try await t.app.db.sql.raw("SELECT id, status, link_secret FROM outbox ORDER BY created_at").all(decoding: Secrets.self)
    }

    func smtpWorker(_ t: TestApp, _ transport: CapturingTransport) -> OutboxWorker {
        OutboxWorker(
            db: t.app.db, transport: transport, owner: "test-smtp", settings: .init(), logger: t.app.logger, secrets: t.app.usher.secrets)
    }

    @Test(arguments: TestDatabase.available)
    func noRowOfTheDatabaseHoldsTheLinkAfterCreateOrResend(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let created = try await t.invite(f, email: "rest@example.com", extra: #","metadata":{"givenName":"Rest"}"#)
            let first = try #require(loginHint(created["link"] as? String))
            let resent = try await t.send(.POST, "\(Self.invite)/\(created["id"] as! String)/resend", token: token)
            let second = try #require(loginHint(resent["link"] as? String))
            try await t.app.usher.outbox!.runOnce()  // the local mailbox keeps the new email
            let stored = try await everyStoredText(t)
            #expect(stored.contains { $0.hasPrefix("outbox.text_body") && $0.contains("login_hint=[hidden:") })
            for hint in [first, second] {
                let leaks = stored.filter { $0.contains(String(hint.dropFirst(4))) }
                #expect(leaks.isEmpty, "\(leaks)")
            }
            #expect(!stored.contains { $0.contains("login_hint=inv_") })
        }
    }

    @Test(arguments: TestDatabase.available)
    func theWorkerSendsAWorkingLinkThenForgetsIt(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let created = try await t.invite(f, email: "sent@example.com")
            let link = try #require(created["link"] as? String)
            let transport = CapturingTransport()
            #expect(try await smtpWorker(t, transport).runOnce() == 1)
            let mail = try #require(transport.delivered.first)
            #expect(mail.text.contains(link))
            #expect(mail.html.contains(link.replacingOccurrences(of: "&", with: "&amp;")))
            #expect(!mail.text.contains("[hidden"))
            // The token in the delivered email is the invitation's.
            let delivered = try #require(OutboxLink.tokens(in: mail.text).first)
            #expect(try await InvitationService.find(token: delivered, on: t.app.db)?.id?.idString == created["id"] as? String)
            // Sent: the sealed token is gone; the email stays readable, its link masked.
            let rows = try await outboxSecrets(t)
            #expect(rows.map(\.status) == ["sent"])
            #expect(rows.first?.link_secret == nil)
            let listed = try #require(try await t.send(.GET, "/admin/api/v1/mailbox", token: token).jsonArray.first)
            #expect((listed["text"] as? String)?.contains("login_hint=[hidden]") == true)
        }
    }

    @Test(arguments: TestDatabase.available)
    func anEmailWhoseLinkIsGoneFailsInsteadOfGoingOutDead(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            _ = try await t.invite(f, email: "tampered@example.com")
            // A sealed token moved to another email, or damaged, does not open.
            try await t.app.db.sql.raw(
                "UPDATE outbox SET link_secret = \(bind: try OutboxLinkSealer(secrets: t.app.usher.secrets).seal(token: "inv_x", messageId: UUID()))"
            ).run()
            let transport = CapturingTransport()
            #expect(try await smtpWorker(t, transport).runOnce() == 1)
            #expect(transport.delivered.isEmpty)
            let rows = try await outboxSecrets(t)
            #expect(rows.map(\.status) == ["failed"])
            #expect(rows.first?.link_secret == nil)
        }
    }

    /// The attack of the review: a token with only read:account read the link in the mailbox and
    /// accepted someone else's invitation with it.
    @Test(arguments: TestDatabase.available)
    func aReadAccountTokenReadsNoUsableLinkInTheMailbox(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let admin = try await t.token()
            let f = try await t.oidcApplication(token: admin)
            let created = try await t.invite(f, email: "victim@example.com")
            let hint = try #require(loginHint(created["link"] as? String))
            let reader = try await t.token(scopes: ["read:account"])
            for state in ["queued", "sent"] {
                let list = try await t.send(.GET, "/admin/api/v1/mailbox?to=victim@example.com", token: reader)
                let mail = try #require(list.jsonArray.first)
                #expect(mail["status"] as? String == state)
                let one = try await t.send(.GET, "/admin/api/v1/mailbox/\(mail["id"] as! String)", token: reader)
                for body in [list.body, one.body] {
                    #expect(!body.contains(String(hint.dropFirst(4))))
                    #expect(OutboxLink.tokens(in: body).isEmpty)
                    #expect(body.contains("login_hint=[hidden]"))
                    #expect(!body.contains("[hidden:"))
                }
                try await t.app.usher.outbox!.runOnce()
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func theConsolesLocalMailboxShowsTheLiveLinkOnlyWhilePending(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let created = try await t.invite(f, email: "walkthrough@example.com")
            let link = try #require(created["link"] as? String)
            try await t.app.usher.outbox!.runOnce()
            let emailId = try #require(try await outboxSecrets(t).first?.id.idString)
            #expect(try await outboxSecrets(t).first?.link_secret != nil)  // the local mailbox is the delivery
            let console = try await ConsoleBrowser.signIn(t)
            // README: "Open Mailbox, open the invitation email and click its link".
            let page = try await console.get("/admin/mailbox/\(emailId)")
            #expect(page.status == .ok)
            #expect(page.body.contains(link.replacingOccurrences(of: "&", with: "&amp;")))

            // Resent: the old email shows no live link any more, and keeps none.
            let resent = try await t.send(.POST, "\(Self.invite)/\(created["id"] as! String)/resend", token: token)
            let newLink = try #require(resent["link"] as? String)
            #expect(try await outboxSecrets(t).first?.link_secret == nil)
            let old = try await console.get("/admin/mailbox/\(emailId)")
            #expect(OutboxLink.tokens(in: old.body).isEmpty)
            #expect(old.body.contains("login_hint=[hidden]"))
            try await t.app.usher.outbox!.runOnce()
            let newId = try #require(try await outboxSecrets(t).last?.id.idString)
            #expect(try await console.get("/admin/mailbox/\(newId)").body.contains(newLink.replacingOccurrences(of: "&", with: "&amp;")))

            // Accepted (or expired): the sweep drops the sealed link, and the page masks it anyway.
            try await t.app.db.sql.raw("UPDATE invitations SET status = 'DONE'").run()
            #expect(OutboxLink.tokens(in: try await console.get("/admin/mailbox/\(newId)").body).isEmpty)
            #expect(try await Outbox.dropDeadLinks(now: Date(), on: t.app.db) == 1)
            #expect(try await outboxSecrets(t).allSatisfy { $0.link_secret == nil })
        }
    }

    /// The sweep forgets links no email needs, and only those: a queued email keeps its link
    /// while its invitation is pending, and so does one of no invitation (an email verification).
    @Test(arguments: TestDatabase.available)
    func theSweepKeepsTheLinksStillNeeded(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let pending = try await t.invite(f, email: "pending@example.com")
            let orphan = try await t.invite(f, email: "orphan@example.com")
            let expired = try await t.invite(f, email: "expired@example.com")
            try await t.app.db.sql.raw("UPDATE outbox SET invitation_id = NULL WHERE recipient = 'orphan@example.com'").run()
            try await t.app.db.sql.raw(
                "UPDATE invitations SET valid_until = \(bind: Date().addingTimeInterval(-1)) WHERE email = 'expired@example.com'"
            ).run()
            #expect(try await Outbox.dropDeadLinks(now: Date(), on: t.app.db) == 1)
            let transport = CapturingTransport()
            #expect(try await smtpWorker(t, transport).runOnce() == 3)
            let texts = transport.delivered.map(\.text)
            for created in [pending, orphan] {
                let link = try #require(created["link"] as? String)
                #expect(texts.contains { $0.contains(link) })
            }
            #expect(transport.delivered.count == 2)  // the expired one failed instead of going out dead
            _ = expired
            #expect(try await outboxSecrets(t).allSatisfy { $0.link_secret == nil })
        }
    }

    @Test(arguments: TestDatabase.available)
    func aResentEmailWorksAndTheOldOneIsDead(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let created = try await t.invite(f, email: "again@example.com")
            let id = created["id"] as! String
            let transport = CapturingTransport()
            let worker = smtpWorker(t, transport)
            #expect(try await worker.runOnce() == 1)
            let resent = try await t.send(.POST, "\(Self.invite)/\(id)/resend", token: token)
            let newLink = try #require(resent["link"] as? String)
            #expect(try await worker.runOnce() == 1)
            #expect(transport.delivered.count == 2)
            let oldToken = try #require(OutboxLink.tokens(in: transport.delivered[0].text).first)
            let newToken = try #require(OutboxLink.tokens(in: transport.delivered[1].text).first)
            #expect(transport.delivered[1].text.contains(newLink))
            #expect(try await InvitationService.find(token: newToken, on: t.app.db)?.id?.idString == id)
            #expect(try await InvitationService.find(token: oldToken, on: t.app.db) == nil)
            #expect(try await outboxSecrets(t).allSatisfy { $0.link_secret == nil })
        }
    }

    /// Through a real SMTP server (e2e/smtp_server.py): what arrives has the working link.
    @Test(arguments: TestDatabase.available)
    func theEmailReceivedOverSMTPCarriesTheWorkingLink(_ db: TestDatabase) async throws {
        let server = try await SMTPTestServer.start()
        defer { server.stop() }
        try await TestApp.with(db, configure: { $0.smtpURL = "smtp://127.0.0.1:\(server.port)?tls=none" }) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let created = try await t.invite(f, email: "smtp@example.com")
            #expect(try await t.app.usher.outbox!.runOnce() == 1)
            // On a loaded machine the first attempt can time out; the worker's own retry (its
            // schedule driven forward, not waited for) must then deliver the same working link.
            var files = server.receivedFiles()
            for hours in 1...3 where files.isEmpty {
                _ = try await t.app.usher.outbox!.runOnce(now: Date().addingTimeInterval(Double(hours) * 3600))
                files = server.receivedFiles()
            }
            let file = try #require(files.first)
            let parsed = try ParsedMessage.parse(file)
            let text = try #require(parsed.parts.first { $0.content_type == "text/plain" }?.text)
            let received = try #require(OutboxLink.tokens(in: text).first)
            #expect(received == loginHint(created["link"] as? String))
            #expect(try await InvitationService.find(token: received, on: t.app.db)?.id?.idString == created["id"] as? String)
            #expect(try await outboxSecrets(t).first?.link_secret == nil)
        }
    }

    // MARK: Migration

    @Test(arguments: TestDatabase.available)
    func theMigrationSealsLiveLinksOfStoredEmailsAndMasksTheRest(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let live = try await t.invite(f, email: "queued@example.com")
            let done = try await t.invite(f, email: "sent@example.com")
            let liveHint = try #require(loginHint(live["link"] as? String))
            let doneHint = try #require(loginHint(done["link"] as? String))
            // As the outbox was before M004: the link in clear, nothing sealed; one email sent by SMTP.
            for (hint, email) in [(liveHint, "queued@example.com"), (doneHint, "sent@example.com")] {
                struct Row: Decodable { var id: UUID }
                let id = try #require(
                    try await t.app.db.sql.raw("SELECT id FROM outbox WHERE recipient = \(bind: email)").first(decoding: Row.self)?.id)
                let placeholder = OutboxLink.placeholder(messageId: id)
                try await t.app.db.sql.raw(
                    """
                    UPDATE outbox SET link_secret = NULL, text_body = REPLACE(text_body, \(bind: placeholder), \(bind: hint)),
                      html_body = REPLACE(html_body, \(bind: placeholder), \(bind: hint)) WHERE id = \(bind: id)
                    """
                ).run()
            }
            try await t.app.db.sql.raw("UPDATE outbox SET status = 'sent', transport = 'smtp' WHERE recipient = 'sent@example.com'").run()
            #expect(try await everyStoredText(t).contains { $0.contains(liveHint) })

            try await M004_OutboxSecrets.hideStoredLinks(on: t.app.db, now: Date())

            let stored = try await everyStoredText(t)
            #expect(!stored.contains { $0.contains(String(liveHint.dropFirst(4))) || $0.contains(String(doneHint.dropFirst(4))) })
            let transport = CapturingTransport()
            #expect(try await smtpWorker(t, transport).runOnce() == 1)
            #expect(transport.delivered.first?.text.contains(liveHint) == true)
            let masked = try await t.send(.GET, "/admin/api/v1/mailbox?to=sent@example.com", token: token).jsonArray.first
            #expect((masked?["text"] as? String)?.contains("login_hint=[hidden]") == true)
        }
    }
}

/// The console in a browser: its cookies, signed in as the bootstrap administrator.
struct ConsoleBrowser {
    let t: TestApp
    var cookies: [String: String] = [:]

    var cookieHeader: HTTPHeaders { ["Cookie": cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")] }

    mutating func keep(_ reply: TestApp.Reply) {
        for line in reply.headers[.setCookie] {
            let pair = line.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            if pair.count == 2 { cookies[String(pair[0])] = String(pair[1]) }
        }
    }

    static func signIn(_ t: TestApp) async throws -> ConsoleBrowser {
        var browser = ConsoleBrowser(t: t)
        let page = try await t.send(.GET, "/admin/signin")
        browser.keep(page)
        let csrf = try #require(
            page.body.components(separatedBy: #"name="csrf" value=""#).dropFirst().first?.components(separatedBy: "\"").first)
        let form =
            "email=admin%40usher.test&password=admin-password-123&csrf=\(csrf.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        let signedIn = try await t.send(.POST, "/admin/signin", headers: browser.cookieHeader, form: form)
        #expect(signedIn.status == .seeOther, "\(signedIn.body)")
        browser.keep(signedIn)
        return browser
    }

    func get(_ path: String) async throws -> TestApp.Reply {
        try await t.send(.GET, path, headers: cookieHeader)
    }
}

/// A log handler that keeps every line, with its metadata, in memory.
final class CapturedLog: Sendable {
    private let box = NIOLockedValueBox<[String]>([])
    var lines: [String] { box.withLockedValue { $0 } }

    func logger(level: Logger.Level) -> Logger {
        var logger = Logger(label: "captured") { _ in Handler(box: self.box) }
        logger.logLevel = level
        return logger
    }

    struct Handler: LogHandler {
        let box: NIOLockedValueBox<[String]>
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        var metadataProvider: Logger.MetadataProvider?

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            box.withLockedValue { $0.append("\(event.level) \(event.message) \(all)") }
        }
    }
}

/// Delivers nothing; keeps what it was handed, as an SMTP server would receive it.
final class CapturingTransport: MailTransport, Sendable {
    private let box = NIOLockedValueBox<[(subject: String, text: String, html: String)]>([])
    var name: String { "smtp" }
    var delivered: [(subject: String, text: String, html: String)] { box.withLockedValue { $0 } }

    func deliver(_ batch: [OutboxMessageModel]) async -> [DeliveryOutcome] {
        box.withLockedValue { list in list.append(contentsOf: batch.map { ($0.subject, $0.textBody, $0.htmlBody) }) }
        return batch.map { _ in .sent("250 OK") }
    }
}
