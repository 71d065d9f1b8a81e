import Foundation
import Logging
import NIOCore
import NIOPosix
import Testing

@testable import UsherServer

/// Against a real SMTP server: e2e/smtp_server.py (aiosmtpd), started per test.
/// Serialized to keep the load on a small machine predictable.
@Suite("End to end against aiosmtpd", .serialized)
struct SMTPEndToEndTests {
    static let logger: Logger = {
        var logger = Logger(label: "smtpkit.tests")
        logger.logLevel = ProcessInfo.processInfo.environment["SMTPKIT_TEST_DEBUG"] == nil ? .warning : .debug
        return logger
    }()

    func client(_ server: SMTPTestServer, host: String = "127.0.0.1", _ configure: (inout SMTPConfiguration) -> Void = { _ in })
        -> SMTPClient
    {
        var config = SMTPConfiguration(host: host, port: server.port, tls: .none, heloName: "usher.test", timeout: .seconds(10))
        configure(&config)
        return SMTPClient(configuration: config, eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: Self.logger)
    }

    func message(
        to: String = "ada@example.org", subject: String = "Meghívó – Ünnep", text: String = "Hello Ada\n", html: String = "<p>Hello Ada</p>"
    ) -> MIMEMessage {
        MIMEMessage(
            fromName: "Usher Ügyfélszolgálat",
            fromAddress: "no-reply@usher.example",
            toName: "Ada Lovelace",
            toAddress: to,
            subject: subject,
            textBody: text,
            htmlBody: html
        )
    }

    func withServer(_ arguments: [String] = [], _ body: (SMTPTestServer) async throws -> Void) async throws {
        let server = try await SMTPTestServer.start(arguments)
        defer { server.stop() }
        try await body(server)
    }

