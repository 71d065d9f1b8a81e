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

// MARK: - Replies

/// One complete (possibly multi-line) reply.
struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    var code: Int
    /// The text of each line, without the code and separator.
    var lines: [String]

    var text: String { lines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " / ") }
    var description: String { text.isEmpty ? "\(code)" : "\(code) \(text)" }
}

/// Something the server sent that is not SMTP, or a conversation that went off the rails.
struct SMTPProtocolError: Error, CustomStringConvertible {
    let description: String
}

/// Splits the byte stream into lines and groups `250-…` continuation lines into one reply.
/// Kept free of NIO so it can be tested directly.
struct SMTPReplyParser {
    /// RFC 5321 allows 512 octets per reply line; be generous but bounded so a hostile
    /// server cannot make us buffer without limit.
    static let maxLineLength = 8192
    static let maxLinesPerReply = 512

    private var buffer: [UInt8] = []
    private var pendingCode: Int?
    private var pendingLines: [String] = []

    /// True if part of a line or of a multi-line reply has been received but not yet returned.
    var hasPartialInput: Bool { !buffer.isEmpty || pendingCode != nil }

    mutating func feed(_ bytes: some Sequence<UInt8>) throws -> [SMTPReply] {
        buffer.append(contentsOf: bytes)
        var replies: [SMTPReply] = []
        var lineStart = 0
        while let newline = buffer[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
            var lineEnd = newline
            if lineEnd > lineStart && buffer[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            let line = buffer[lineStart..<lineEnd]
            lineStart = newline + 1
            if let reply = try consume(line: line) { replies.append(reply) }
        }
        buffer.removeFirst(lineStart)
        if buffer.count > Self.maxLineLength {
            throw SMTPProtocolError(description: "server sent a reply line longer than \(Self.maxLineLength) bytes")
        }
        return replies
    }

    private mutating func consume(line: ArraySlice<UInt8>) throws -> SMTPReply? {
        guard line.count <= Self.maxLineLength else {
            throw SMTPProtocolError(description: "server sent a reply line longer than \(Self.maxLineLength) bytes")
        }
        let bytes = Array(line)
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        guard bytes.count >= 3, bytes[0...2].allSatisfy({ digits.contains($0) }), (UInt8(ascii: "1")...UInt8(ascii: "5")).contains(bytes[0]) else {
            throw SMTPProtocolError(description: "server sent a line that is not an SMTP reply: \(Self.preview(bytes))")
        }
        let code = Int(bytes[0] - 48) * 100 + Int(bytes[1] - 48) * 10 + Int(bytes[2] - 48)
        let isContinuation: Bool
        if bytes.count == 3 {
            isContinuation = false
        } else if bytes[3] == UInt8(ascii: "-") {
            isContinuation = true
        } else if bytes[3] == UInt8(ascii: " ") {
            isContinuation = false
        } else {
            throw SMTPProtocolError(description: "server sent a malformed reply line: \(Self.preview(bytes))")
        }
        if let pendingCode, pendingCode != code {
            throw SMTPProtocolError(description: "server changed the reply code within a multi-line reply (\(pendingCode) then \(code))")
        }
        let text = bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : ""
        pendingLines.append(text)
        if pendingLines.count > Self.maxLinesPerReply {
            throw SMTPProtocolError(description: "server sent a reply with more than \(Self.maxLinesPerReply) lines")
        }
        if isContinuation {
            pendingCode = code
            return nil
        }
        let reply = SMTPReply(code: code, lines: pendingLines)
        pendingCode = nil
        pendingLines = []
        return reply
    }

    private static func preview(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix(80), as: UTF8.self).debugDescription
    }
}

/// What the server said it supports in its EHLO reply.
struct SMTPCapabilities: Sendable, Equatable {
    var isExtended = false
    var startTLS = false
    var authMechanisms: Set<String> = []
    /// Present when SIZE is advertised; nil value inside means "advertised without a limit".
    var sizeAdvertised = false
    var maxSize: Int?
    var smtpUTF8 = false
    var eightBitMIME = false

    init() {}

    /// The first line of an EHLO reply is the server's greeting; each further line is one
    /// extension keyword with optional parameters.
    init(ehloReply reply: SMTPReply) {
        isExtended = true
        for line in reply.lines.dropFirst() {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { String($0) }
            guard let first = words.first else { continue }
            // Some old servers advertise "AUTH=PLAIN LOGIN".
            let keyword: String
            var params = Array(words.dropFirst())
            if first.uppercased().hasPrefix("AUTH=") {
                keyword = "AUTH"
                params.insert(String(first.dropFirst(5)), at: 0)
            } else {
                keyword = first.uppercased()
            }
            switch keyword {
            case "STARTTLS": startTLS = true
            case "AUTH": authMechanisms.formUnion(params.map { $0.uppercased() })
            case "SIZE":
                sizeAdvertised = true
                // "SIZE 0" or a bare "SIZE" means no fixed limit (RFC 1870).
                if let limit = params.first.flatMap({ Int($0) }), limit > 0 { maxSize = limit }
            case "SMTPUTF8": smtpUTF8 = true
            case "8BITMIME": eightBitMIME = true
            default: break
            }
        }
    }
}

// MARK: - Errors inside a session

/// How a step of the conversation failed; decides the outcome and whether the session can go on.
enum SMTPSessionError: Error {
    /// The server answered with a negative reply; the session itself is still in sync.
    case rejected(step: String, reply: SMTPReply)
    /// Decided locally, nothing was sent for it; permanent (configuration or message problem).
    case refused(String)
    /// Timeout, closed connection, TLS failure, protocol violation: the session is unusable.
    case connection(String)

