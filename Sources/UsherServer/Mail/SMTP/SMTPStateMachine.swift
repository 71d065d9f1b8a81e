import Foundation

/// The message a mail transaction carries, as the protocol needs it.
struct SMTPEnvelope: Sendable, Equatable {
    var from: String
    var to: String
    /// The rendered message (CRLF line ends, not yet dot-stuffed).
    var data: [UInt8]
    /// An address is not ASCII, so the relay must offer SMTPUTF8 (RFC 6531).
    var needsSMTPUTF8: Bool
}

extension SMTPEnvelope {
    init(_ message: MIMEMessage, data: [UInt8]) {
        self.init(from: message.fromAddress, to: message.toAddress, data: data, needsSMTPUTF8: message.needsSMTPUTF8)
    }
}

/// The client side of an SMTP conversation (RFC 5321, with STARTTLS, AUTH, SIZE and
/// SMTPUTF8) as a pure state machine: events in, one action out, no channel or socket.
///
/// This is the shape of SwiftNIO's own protocol state machines (NIOHTTP1's upgrader state
/// machines): every protocol decision — which command comes next, which reply codes are
/// acceptable, what a refusal means — lives here and is tested without a network
/// (SMTPStateMachineTests); `SMTPConnection` only carries out the actions.
///
/// One command is outstanding at a time. The client does not pipeline (RFC 2920): a batch
/// is a handful of invitation emails, and waiting for each reply keeps a refused recipient
/// from turning the following DATA into a protocol error.
struct SMTPStateMachine {
    /// What the connection has to do next.
    enum Action: Equatable {
        /// Write nothing, wait for the server's greeting.
        case readGreeting
        /// Write the command and feed its reply to `receivedReply(_:)`.
        case send(SMTPCommand)
        /// The server agreed to STARTTLS: put TLS under the connection before anything else is
        /// read, then call `tlsEstablished()`.
        case startTLS
        /// The session is set up (or reset) and can take a message.
        case ready
        /// The relay took responsibility for the message; this is its reply to the data.
        case delivered(SMTPReply)
        /// The step failed. After `.rejected` or `.refused` the session is still in sync (a
        /// mail transaction is followed by `reset()`); after `.connection` only closing is left.
        case fail(SMTPSessionError)
        /// Nothing more to say: close the channel.
        case close
    }

    private enum State {
        case connected
        case greeting
        case ehlo
        case helo
        case startTLS
        case upgradingToTLS
        /// `resent`: the server asked for the initial response again (334) and got it.
        case authPlain(resent: Bool)
        case authLogin
        case authLoginUsername
        case authLoginPassword
        case ready
        case mailFrom(SMTPEnvelope)
        case rcptTo(SMTPEnvelope)
        case data(SMTPEnvelope)
        case messageData
        case rset
        /// The server refused the last step but still agrees with us on the state.
        case refused
        case quitting
        /// The connection can no longer be trusted to be in step (or is gone).
        case broken
        case closed
    }

    private let configuration: SMTPConfiguration
    private var state = State.connected
    private(set) var capabilities = SMTPCapabilities()
    /// Security: credentials go only over TLS, unless tls=none was chosen explicitly.
    private(set) var isEncrypted: Bool

    init(configuration: SMTPConfiguration) {
        self.configuration = configuration
        self.isEncrypted = configuration.tls == .implicitTLS
    }

    // MARK: Events

    /// The TCP (and, for implicit TLS, the TLS) connection is up.
    mutating func connected() -> Action {
        guard case .connected = state else { return internalError("connected twice") }
        state = .greeting
        return .readGreeting
    }

