import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// What happened to one message of a batch.
enum SMTPDeliveryOutcome: Sendable, Equatable {
    /// The relay took responsibility for the message; `reply` is its final answer to DATA.
    case sent(reply: String)
    /// Worth retrying later: a 4xx reply, a timeout or a broken connection.
    case transientFailure(String)
    /// Retrying the same message will not help: a 5xx reply or a message/configuration the
    /// relay cannot accept.
    case permanentFailure(String)
}

/// Sends batches of messages to one relay, one connection per batch.
///
/// The connection is reused for every message of a batch; a message refused by the relay
/// is followed by RSET so the remaining messages still go out on the same connection.
struct SMTPClient: Sendable {
    let configuration: SMTPConfiguration
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger

    init(configuration: SMTPConfiguration, eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        var logger = logger
        logger[metadataKey: "smtp.relay"] = "\(configuration.host):\(configuration.port)"
        self.logger = logger
    }

    /// Delivers `messages` in order and returns one outcome per message, in the same order.
    /// Never throws: every failure is described in the outcomes.
    func send(_ messages: [MIMEMessage]) async -> [SMTPDeliveryOutcome] {
        var outcomes = [SMTPDeliveryOutcome?](repeating: nil, count: messages.count)

        // Render first, so a malformed message fails on its own without costing a connection.
        var pending: [(index: Int, message: MIMEMessage, data: [UInt8])] = []
        for (index, message) in messages.enumerated() {
            do {
                pending.append((index, message, try message.render()))
            } catch {
                outcomes[index] = .permanentFailure("message could not be rendered: \(error)")
            }
        }
        guard !pending.isEmpty else { return outcomes.map { $0 ?? .permanentFailure("not rendered") } }

        let session: SMTPSession
        do {
            session = try await SMTPSession.open(configuration: configuration, group: eventLoopGroup, logger: logger)
        } catch {
            let outcome = SMTPSessionError.from(error).outcome
            logger.warning("SMTP session setup failed", metadata: ["smtp.error": "\(outcome)"])
            for item in pending { outcomes[item.index] = outcome }
            return outcomes.map { $0 ?? outcome }
        }

        var connectionLost: String?
        for item in pending {
            if let connectionLost {
                outcomes[item.index] = .transientFailure("not attempted: \(connectionLost)")
                continue
            }
            do {
                let reply = try await session.deliver(item.message, data: item.data)
                outcomes[item.index] = .sent(reply: reply.description)
            } catch {
                let sessionError = SMTPSessionError.from(error)
                outcomes[item.index] = sessionError.outcome
                logger.info("SMTP delivery failed", metadata: ["smtp.error": "\(sessionError.outcome)"])
                if case .connection(let reason) = sessionError {
                    connectionLost = "the connection to the relay was lost (\(reason))"
                    continue
                }
                // The relay refused this transaction; reset it so the next message starts clean.
                do {
                    try await session.reset()
                } catch {
                    connectionLost = "RSET after a refused message failed (\(SMTPSessionError.from(error).message))"
                }
            }
        }

        await session.quit(politely: connectionLost == nil)
        return outcomes.map { $0 ?? .transientFailure("not attempted") }
    }
}

// MARK: - The conversation

/// One connection to the relay, driven sequentially by `SMTPClient.send`.
final class SMTPSession {
    private let channel: any Channel
    /// Held outside the pipeline on purpose: when the connection dies (say, a failed TLS
    /// handshake) the pipeline drops its handlers, but the handler still knows *why*, and
    /// that reason is what the operator needs to see.
    private let replyHandler: NIOLoopBoundBox<SMTPReplyHandler?>
    private let configuration: SMTPConfiguration
    private let logger: Logger
    private var capabilities = SMTPCapabilities()
    private var isEncrypted: Bool

    private init(channel: any Channel, replyHandler: NIOLoopBoundBox<SMTPReplyHandler?>, configuration: SMTPConfiguration, logger: Logger) {
        self.channel = channel
        self.replyHandler = replyHandler
        self.configuration = configuration
        self.logger = logger
        self.isEncrypted = configuration.tls == .implicitTLS
    }

