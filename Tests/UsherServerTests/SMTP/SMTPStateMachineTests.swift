import Foundation
import Testing

@testable import UsherServer

/// The SMTP conversation without a socket: each test feeds replies into the state machine
/// and checks the one action it answers with.
@Suite("SMTP state machine")
struct SMTPStateMachineTests {
    static func reply(_ code: Int, _ lines: String...) -> SMTPReply {
        SMTPReply(code: code, lines: lines.isEmpty ? [""] : lines)
    }

    static func machine(
        tls: SMTPTLSMode = .none, username: String? = nil, password: String? = nil
    ) -> SMTPStateMachine {
        SMTPStateMachine(
            configuration: SMTPConfiguration(
                host: "mx.example", tls: tls, username: username, password: password, heloName: "usher.test"))
    }

    /// A machine that has been greeted and has said EHLO (for tls=none or implicit TLS).
    static func greeted(tls: SMTPTLSMode = .none, username: String? = nil, password: String? = nil) -> SMTPStateMachine {
        var machine = machine(tls: tls, username: username, password: password)
        #expect(machine.connected() == .readGreeting)
        #expect(machine.receivedReply(reply(220, "mx.example ESMTP")) == .send(.ehlo("usher.test")))
        return machine
    }

    /// A machine ready for a message; the relay advertises `extensions`.
    static func ready(_ extensions: String...) -> SMTPStateMachine {
        var machine = greeted()
        let ehlo = SMTPReply(code: 250, lines: ["mx.example"] + extensions)
        #expect(machine.receivedReply(ehlo) == .ready)
        return machine
    }

    static let envelope = SMTPEnvelope(
        from: "no-reply@usher.example", to: "ada@example.org", data: Array("Subject: hi\r\n\r\nHello\r\n".utf8),
        needsSMTPUTF8: false)

    static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    // MARK: Setting up the session

    @Test func greetingAndEHLOMakeTheSessionReady() {
        var machine = Self.greeted()
        #expect(machine.receivedReply(SMTPReply(code: 250, lines: ["mx.example", "SIZE 1000", "8BITMIME"])) == .ready)
        #expect(machine.capabilities.maxSize == 1000)
        #expect(!machine.isEncrypted)
    }