    static func from(_ error: any Error) -> SMTPSessionError {
        if let error = error as? SMTPSessionError { return error }
        return .connection(SMTPErrorText.describe(error))
    }

    var message: String {
        switch self {
        case .rejected(let step, let reply): "\(reply) (in reply to \(step))"
        case .refused(let reason): reason
        case .connection(let reason): reason
        }
    }

    var outcome: SMTPDeliveryOutcome {
        switch self {
        case .rejected(_, let reply) where (500..<600).contains(reply.code): .permanentFailure(message)
        case .rejected: .transientFailure(message)
        case .refused: .permanentFailure(message)
        case .connection: .transientFailure(message)
        }
    }
}

struct SMTPTimeoutError: Error, CustomStringConvertible {
    let description: String
}

struct SMTPConnectionClosedError: Error, CustomStringConvertible {
    var description: String { "the server closed the connection" }
}

enum SMTPErrorText {
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as SMTPTimeoutError: return error.description
        case let error as SMTPProtocolError: return "protocol error: \(error.description)"
        case let error as SMTPConnectionClosedError: return error.description
        case let error as NIOSSLError:
            // The most common cause by far, so say what to do about it.
            let hint = "\(error)".contains("CERTIFICATE_VERIFY_FAILED")
                ? " (the relay's certificate is not trusted: set ca= in USHER_SMTP_URL to its CA file, or check the host name)"
                : ""
            return "TLS failure: \(error)\(hint)"
        case let error as NIOSSLExtraError: return "TLS failure: \(error)"
        case let error as BoringSSLError: return "TLS failure: \(error)"
        case ChannelError.connectTimeout(let amount): return "connecting timed out after \(seconds(amount))"
        default: return String(describing: error)
        }
    }

    static func seconds(_ amount: TimeAmount) -> String {
        let value = Double(amount.nanoseconds) / 1_000_000_000
        return value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}

// MARK: - Channel handler

/// Turns inbound bytes into replies and hands them, one per request, to the conversation.
///
/// Lives on the event loop; the conversation reaches it only through `eventLoop.flatSubmit`.
/// Every wait has its own timeout, after which the connection is closed, because a reply
/// arriving late would be taken as the answer to the next command.
final class SMTPReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var parser = SMTPReplyParser()
    private var replies = CircularBuffer<SMTPReply>()
    private var waiter: (promise: EventLoopPromise<SMTPReply>, timeout: Scheduled<Void>)?
    private var failure: (any Error)?
    private var context: ChannelHandlerContext?

    /// Replies or partial replies that arrived without being asked for. Checked before the
    /// TLS upgrade: anything received in clear text then could be injected by an attacker
    /// and later be mistaken for a reply sent over TLS.
    var hasUnconsumedInput: Bool { !replies.isEmpty || parser.hasPartialInput }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        fail(SMTPConnectionClosedError())
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        do {
            replies.append(contentsOf: try parser.feed(buffer.readableBytesView))
            // We never pipeline, so more than a few unrequested replies means a misbehaving
            // server; stop before it makes us buffer without limit.
            if replies.count > 16 {
                throw SMTPProtocolError(description: "the server sent more replies than commands")
            }
            deliver()
        } catch {
            fail(error)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(SMTPConnectionClosedError())
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    /// Writes `command` (if given) and returns the next reply, failing after `timeout`.
    func exchange(_ command: ByteBuffer?, timeout: TimeAmount, step: String, on eventLoop: any EventLoop) -> EventLoopFuture<SMTPReply> {
        guard let context else {
            return eventLoop.makeFailedFuture(failure ?? SMTPConnectionClosedError())
        }
        if let failure { return eventLoop.makeFailedFuture(failure) }
        guard waiter == nil else {
            return eventLoop.makeFailedFuture(SMTPProtocolError(description: "internal error: overlapping SMTP commands"))
        }
        let promise = eventLoop.makePromise(of: SMTPReply.self)
        let boundSelf = NIOLoopBound(self, eventLoop: eventLoop)
        let timeoutTask = eventLoop.scheduleTask(in: timeout) {
            let handler = boundSelf.value
            handler.fail(SMTPTimeoutError(description: "timed out after \(SMTPErrorText.seconds(timeout)) waiting for \(step)"))
            handler.context?.close(promise: nil)
        }
        waiter = (promise, timeoutTask)
        if let command {
            context.writeAndFlush(wrapOutboundOut(command)).whenFailure { error in
                boundSelf.value.fail(error)
            }
        }
        deliver()
        return promise.futureResult
    }

    private func deliver() {
        guard let waiter, let reply = replies.popFirst() else { return }
        self.waiter = nil
        waiter.timeout.cancel()
        waiter.promise.succeed(reply)
    }

    /// The first error wins: it is the cause, later ones (like the close it triggers) are symptoms.
    private func fail(_ error: any Error) {
        if failure == nil { failure = error }
        guard let waiter else { return }
        self.waiter = nil
        waiter.timeout.cancel()
        waiter.promise.fail(failure ?? error)
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

/// RFC 5321 §4.5.2: a line starting with "." gets one more, so that no line of the message
/// can be read as the end-of-data marker. Also guarantees the data ends with CRLF, since
/// the terminating "." must start a line.
enum SMTPDotStuffing {
    static func stuff(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + data.count / 64 + 4)
        var atLineStart = true
        for byte in data {
            if atLineStart && byte == UInt8(ascii: ".") { out.append(UInt8(ascii: ".")) }
            out.append(byte)
            atLineStart = byte == UInt8(ascii: "\n")
        }
        if !out.isEmpty && !out.ends(with: [13, 10]) {
            out += [13, 10]
        }
        return out
    }
}

fileprivate extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