    /// One complete reply to the command last sent (or the greeting).
    mutating func receivedReply(_ reply: SMTPReply) -> Action {
        switch state {
        case .greeting:
            if let failure = check(reply, [220], step: "connection greeting") { return fail(failure) }
            return hello()

        case .ehlo:
            if reply.code == 250 {
                capabilities = SMTPCapabilities(ehloReply: reply)
                return afterHello()
            }
            // A server that does not know ESMTP answers 5xx; it still understands HELO.
            guard (500..<600).contains(reply.code) else {
                return fail(check(reply, [250], step: "EHLO") ?? unexpected(reply, step: "EHLO"))
            }
            state = .helo
            return .send(.helo(configuration.heloName))

        case .helo:
            if let failure = check(reply, [250], step: "HELO") { return fail(failure) }
            capabilities = SMTPCapabilities()
            return afterHello()

        case .startTLS:
            if let failure = check(reply, [220], step: "STARTTLS") { return fail(failure) }
            state = .upgradingToTLS
            return .startTLS

        case .authPlain(let resent):
            if reply.code == 334 && !resent {
                state = .authPlain(resent: true)
                return .send(.authPlainResponse(plainCredentials))
            }
            if let failure = check(reply, [235], step: "AUTH PLAIN") { return fail(failure) }
            return becomeReady()

        case .authLogin:
            if let failure = check(reply, [334], step: "AUTH LOGIN") { return fail(failure) }
            state = .authLoginUsername
            return .send(.authLoginUsername(Data((configuration.username ?? "").utf8).base64EncodedString()))

        case .authLoginUsername:
            if let failure = check(reply, [334], step: "AUTH LOGIN user name") { return fail(failure) }
            state = .authLoginPassword
            return .send(.authLoginPassword(Data((configuration.password ?? "").utf8).base64EncodedString()))

        case .authLoginPassword:
            if let failure = check(reply, [235], step: "AUTH LOGIN") { return fail(failure) }
            return becomeReady()

        case .mailFrom(let envelope):
            if let failure = check(reply, [250], step: "MAIL FROM") { return fail(failure) }
            state = .rcptTo(envelope)
            return .send(.rcptTo(envelope.to))

        case .rcptTo(let envelope):
            // 251: "user not local; will forward", as good as 250 for us.
            if let failure = check(reply, [250, 251], step: "RCPT TO") { return fail(failure) }
            state = .data(envelope)
            return .send(.data)

        case .data(let envelope):
            if let failure = check(reply, [354], step: "DATA") { return fail(failure) }
            state = .messageData
            return .send(.messageData(envelope.data))

        case .messageData:
            if let failure = check(reply, [250], step: "end of message data") { return fail(failure) }
            state = .ready
            return .delivered(reply)

        case .rset:
            if let failure = check(reply, [250], step: "RSET") { return fail(failure) }
            return becomeReady()

        case .quitting:
            // Whatever the answer to QUIT, the conversation is over.
            state = .closed
            return .close

        case .connected, .upgradingToTLS, .ready, .refused, .broken, .closed:
            return fail(.connection("the server sent \(reply) without being asked"))
        }
    }

    /// TLS is now under the connection (after STARTTLS).
    mutating func tlsEstablished() -> Action {
        guard case .upgradingToTLS = state else { return internalError("TLS established outside STARTTLS") }
        isEncrypted = true
        // RFC 3207 §4.2: everything learnt before the upgrade must be forgotten and asked for again.
        capabilities = SMTPCapabilities()
        return hello()
    }

    /// Starts a mail transaction. Limits the relay announced are checked first, so a message
    /// it would refuse anyway costs no round trip (the refusal is permanent either way).
    mutating func send(_ envelope: SMTPEnvelope) -> Action {
        guard case .ready = state else { return internalError("a message was sent before the session was ready") }
        if let maxSize = capabilities.maxSize, envelope.data.count > maxSize {
            return fail(.refused("the message is \(envelope.data.count) bytes but the relay accepts at most \(maxSize) bytes"))
        }
        if envelope.needsSMTPUTF8 && !capabilities.smtpUTF8 {
            return fail(.refused("an address is not ASCII and the relay does not support SMTPUTF8"))
        }
        state = .mailFrom(envelope)
        return .send(
            .mailFrom(
                address: envelope.from,
                size: capabilities.sizeAdvertised ? envelope.data.count : nil,
                smtpUTF8: envelope.needsSMTPUTF8))
    }