    /// Connects, reads the greeting, says EHLO, upgrades to TLS and authenticates as configured.
    static func open(configuration: SMTPConfiguration, group: any EventLoopGroup, logger: Logger) async throws -> SMTPSession {
        let tlsContext: NIOSSLContext?
        do {
            tlsContext = configuration.tls == .none ? nil : try makeTLSContext(configuration)
        } catch {
            let file = configuration.trustRootsPath.map { " \($0)" } ?? ""
            throw SMTPSessionError.refused("TLS setup failed (check the ca= file\(file) of USHER_SMTP_URL): \(error)")
        }
        // NIOSSL refuses IP literals for SNI; with nil it checks the certificate against the peer IP instead.
        let serverHostname = isIPAddress(configuration.host) ? nil : configuration.host
        let implicitTLS = configuration.tls == .implicitTLS ? tlsContext : nil

        let eventLoop = group.next()
        let replyHandler = NIOLoopBoundBox.makeEmptyBox(valueType: SMTPReplyHandler.self, eventLoop: eventLoop)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: eventLoop)
                .connectTimeout(configuration.timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let implicitTLS {
                            try channel.pipeline.syncOperations.addHandler(
                                NIOSSLClientHandler(context: implicitTLS, serverHostname: serverHostname))
                        }
                        let handler = SMTPReplyHandler()
                        replyHandler.value = handler
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                }
                .connect(host: configuration.host, port: configuration.port)
                .get()
        } catch {
            throw SMTPSessionError.connection(
                "could not connect to \(configuration.host):\(configuration.port): \(SMTPErrorText.describe(error))")
        }

        let session = SMTPSession(channel: channel, replyHandler: replyHandler, configuration: configuration, logger: logger)
        do {
            try await session.handshake(tlsContext: tlsContext, serverHostname: serverHostname)
        } catch {
            // After a refusal the server is still listening and deserves a QUIT; after a
            // connection failure there is nobody to say it to.
            var connectionBroken = false
            if case .connection = SMTPSessionError.from(error) { connectionBroken = true }
            await session.quit(politely: !connectionBroken)
            throw error
        }
        return session
    }

    private func handshake(tlsContext: NIOSSLContext?, serverHostname: String?) async throws {
        let greeting = try await exchange(nil, step: "the server greeting")
        try expect(greeting, 220, step: "connection greeting")

        try await hello()

        if configuration.tls == .startTLS {
            guard capabilities.startTLS else {
                throw SMTPSessionError.refused(
                    "the relay does not offer STARTTLS, but USHER_SMTP_URL requires it (tls=starttls); refusing to continue in clear text")
            }
            let reply = try await exchange("STARTTLS", step: "STARTTLS")
            try expect(reply, 220, step: "STARTTLS")
            guard let tlsContext else { throw SMTPSessionError.refused("internal error: no TLS context") }
            try await startTLS(tlsContext, serverHostname: serverHostname)
            // RFC 3207: everything learnt before the upgrade must be forgotten and asked for again.
            capabilities = SMTPCapabilities()
            try await hello()
        }

        if configuration.hasCredentials {
            try await authenticate()
        }
    }

    /// EHLO, falling back to HELO for servers that do not know ESMTP.
    private func hello() async throws {
        let reply = try await exchange("EHLO \(configuration.heloName)", step: "EHLO")
        if reply.code == 250 {
            capabilities = SMTPCapabilities(ehloReply: reply)
            return
        }
        guard (500..<600).contains(reply.code) else {
            try expect(reply, 250, step: "EHLO")
            return
        }
        let heloReply = try await exchange("HELO \(configuration.heloName)", step: "HELO")
        try expect(heloReply, 250, step: "HELO")
        capabilities = SMTPCapabilities()
    }

    private func startTLS(_ context: NIOSSLContext, serverHostname: String?) async throws {
        let channel = self.channel
        let replyHandler = self.replyHandler
        // The check and the insertion happen in one event-loop turn so no clear-text byte can
        // slip in between them.
        try await channel.eventLoop.flatSubmit {
            channel.eventLoop.makeCompletedFuture {
                guard let handler = replyHandler.value else { throw SMTPConnectionClosedError() }
                if handler.hasUnconsumedInput {
                    throw SMTPProtocolError(description: "the server sent data after its STARTTLS reply (possible command injection)")
                }
                let tlsHandler = try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
                try channel.pipeline.syncOperations.addHandler(tlsHandler, position: .first)
            }
        }.get()
        isEncrypted = true
        logger.debug("SMTP connection upgraded to TLS")
    }

    private func authenticate() async throws {
        let username = configuration.username ?? ""
        let password = configuration.password ?? ""
        // By construction we are encrypted here unless tls=none was chosen explicitly; the
        // check keeps it that way if the setup sequence is ever changed.
        guard isEncrypted || configuration.tls == .none else {
            throw SMTPSessionError.refused("refusing to send credentials over an unencrypted connection")
        }
        let offered = capabilities.authMechanisms
        guard !offered.isEmpty else {
            throw SMTPSessionError.refused(
                "USHER_SMTP_URL has credentials but the relay offers no authentication (no AUTH in its EHLO reply)")
        }
        if offered.contains("PLAIN") {
            let token = Data(([0] + Array(username.utf8) + [0] + Array(password.utf8))).base64EncodedString()
            var reply = try await exchange("AUTH PLAIN \(token)", logAs: "AUTH PLAIN <redacted>", step: "AUTH PLAIN")
            if reply.code == 334 {
                // Server ignored the initial response and asks for it again.
                reply = try await exchange(token, logAs: "<redacted>", step: "AUTH PLAIN")
            }
            try expect(reply, 235, step: "AUTH PLAIN")
        } else if offered.contains("LOGIN") {
            var reply = try await exchange("AUTH LOGIN", step: "AUTH LOGIN")
            try expect(reply, 334, step: "AUTH LOGIN")
            reply = try await exchange(Data(username.utf8).base64EncodedString(), logAs: "<redacted user name>", step: "AUTH LOGIN user name")
            try expect(reply, 334, step: "AUTH LOGIN user name")
            reply = try await exchange(Data(password.utf8).base64EncodedString(), logAs: "<redacted password>", step: "AUTH LOGIN password")
            try expect(reply, 235, step: "AUTH LOGIN")
        } else {
            throw SMTPSessionError.refused(
                "the relay offers AUTH \(offered.sorted().joined(separator: " ")), but only PLAIN and LOGIN are supported")
        }
    }

    /// One mail transaction. Returns the relay's final reply to the message data.
    func deliver(_ message: MIMEMessage, data: [UInt8]) async throws -> SMTPReply {
        if let maxSize = capabilities.maxSize, data.count > maxSize {
            throw SMTPSessionError.refused("the message is \(data.count) bytes but the relay accepts at most \(maxSize) bytes")
        }
        let needsUTF8 = message.needsSMTPUTF8
        if needsUTF8 && !capabilities.smtpUTF8 {
            throw SMTPSessionError.refused("an address is not ASCII and the relay does not support SMTPUTF8")
        }

        var mailFrom = "MAIL FROM:<\(message.fromAddress)>"
        if capabilities.sizeAdvertised { mailFrom += " SIZE=\(data.count)" }
        if needsUTF8 { mailFrom += " SMTPUTF8" }
        try expect(try await exchange(mailFrom, step: "MAIL FROM"), 250, step: "MAIL FROM")

        let rcpt = try await exchange("RCPT TO:<\(message.toAddress)>", step: "RCPT TO")
        try expect(rcpt, [250, 251], step: "RCPT TO")

        try expect(try await exchange("DATA", step: "DATA"), 354, step: "DATA")

        var payload = SMTPDotStuffing.stuff(data)
        payload += Array(".\r\n".utf8)
        let final = try await exchange(bytes: ByteBuffer(bytes: payload), logAs: "<message data, \(data.count) bytes>", step: "end of message data")
        try expect(final, 250, step: "end of message data")
        return final
    }

    func reset() async throws {
        try expect(try await exchange("RSET", step: "RSET"), 250, step: "RSET")
    }

    /// Ends the session. Failures are ignored: the messages' outcomes are already decided.
    func quit(politely: Bool) async {
        if politely {
            _ = try? await exchange("QUIT", step: "QUIT")
        }
        try? await channel.close().get()
    }

    // MARK: Plumbing

    private func expect(_ reply: SMTPReply, _ code: Int, step: String) throws {
        try expect(reply, [code], step: step)
    }

    private func expect(_ reply: SMTPReply, _ codes: Set<Int>, step: String) throws {
        if codes.contains(reply.code) { return }
        if (400..<600).contains(reply.code) {
            throw SMTPSessionError.rejected(step: step, reply: reply)
        }
        // A positive reply where another was expected means we no longer agree on the state.
        throw SMTPSessionError.connection("unexpected reply \(reply) to \(step)")
    }

    private func exchange(_ command: String?, logAs: String? = nil, step: String) async throws -> SMTPReply {
        try await exchange(bytes: command.map { ByteBuffer(string: $0 + "\r\n") }, logAs: logAs ?? command, step: step)
    }

    private func exchange(bytes: ByteBuffer?, logAs: String?, step: String) async throws -> SMTPReply {
        if let logAs { logger.debug("SMTP C: \(logAs)") }
        let eventLoop = channel.eventLoop
        let replyHandler = self.replyHandler
        let timeout = configuration.timeout
        do {
            let reply = try await eventLoop.flatSubmit { () -> EventLoopFuture<SMTPReply> in
                guard let handler = replyHandler.value else {
                    return eventLoop.makeFailedFuture(SMTPConnectionClosedError())
                }
                return handler.exchange(bytes, timeout: timeout, step: "the reply to \(step)", on: eventLoop)
            }.get()
            logger.debug("SMTP S: \(reply)")
            return reply
        } catch {
            throw SMTPSessionError.connection(SMTPErrorText.describe(error))
        }
    }

    private static func makeTLSContext(_ configuration: SMTPConfiguration) throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if configuration.verifyCertificates {
            tls.certificateVerification = .fullVerification
            if let path = configuration.trustRootsPath {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path))
            }
        } else {
            tls.certificateVerification = .none
        }
        return try NIOSSLContext(configuration: tls)
    }

    private static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}