    @Test(arguments: [(421, false), (554, true)])
    func refusedGreetingFailsAndIsStillAnsweredWithQUIT(code: Int, permanent: Bool) {
        var machine = Self.machine()
        _ = machine.connected()
        let refusal = Self.reply(code, "not now")
        let action = machine.receivedReply(refusal)
        #expect(action == .fail(.rejected(step: "connection greeting", reply: refusal)))
        if case .fail(let error) = action {
            #expect(
                error.outcome
                    == (permanent
                        ? .permanentFailure("\(code) not now (in reply to connection greeting)")
                        : .transientFailure("\(code) not now (in reply to connection greeting)")))
        }
        // The server said no but is still listening: it gets a QUIT, and its answer ends the session.
        #expect(machine.quit() == .send(.quit))
        #expect(machine.receivedReply(Self.reply(221, "bye")) == .close)
    }

    @Test func ehloRefusedWith5xxFallsBackToHELO() {
        var machine = Self.greeted()
        #expect(machine.receivedReply(Self.reply(502, "command not implemented")) == .send(.helo("usher.test")))
        #expect(machine.receivedReply(Self.reply(250, "mx.example")) == .ready)
        #expect(machine.capabilities == SMTPCapabilities())
    }

    @Test func ehloAnsweredWith4xxIsATransientRefusal() {
        var machine = Self.greeted()
        let refusal = Self.reply(421, "too busy")
        #expect(machine.receivedReply(refusal) == .fail(.rejected(step: "EHLO", reply: refusal)))
    }

    @Test func aPositiveReplyOutOfTurnBreaksTheSession() {
        var machine = Self.greeted()
        #expect(machine.receivedReply(Self.reply(354, "go ahead")) == .fail(.connection("unexpected reply 354 go ahead to EHLO")))
        // Nothing the server says can be trusted to match our commands any more: no QUIT.
        #expect(machine.quit() == .close)
    }

    @Test func startTLSUpgradesAndForgetsWhatWasLearntInClearText() {
        var machine = Self.greeted(tls: .startTLS, username: "mailer", password: "pw")
        let clearText = SMTPReply(code: 250, lines: ["mx.example", "STARTTLS", "AUTH PLAIN", "SMTPUTF8"])
        #expect(machine.receivedReply(clearText) == .send(.startTLS))
        #expect(machine.receivedReply(Self.reply(220, "go ahead")) == .startTLS)
        #expect(!machine.isEncrypted)
        // RFC 3207: EHLO again over TLS, with no capability carried over.
        #expect(machine.tlsEstablished() == .send(.ehlo("usher.test")))
        #expect(machine.isEncrypted)
        #expect(machine.capabilities == SMTPCapabilities())
        // Over TLS the relay offers no AUTH, so the AUTH seen in clear text must not be used.
        let action = machine.receivedReply(SMTPReply(code: 250, lines: ["mx.example", "SIZE 1000"]))
        #expect(
            action
                == .fail(
                    .refused(
                        "USHER_SMTP_URL has credentials but the relay offers no authentication (no AUTH in its EHLO reply)")))
    }

    @Test func startTLSRequiredButNotOfferedRefusesToContinueInClearText() {
        var machine = Self.greeted(tls: .startTLS, username: "mailer", password: "pw")
        let action = machine.receivedReply(SMTPReply(code: 250, lines: ["mx.example", "AUTH PLAIN"]))
        guard case .fail(.refused(let reason)) = action else {
            Issue.record("expected a refusal, got \(action)")
            return
        }
        #expect(reason.contains("does not offer STARTTLS"))
        #expect(machine.quit() == .send(.quit))
    }

    @Test func startTLSRefusedByTheServer() {
        var machine = Self.greeted(tls: .startTLS)
        #expect(machine.receivedReply(SMTPReply(code: 250, lines: ["mx.example", "STARTTLS"])) == .send(.startTLS))
        let refusal = Self.reply(454, "TLS not available")
        #expect(machine.receivedReply(refusal) == .fail(.rejected(step: "STARTTLS", reply: refusal)))
    }

    // MARK: Authentication

    @Test func authPlainSendsTheInitialResponse() {
        var machine = Self.greeted(tls: .implicitTLS, username: "mailer", password: "pw")
        let token = Self.base64([0] + Array("mailer".utf8) + [0] + Array("pw".utf8))
        let action = machine.receivedReply(SMTPReply(code: 250, lines: ["mx.example", "AUTH LOGIN PLAIN"]))
        #expect(action == .send(.authPlain(initialResponse: token)))
        #expect(machine.receivedReply(Self.reply(235, "2.7.0 Authentication successful")) == .ready)
    }

    @Test func authPlainAnswersOneRequestForTheResponseButNotTwo() {
        var machine = Self.greeted(tls: .implicitTLS, username: "mailer", password: "pw")
        let token = Self.base64([0] + Array("mailer".utf8) + [0] + Array("pw".utf8))
        _ = machine.receivedReply(SMTPReply(code: 250, lines: ["mx.example", "AUTH PLAIN"]))
        #expect(machine.receivedReply(Self.reply(334)) == .send(.authPlainResponse(token)))
        #expect(machine.receivedReply(Self.reply(334)) == .fail(.connection("unexpected reply 334 to AUTH PLAIN")))
    }

    @Test func authPlainWithWrongCredentialsIsPermanent() {
        var machine = Self.greeted(tls: .implicitTLS, username: "mailer", password: "wrong")
        _ = machine.receivedReply(SMTPReply(code: 250, lines: ["mx.example", "AUTH PLAIN"]))
        let action = machine.receivedReply(Self.reply(535, "5.7.8 Authentication credentials invalid"))
        guard case .fail(let error) = action else {
            Issue.record("expected a failure, got \(action)")
            return
        }
        #expect(error.outcome == .permanentFailure("535 5.7.8 Authentication credentials invalid (in reply to AUTH PLAIN)"))
    }

    @Test func authLoginSendsUserNameThenPassword() {
        var machine = Self.greeted(tls: .implicitTLS, username: "mailer", password: "pw")
        #expect(machine.receivedReply(SMTPReply(code: 250, lines: ["mx.example", "AUTH LOGIN"])) == .send(.authLogin))
        #expect(machine.receivedReply(Self.reply(334, "VXNlcm5hbWU6")) == .send(.authLoginUsername(Self.base64(Array("mailer".utf8)))))
        #expect(machine.receivedReply(Self.reply(334, "UGFzc3dvcmQ6")) == .send(.authLoginPassword(Self.base64(Array("pw".utf8)))))
        #expect(machine.receivedReply(Self.reply(235)) == .ready)
    }

    @Test(arguments: [(0, "AUTH LOGIN"), (1, "AUTH LOGIN user name"), (2, "AUTH LOGIN")])
    func authLoginRefusedAtEachStep(repliesBefore: Int, step: String) {
        var machine = Self.greeted(tls: .implicitTLS, username: "mailer", password: "pw")
        _ = machine.receivedReply(SMTPReply(code: 250, lines: ["mx.example", "AUTH LOGIN"]))
        for _ in 0..<repliesBefore { _ = machine.receivedReply(Self.reply(334)) }
        let refusal = Self.reply(535, "no")
        #expect(machine.receivedReply(refusal) == .fail(.rejected(step: step, reply: refusal)))
    }

    @Test func onlyUnsupportedMechanismsOffered() {
        var machine = Self.greeted(tls: .implicitTLS, username: "mailer", password: "pw")
        let action = machine.receivedReply(SMTPReply(code: 250, lines: ["mx.example", "AUTH CRAM-MD5 XOAUTH2"]))
        #expect(action == .fail(.refused("the relay offers AUTH CRAM-MD5 XOAUTH2, but only PLAIN and LOGIN are supported")))
    }

    @Test func credentialsGoInClearTextOnlyWhenTLSIsExplicitlyOff() {
        var machine = Self.greeted(tls: .none, username: "mailer", password: "pw")
        #expect(machine.receivedReply(SMTPReply(code: 250, lines: ["mx.example", "AUTH LOGIN"])) == .send(.authLogin))
    }

    // MARK: Mail transactions

    @Test func oneMessageThenAnotherOnTheSameSession() {
        var machine = Self.ready("SIZE 10000", "PIPELINING")
        let envelope = Self.envelope
        for _ in 0..<2 {
            // One command at a time even though PIPELINING is advertised: the next command
            // waits for the reply to the last.
            #expect(machine.send(envelope) == .send(.mailFrom(address: envelope.from, size: envelope.data.count, smtpUTF8: false)))
            #expect(machine.receivedReply(Self.reply(250, "ok")) == .send(.rcptTo("ada@example.org")))
            #expect(machine.receivedReply(Self.reply(251, "will forward")) == .send(.data))
            #expect(machine.receivedReply(Self.reply(354, "go ahead")) == .send(.messageData(envelope.data)))
            let accepted = Self.reply(250, "2.0.0 queued as 1234")
            #expect(machine.receivedReply(accepted) == .delivered(accepted))
        }
    }

    @Test func sizeIsOnlyAnnouncedWhenTheRelayAdvertisesIt() {
        var machine = Self.ready()
        #expect(machine.send(Self.envelope) == .send(.mailFrom(address: Self.envelope.from, size: nil, smtpUTF8: false)))
    }

    static let transactionSteps: [([Int], String)] = [
        ([], "MAIL FROM"), ([250], "RCPT TO"), ([250, 250], "DATA"), ([250, 250, 354], "end of message data"),
    ]

    @Test(arguments: transactionSteps, [(451, false), (550, true)])
    func refusalAtEachStepIsClassifiedAndFollowedByRSET(at: ([Int], String), refusal: (Int, Bool)) {
        let (repliesBefore, step) = at
        let (code, permanent) = refusal
        var machine = Self.ready()
        _ = machine.send(Self.envelope)
        for before in repliesBefore { _ = machine.receivedReply(Self.reply(before)) }
        let reply = Self.reply(code, "first line", "second line")
        let action = machine.receivedReply(reply)
        #expect(action == .fail(.rejected(step: step, reply: reply)))
        let message = "\(code) first line / second line (in reply to \(step))"
        if case .fail(let error) = action {
            #expect(error.outcome == (permanent ? .permanentFailure(message) : .transientFailure(message)))
        }
        // The session goes on: RSET, then the next message starts from MAIL FROM.
        #expect(machine.reset() == .send(.rset))
        #expect(machine.receivedReply(Self.reply(250)) == .ready)
        #expect(machine.send(Self.envelope) == .send(.mailFrom(address: Self.envelope.from, size: nil, smtpUTF8: false)))
    }

    @Test func messageOverTheAdvertisedSizeIsRefusedWithoutSendingAnything() {
        var machine = Self.ready("SIZE 10")
        let action = machine.send(Self.envelope)
        #expect(action == .fail(.refused("the message is \(Self.envelope.data.count) bytes but the relay accepts at most 10 bytes")))
        #expect(machine.reset() == .send(.rset))
    }

    @Test func nonASCIIAddressNeedsSMTPUTF8() {
        var envelope = Self.envelope
        envelope.to = "ádá@example.org"
        envelope.needsSMTPUTF8 = true
        var without = Self.ready()
        #expect(without.send(envelope) == .fail(.refused("an address is not ASCII and the relay does not support SMTPUTF8")))
        var with = Self.ready("SMTPUTF8")
        #expect(with.send(envelope) == .send(.mailFrom(address: envelope.from, size: nil, smtpUTF8: true)))
    }

    @Test func rsetRefused() {
        var machine = Self.ready()
        _ = machine.send(Self.envelope)
        _ = machine.receivedReply(Self.reply(550, "no"))
        #expect(machine.reset() == .send(.rset))
        let refusal = Self.reply(421, "closing")
        #expect(machine.receivedReply(refusal) == .fail(.rejected(step: "RSET", reply: refusal)))
    }

    // MARK: Replies the parser assembles

    @Test func multiLineRepliesFromTheWireDriveTheHandshake() throws {
        var parser = SMTPReplyParser()
        var machine = Self.machine(tls: .implicitTLS, username: "mailer", password: "pw")
        #expect(machine.connected() == .readGreeting)
        let greeting = try parser.feed(Array("220-mx.example ESMTP\r\n220 no UCE\r\n".utf8))
        #expect(greeting.count == 1)
        #expect(machine.receivedReply(greeting[0]) == .send(.ehlo("usher.test")))
        let ehlo = try parser.feed(Array("250-mx.example\r\n250-SIZE 35882577\r\n250-AUTH=LOGIN\r\n250 SMTPUTF8\r\n".utf8))
        #expect(ehlo.count == 1)
        #expect(machine.receivedReply(ehlo[0]) == .send(.authLogin))
        #expect(machine.capabilities.maxSize == 35_882_577)
        #expect(machine.capabilities.smtpUTF8)
    }

    // MARK: Out of turn

    @Test func aReplyNobodyAskedForBreaksTheSession() {
        var machine = Self.ready()
        #expect(
            machine.receivedReply(Self.reply(250, "surprise")) == .fail(.connection("the server sent 250 surprise without being asked")))
        #expect(machine.quit() == .close)
    }

    @Test func aMessageBeforeTheSessionIsReadyIsAnInternalErrorNotACrash() {
        var machine = Self.greeted()
        #expect(machine.send(Self.envelope) == .fail(.connection("internal error: a message was sent before the session was ready")))
    }

    @Test func aConnectionFailureMeansNoQUIT() {
        var machine = Self.ready()
        _ = machine.send(Self.envelope)
        machine.connectionFailed()
        #expect(machine.quit() == .close)
    }

    // MARK: What goes on the wire and in the logs

    @Test func commandsOnTheWire() {
        #expect(
            SMTPCommand.mailFrom(address: "a@b.example", size: 12, smtpUTF8: true).bytes
                == Array("MAIL FROM:<a@b.example> SIZE=12 SMTPUTF8\r\n".utf8))
        #expect(SMTPCommand.rcptTo("c@d.example").bytes == Array("RCPT TO:<c@d.example>\r\n".utf8))
        // Dot-stuffed, ended with CRLF and the lone dot.
        #expect(SMTPCommand.messageData(Array("a\r\n.b\r\nc".utf8)).bytes == Array("a\r\n..b\r\nc\r\n.\r\n".utf8))
    }

    @Test func credentialsAndMessagesNeverReachTheLog() {
        let secrets: [SMTPCommand] = [
            .authPlain(initialResponse: "AG1haWxlcgBwdw=="), .authPlainResponse("AG1haWxlcgBwdw=="),
            .authLoginUsername("bWFpbGVy"), .authLoginPassword("cHc="), .messageData(Array("secret link".utf8)),
        ]
        for command in secrets {
            let logged = command.logDescription
            #expect(!logged.contains("AG1haWxlcgBwdw==") && !logged.contains("bWFpbGVy") && !logged.contains("cHc="))
            #expect(!logged.contains("secret"))
        }
    }
}