    /// RSET after a refused message, so the next one starts with a clean transaction.
    mutating func reset() -> Action {
        switch state {
        case .ready, .refused:
            state = .rset
            return .send(.rset)
        default:
            return internalError("RSET outside a session")
        }
    }

    /// Ends the session: QUIT while the server is still in step with us, otherwise just close.
    mutating func quit() -> Action {
        switch state {
        case .broken, .closed, .connected, .upgradingToTLS:
            state = .closed
            return .close
        default:
            state = .quitting
            return .send(.quit)
        }
    }

    /// Reading or writing failed (timeout, closed connection, TLS failure); nothing the
    /// server says from here on can be trusted to belong to our commands.
    mutating func connectionFailed() {
        state = .broken
    }

    // MARK: Steps

    private mutating func hello() -> Action {
        state = .ehlo
        return .send(.ehlo(configuration.heloName))
    }

    /// After EHLO or HELO: upgrade to TLS if required, then authenticate if configured.
    private mutating func afterHello() -> Action {
        if configuration.tls == .startTLS && !isEncrypted {
            // Security: tls=starttls is a requirement, not a wish; continuing in clear text
            // when the capability is missing (or stripped by an attacker) would expose mail
            // and credentials.
            guard capabilities.startTLS else {
                return fail(
                    .refused(
                        "the relay does not offer STARTTLS, but USHER_SMTP_URL requires it (tls=starttls); refusing to continue in clear text"
                    ))
            }
            state = .startTLS
            return .send(.startTLS)
        }
        if configuration.hasCredentials {
            return authenticate()
        }
        return becomeReady()
    }

    private mutating func authenticate() -> Action {
        // By construction we are encrypted here unless tls=none was chosen explicitly; the
        // check keeps it that way if the sequence above is ever changed.
        guard isEncrypted || configuration.tls == .none else {
            return fail(.refused("refusing to send credentials over an unencrypted connection"))
        }
        let offered = capabilities.authMechanisms
        guard !offered.isEmpty else {
            return fail(.refused("USHER_SMTP_URL has credentials but the relay offers no authentication (no AUTH in its EHLO reply)"))
        }
        // PLAIN first: one round trip instead of three, and equally safe under TLS.
        if offered.contains("PLAIN") {
            state = .authPlain(resent: false)
            return .send(.authPlain(initialResponse: plainCredentials))
        }
        if offered.contains("LOGIN") {
            state = .authLogin
            return .send(.authLogin)
        }
        return fail(.refused("the relay offers AUTH \(offered.sorted().joined(separator: " ")), but only PLAIN and LOGIN are supported"))
    }

    private var plainCredentials: String {
        let username = Array((configuration.username ?? "").utf8)
        let password = Array((configuration.password ?? "").utf8)
        return Data([0] + username + [0] + password).base64EncodedString()
    }

    private mutating func becomeReady() -> Action {
        state = .ready
        return .ready
    }

    // MARK: Replies and failures

    /// Nil when the reply is one of `codes`. A 4xx/5xx is the server saying no, and leaves the
    /// session usable; any other reply means we no longer agree on where the conversation is.
    private func check(_ reply: SMTPReply, _ codes: Set<Int>, step: String) -> SMTPSessionError? {
        if codes.contains(reply.code) { return nil }
        if (400..<600).contains(reply.code) { return .rejected(step: step, reply: reply) }
        return unexpected(reply, step: step)
    }

    private func unexpected(_ reply: SMTPReply, step: String) -> SMTPSessionError {
        .connection("unexpected reply \(reply) to \(step)")
    }

    private mutating func fail(_ error: SMTPSessionError) -> Action {
        if case .connection = error {
            state = .broken
        } else {
            state = .refused
        }
        return .fail(error)
    }

    /// The connection drove the machine out of order: a bug on our side, never the server's.
    /// Answered as a broken connection (transient) rather than a crash of the mail worker.
    private mutating func internalError(_ what: String) -> Action {
        fail(.connection("internal error: \(what)"))
    }
}
