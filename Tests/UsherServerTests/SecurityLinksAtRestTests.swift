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