    func expectSent(_ outcomes: [SMTPDeliveryOutcome], count: Int = 1, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcomes.count == count, sourceLocation: sourceLocation)
        for outcome in outcomes {
            guard case .sent(let reply) = outcome else {
                Issue.record("expected .sent, got \(outcome)", sourceLocation: sourceLocation)
                continue
            }
            #expect(reply.hasPrefix("250"), sourceLocation: sourceLocation)
        }
    }

    func expectPermanent(_ outcome: SMTPDeliveryOutcome?, containing fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard case .permanentFailure(let text) = outcome else {
            Issue.record("expected .permanentFailure, got \(String(describing: outcome))", sourceLocation: sourceLocation)
            return
        }
        #expect(text.contains(fragment), "\(text)", sourceLocation: sourceLocation)
    }

    func expectTransient(_ outcome: SMTPDeliveryOutcome?, containing fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard case .transientFailure(let text) = outcome else {
            Issue.record("expected .transientFailure, got \(String(describing: outcome))", sourceLocation: sourceLocation)
            return
        }
        #expect(text.contains(fragment), "\(text)", sourceLocation: sourceLocation)
    }

    // MARK: Plain text

    @Test func plainDeliveryIsMultipartWithDecodedSubjectAndDotLines() async throws {
        try await withServer { server in
            let text =
                "Hello Ada,\n.\n.hidden line\n..two dots\nÁrvíztűrő tükörfúrógép\n" + String(repeating: "long line ", count: 40) + "\n"
            let html = "<p>Hello Ada</p>\n.\n<p>Ünnep</p>"
            let original = message(text: text, html: html)
            let outcomes = await client(server).send([original])
            expectSent(outcomes)

            let files = server.receivedFiles()
            try #require(files.count == 1)
            let parsed = try ParsedMessage.parse(files[0])
            #expect(parsed.defects.isEmpty, "\(parsed.defects)")
            #expect(parsed.subject == "Meghívó – Ünnep")
            #expect(parsed.from_name == "Usher Ügyfélszolgálat")
            #expect(parsed.from_address == "no-reply@usher.example")
            #expect(parsed.to_name == "Ada Lovelace")
            #expect(parsed.to_address == "ada@example.org")
            #expect(parsed.mime_version == "1.0")
            #expect(parsed.message_id == original.messageId)
            #expect(parsed.content_type == "multipart/alternative")
            #expect(parsed.parts.map(\.content_type) == ["text/plain", "text/html"])
            #expect(parsed.parts.map { $0.charset ?? "" } == ["utf-8", "utf-8"])
            // Python turns CRLF into "\n" except on a part's last line, hence the normalisation.
            // The lines starting with "." survived dot-stuffing.
            func lf(_ s: String?) -> String? { s?.replacingOccurrences(of: "\r\n", with: "\n") }
            #expect(lf(parsed.parts.first?.text) == text)
            #expect(lf(parsed.parts.last?.text) == html)

            // And on the wire (after the server un-stuffed), the raw lines are as rendered.
            let raw = try String(contentsOf: files[0], encoding: .utf8)
            #expect(raw.contains("\r\n.\r\n"))
            #expect(raw.contains("\r\n.hidden line\r\n"))
            for line in raw.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 998) }

            let envelope = try server.envelope(for: files[0])
            #expect(envelope.mail_from == "no-reply@usher.example")
            #expect(envelope.rcpt_tos == ["ada@example.org"])
            #expect(envelope.mail_options.contains { $0.hasPrefix("SIZE=") })
            #expect(!envelope.tls)
        }
    }

    @Test func batchReusesOneConnectionAndSurvivesRefusals() async throws {
        try await withServer { server in
            let outcomes = await client(server).send([
                message(to: "first@example.org", subject: "one"),
                message(to: "tempfail@example.org", subject: "two"),
                message(to: "permfail@example.org", subject: "three"),
                message(to: "last@example.org", subject: "four"),
            ])
            #expect(outcomes.count == 4)
            expectSent([outcomes[0], outcomes[3]], count: 2)
            expectTransient(outcomes[1], containing: "451 4.3.0 temporary failure injected by test server")
            expectPermanent(outcomes[2], containing: "550 5.1.1 mailbox unavailable")

            let files = server.receivedFiles()
            #expect(files.count == 2)
            let subjects = try files.map { try ParsedMessage.parse($0).subject }
            #expect(subjects == ["one", "four"])
        }
    }

    @Test func unrenderableMessageFailsAloneWithoutTouchingTheOthers() async throws {
        try await withServer { server in
            var bad = message(subject: "x")
            bad.subject = "hi\r\nBcc: victim@example.com"
            let outcomes = await client(server).send([bad, message(subject: "fine")])
            expectPermanent(outcomes[0], containing: "Subject")
            expectSent([outcomes[1]])
            #expect(server.receivedFiles().count == 1)
        }
    }

    @Test func heloFallbackWhenEHLOIsRefused() async throws {
        try await withServer(["--refuse-ehlo"]) { server in
            expectSent(await client(server).send([message()]))
            let files = server.receivedFiles()
            try #require(files.count == 1)
            // Without EHLO there is no SIZE extension, so no SIZE parameter either.
            #expect(try server.envelope(for: files[0]).mail_options.isEmpty)
        }
    }

    @Test func messageLargerThanAdvertisedSizeIsRefusedLocally() async throws {
        try await withServer(["--size-limit", "3000"]) { server in
            let big = message(text: String(repeating: "0123456789", count: 500))
            let outcomes = await client(server).send([big, message(subject: "small")])
            expectPermanent(outcomes[0], containing: "at most 3000 bytes")
            expectSent([outcomes[1]])
            #expect(server.receivedFiles().count == 1)
        }
    }

    @Test func smtpUTF8AddressNeedsTheExtension() async throws {
        try await withServer { server in
            let outcomes = await client(server).send([message(to: "éva@példa.hu")])
            expectPermanent(outcomes[0], containing: "SMTPUTF8")
            #expect(server.receivedFiles().isEmpty)
        }
        try await withServer(["--smtputf8"]) { server in
            expectSent(await client(server).send([message(to: "éva@példa.hu")]))
            let files = server.receivedFiles()
            try #require(files.count == 1)
            let envelope = try server.envelope(for: files[0])
            #expect(envelope.smtp_utf8)
            #expect(envelope.rcpt_tos == ["éva@példa.hu"])
        }
    }

    // MARK: TLS

    @Test func startTLSWithPrivateCA() async throws {
        try await withServer(["--mode", "starttls"]) { server in
            let outcomes = await client(server, host: "localhost") {
                $0.tls = .startTLS
                $0.trustRootsPath = server.caPath
            }.send([message()])
            expectSent(outcomes)
            let files = server.receivedFiles()
            try #require(files.count == 1)
            #expect(try server.envelope(for: files[0]).tls)
            #expect(try ParsedMessage.parse(files[0]).subject == "Meghívó – Ünnep")
        }
    }

    @Test func startTLSWithoutTheCAFailsAndSendsNothing() async throws {
        try await withServer(["--mode", "starttls"]) { server in
            let outcomes = await client(server, host: "localhost") { $0.tls = .startTLS }
                .send([message(), message(subject: "second")])
            #expect(outcomes.count == 2)
            for outcome in outcomes {
                switch outcome {
                case .sent: Issue.record("must not send without a verified certificate")
                case .transientFailure(let text), .permanentFailure(let text):
                    #expect(text.contains("TLS"), "\(text)")
                }
            }
            #expect(server.receivedFiles().isEmpty)
        }
    }

    @Test func startTLSWithWrongHostnameFails() async throws {
        // The certificate is for localhost and 127.0.0.1; a server listening on all addresses
        // is also reachable as 127.0.0.2, which the certificate does not name.
        try await withServer(["--mode", "starttls", "--host", "0.0.0.0"]) { server in
            let outcomes = await client(server, host: "127.0.0.2") {
                $0.tls = .startTLS
                $0.trustRootsPath = server.caPath
            }.send([message()])
            guard case .transientFailure(let text) = outcomes[0] else {
                Issue.record("expected a TLS failure, got \(outcomes[0])")
                return
            }
            #expect(text.contains("TLS"), "\(text)")
            #expect(server.receivedFiles().isEmpty)
        }
    }

    @Test func clearTextInjectedAfterSTARTTLSIsRefused() async throws {
        try await withServer(["--mode", "inject"]) { server in
            let outcomes = await client(server) {
                $0.tls = .startTLS
                $0.verifyCertificates = false
            }.send([message()])
            expectTransient(outcomes[0], containing: "data after its STARTTLS reply")
        }
    }

    @Test func unreadableCAFileFailsPermanently() async throws {
        try await withServer(["--mode", "starttls"]) { server in
            let outcomes = await client(server, host: "localhost") {
                $0.tls = .startTLS
                $0.trustRootsPath = "/nonexistent/ca.pem"
            }.send([message()])
            expectPermanent(outcomes[0], containing: "ca= file /nonexistent/ca.pem")
            #expect(server.receivedFiles().isEmpty)
        }
    }

    @Test func startTLSWithVerificationOff() async throws {
        try await withServer(["--mode", "starttls"]) { server in
            expectSent(
                await client(server) {
                    $0.tls = .startTLS
                    $0.verifyCertificates = false
                }.send([message()]))
        }
    }

    @Test func startTLSRequiredButNotOffered() async throws {
        try await withServer { server in
            let outcomes = await client(server) {
                $0.tls = .startTLS
                $0.verifyCertificates = false
            }.send([message()])
            expectPermanent(outcomes[0], containing: "does not offer STARTTLS")
            #expect(server.receivedFiles().isEmpty)
        }
    }

    @Test func implicitTLSWithPrivateCAAndIPAddress() async throws {
        try await withServer(["--mode", "tls"]) { server in
            // 127.0.0.1 is in the certificate's IP SANs, so the IP-based check must pass.
            let outcomes = await client(server, host: "127.0.0.1") {
                $0.tls = .implicitTLS
                $0.trustRootsPath = server.caPath
            }.send([message()])
            expectSent(outcomes)
            #expect(server.receivedFiles().count == 1)
        }
    }

    @Test func implicitTLSWithoutTheCAFails() async throws {
        try await withServer(["--mode", "tls"]) { server in
            let outcomes = await client(server, host: "localhost") { $0.tls = .implicitTLS }.send([message()])
            expectTransient(outcomes[0], containing: "TLS")
            #expect(server.receivedFiles().isEmpty)
        }
    }

    // MARK: AUTH

    @Test(arguments: ["PLAIN", "LOGIN"])
    func authOverSTARTTLS(mechanism: String) async throws {
        let serverArgs = ["--mode", "starttls", "--auth-user", "mailer", "--auth-password", "s3cr:t p@ss", "--auth-mechanisms", mechanism]
        try await withServer(serverArgs) { server in
            let good = await client(server, host: "localhost") {
                $0.tls = .startTLS
                $0.trustRootsPath = server.caPath
                $0.username = "mailer"
                $0.password = "s3cr:t p@ss"
            }.send([message()])
            expectSent(good)
            let files = server.receivedFiles()
            try #require(files.count == 1)
            #expect(try server.envelope(for: files[0]).authenticated)

            let bad = await client(server, host: "localhost") {
                $0.tls = .startTLS
                $0.trustRootsPath = server.caPath
                $0.username = "mailer"
                $0.password = "wrong"
            }.send([message(), message()])
            #expect(bad.count == 2)
            for outcome in bad { expectPermanent(outcome, containing: "535") }
            #expect(server.receivedFiles().count == 1)
        }
    }

    @Test func authOverPlainTextWhenExplicitlyChosen() async throws {
        try await withServer(["--auth-user", "mailer", "--auth-password", "pw"]) { server in
            expectSent(
                await client(server) {
                    $0.username = "mailer"
                    $0.password = "pw"
                }.send([message()]))
        }
    }

    @Test func authRequiredByServerButNoCredentialsConfigured() async throws {
        try await withServer(["--auth-user", "mailer", "--auth-password", "pw"]) { server in
            let outcomes = await client(server).send([message()])
            expectPermanent(outcomes[0], containing: "530")
        }
    }

    @Test func credentialsConfiguredButNoAuthOffered() async throws {
        try await withServer(["--hide-auth"]) { server in
            let outcomes = await client(server) {
                $0.username = "mailer"
                $0.password = "pw"
            }.send([message()])
            expectPermanent(outcomes[0], containing: "offers no authentication")
            #expect(server.receivedFiles().isEmpty)
        }
    }

    // MARK: Connection failures

    @Test func serverThatNeverGreetsTimesOut() async throws {
        try await withServer(["--mode", "silent"]) { server in
            let outcomes = await client(server) { $0.timeout = .seconds(1) }.send([message(), message()])
            #expect(outcomes.count == 2)
            for outcome in outcomes {
                expectTransient(outcome, containing: "timed out after 1 s waiting for the reply to the server greeting")
            }
        }
    }

    @Test func connectionRefusedIsTransient() async throws {
        // Start and stop a server to learn a port that is free (nothing listens there now).
        let server = try await SMTPTestServer.start()
        let port = server.port
        server.stop()
        let config = SMTPConfiguration(host: "127.0.0.1", port: port, tls: .none, timeout: .seconds(2))
        let outcomes = await SMTPClient(configuration: config, eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: Self.logger)
            .send([message()])
        expectTransient(outcomes[0], containing: "could not connect to 127.0.0.1:\(port)")
    }

    @Test func emptyBatchDoesNothing() async {
        let config = SMTPConfiguration(host: "127.0.0.1", port: 9, tls: .none)
        let outcomes = await SMTPClient(configuration: config, eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: Self.logger)
            .send([])
        #expect(outcomes.isEmpty)
    }
}
