import Testing

@testable import UsherServer

@Suite("SMTP reply parsing")
struct SMTPReplyParserTests {
    @Test func singleAndMultiLineReplies() throws {
        var parser = SMTPReplyParser()
        let replies = try parser.feed(Array("220 ready\r\n250-mx.example greets you\r\n250-SIZE 1000\r\n250 AUTH PLAIN LOGIN\r\n".utf8))
        #expect(
            replies == [
                SMTPReply(code: 220, lines: ["ready"]),
                SMTPReply(code: 250, lines: ["mx.example greets you", "SIZE 1000", "AUTH PLAIN LOGIN"]),
            ])
        #expect(!parser.hasPartialInput)
    }

    @Test func repliesSplitAcrossReadsAndBareLF() throws {
        var parser = SMTPReplyParser()
        #expect(try parser.feed(Array("25".utf8)).isEmpty)
        #expect(try parser.feed(Array("0-first\r".utf8)).isEmpty)
        #expect(parser.hasPartialInput)
        #expect(try parser.feed(Array("\n250 last\n".utf8)) == [SMTPReply(code: 250, lines: ["first", "last"])])
        #expect(try parser.feed(Array("354\r\n".utf8)) == [SMTPReply(code: 354, lines: [""])])
    }

    @Test(arguments: ["hello\r\n", "25\r\n", "250x\r\n", "650 what\r\n", "250-a\r\n251 b\r\n"])
    func malformedRepliesThrow(input: String) {
        var parser = SMTPReplyParser()
        #expect(throws: SMTPProtocolError.self) { try parser.feed(Array(input.utf8)) }
    }

    @Test func overlongLineThrows() {
        var parser = SMTPReplyParser()
        #expect(throws: SMTPProtocolError.self) {
            try parser.feed([UInt8](repeating: UInt8(ascii: "2"), count: SMTPReplyParser.maxLineLength + 10))
        }
    }

    @Test func replyDescriptionForOperators() {
        #expect(SMTPReply(code: 550, lines: ["5.1.1 mailbox unavailable"]).description == "550 5.1.1 mailbox unavailable")
        #expect(SMTPReply(code: 451, lines: ["first", "second"]).description == "451 first / second")
    }

    @Test func capabilities() {
        let reply = SMTPReply(
            code: 250,
            lines: [
                "mx.example", "size 35882577", "8BITMIME", "AUTH LOGIN PLAIN XOAUTH2", "AUTH=CRAM-MD5", "STARTTLS", "SMTPUTF8",
                "PIPELINING",
            ])
        let caps = SMTPCapabilities(ehloReply: reply)
        #expect(caps.isExtended)
        #expect(caps.startTLS)
        #expect(caps.authMechanisms == ["LOGIN", "PLAIN", "XOAUTH2", "CRAM-MD5"])
        #expect(caps.sizeAdvertised && caps.maxSize == 35_882_577)
        #expect(caps.smtpUTF8 && caps.eightBitMIME)

        let bare = SMTPCapabilities(ehloReply: SMTPReply(code: 250, lines: ["mx", "SIZE"]))
        #expect(bare.sizeAdvertised && bare.maxSize == nil)
        #expect(!bare.startTLS && bare.authMechanisms.isEmpty)
    }

    @Test func outcomeClassification() {
        #expect(
            SMTPSessionError.rejected(step: "RCPT TO", reply: SMTPReply(code: 451, lines: ["try later"])).outcome
                == .transientFailure("451 try later (in reply to RCPT TO)"))
        #expect(
            SMTPSessionError.rejected(step: "RCPT TO", reply: SMTPReply(code: 550, lines: ["5.1.1 mailbox unavailable"])).outcome
                == .permanentFailure("550 5.1.1 mailbox unavailable (in reply to RCPT TO)"))
        #expect(SMTPSessionError.connection("timed out").outcome == .transientFailure("timed out"))
        #expect(SMTPSessionError.refused("too big").outcome == .permanentFailure("too big"))
    }
}
