import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// One connection to the relay: connects, carries out what `SMTPStateMachine` decides
/// (writes commands, waits for replies with a timeout each, puts TLS under the connection
/// for STARTTLS) and closes. It makes no protocol decision of its own.
///
/// Driven sequentially by `SMTPClient.send`, one step at a time. Not an `NIOAsyncChannel`:
/// the STARTTLS upgrade must check, in the same event-loop turn as it inserts TLS, that no
/// clear-text byte is buffered, and only a handler of our own can see that buffer.
final class SMTPConnection {
    private let channel: any Channel
    /// Held outside the pipeline on purpose: when the connection dies (say, a failed TLS
    /// handshake) the pipeline drops its handlers, but the handler still knows *why*, and
    /// that reason is what the operator needs to see.
    private let replyHandler: NIOLoopBoundBox<SMTPReplyHandler?>
    private let configuration: SMTPConfiguration
    private let tlsContext: NIOSSLContext?
    private let serverHostname: String?
    private let logger: Logger
    private var stateMachine: SMTPStateMachine

    private init(
        channel: any Channel, replyHandler: NIOLoopBoundBox<SMTPReplyHandler?>, configuration: SMTPConfiguration,
        tlsContext: NIOSSLContext?, serverHostname: String?, logger: Logger
    ) {
        self.channel = channel
        self.replyHandler = replyHandler
        self.configuration = configuration
        self.tlsContext = tlsContext
        self.serverHostname = serverHostname
        self.logger = logger
        self.stateMachine = SMTPStateMachine(configuration: configuration)
    }

    /// Connects, reads the greeting, says EHLO, upgrades to TLS and authenticates as configured.
    static func open(configuration: SMTPConfiguration, group: any EventLoopGroup, logger: Logger) async throws -> SMTPConnection {
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

        let connection = SMTPConnection(
            channel: channel, replyHandler: replyHandler, configuration: configuration,
            tlsContext: tlsContext, serverHostname: serverHostname, logger: logger)
        do {
            try await connection.expectReady(connection.run(connection.stateMachine.connected()))
        } catch {
            // After a refusal the server is still listening and deserves a QUIT; after a
            // connection failure the state machine knows there is nobody to say it to.
            await connection.quit(politely: true)
            throw error
        }
        return connection
    }

    /// One mail transaction. Returns the relay's final reply to the message data.
    func deliver(_ message: MIMEMessage, data: [UInt8]) async throws -> SMTPReply {
        switch try await run(stateMachine.send(SMTPEnvelope(message, data: data))) {
        case .delivered(let reply): return reply
        case .fail(let error): throw error
        case let other: throw unexpectedEnd(other)
        }
    }

    func reset() async throws {
        try expectReady(await run(stateMachine.reset()))
    }

    /// Ends the session. Failures are ignored: the messages' outcomes are already decided.
    func quit(politely: Bool) async {
        if politely {
            _ = try? await run(stateMachine.quit())
        }
        try? await channel.close().get()
    }

    // MARK: Carrying out the state machine's actions

    /// Performs actions until the state machine reaches one for the caller: ready, a
    /// delivered message, a failure or the end of the conversation.
    private func run(_ first: SMTPStateMachine.Action) async throws -> SMTPStateMachine.Action {
        var action = first
        while true {
            switch action {
            case .readGreeting:
                action = stateMachine.receivedReply(try await exchange(nil, step: "the server greeting"))
            case .send(let command):
                action = stateMachine.receivedReply(try await exchange(command, step: command.step))
            case .startTLS:
                try await startTLS()
                action = stateMachine.tlsEstablished()
            case .ready, .delivered, .fail, .close:
                return action
            }
        }
    }

    private func expectReady(_ action: SMTPStateMachine.Action) throws {
        switch action {
        case .ready: return
        case .fail(let error): throw error
        default: throw unexpectedEnd(action)
        }
    }

    private func unexpectedEnd(_ action: SMTPStateMachine.Action) -> SMTPSessionError {
        stateMachine.connectionFailed()
        return .connection("internal error: the SMTP step ended with \(action)")
    }

    private func startTLS() async throws {
        guard let tlsContext else {
            throw SMTPSessionError.refused("internal error: no TLS context")
        }
        let channel = self.channel
        let replyHandler = self.replyHandler
        let serverHostname = self.serverHostname
        do {
            // Security: the check and the insertion happen in one event-loop turn so no
            // clear-text byte can slip in between them (RFC 3207 §6, command injection).
            try await channel.eventLoop.flatSubmit {
                channel.eventLoop.makeCompletedFuture {
                    guard let handler = replyHandler.value else { throw SMTPConnectionClosedError() }
                    if handler.hasUnconsumedInput {
                        throw SMTPProtocolError(description: "the server sent data after its STARTTLS reply (possible command injection)")
                    }
                    let tlsHandler = try NIOSSLClientHandler(context: tlsContext, serverHostname: serverHostname)
                    try channel.pipeline.syncOperations.addHandler(tlsHandler, position: .first)
                }
            }.get()
        } catch {
            stateMachine.connectionFailed()
            throw SMTPSessionError.connection(SMTPErrorText.describe(error))
        }
        logger.debug("SMTP connection upgraded to TLS")
    }

    /// Writes `command` (if any) and waits for one reply; the timeout and the reason a
    /// connection died live in `SMTPReplyHandler`, on the event loop.
    private func exchange(_ command: SMTPCommand?, step: String) async throws -> SMTPReply {
        if let command { logger.debug("SMTP C: \(command.logDescription)") }
        let bytes = command.map { ByteBuffer(bytes: $0.bytes) }
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
            stateMachine.connectionFailed()
            throw SMTPSessionError.connection(SMTPErrorText.describe(error))
        }
    }

    // MARK: Set-up

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
