import Foundation
import Testing

@testable import UsherServer

@Suite("MIME rendering")
struct MIMEMessageTests {
    func sample(
        subject: String = "Meghívó – Ünnep",
        fromName: String? = "Usher",
        toName: String? = "Ada Lovelace",
        text: String = "Hello\nWorld",
        html: String = "<p>Hello</p>"
    ) -> MIMEMessage {
        MIMEMessage(
            fromName: fromName,
            fromAddress: "no-reply@usher.example",
            toName: toName,
            toAddress: "ada@example.org",
            subject: subject,
            textBody: text,
            htmlBody: html,
            messageId: "<abc-123@usher.example>",
            date: Date(timeIntervalSince1970: 1_795_615_200)
        )
    }

    func rendered(_ message: MIMEMessage) throws -> String {
        String(decoding: try message.render(), as: UTF8.self)
    }

    @Test func encodedWordSubjectRoundTrip() throws {
        let raw = try rendered(sample())
        let (headers, _) = splitMessage(raw)
        let subject = try #require(header("Subject", in: headers))
        #expect(subject.hasPrefix("=?UTF-8?B?"))
        #expect(decodeEncodedWords(subject) == "Meghívó – Ünnep")
    }

    @Test func longNonASCIISubjectIsSplitIntoValidShortWords() throws {
        // Mixed 1-, 2-, 3- and 4-byte characters, so split points land inside multi-byte sequences
        // unless the encoder respects them.
        let subject = String(repeating: "Árvíztűrő tükörfúrógép – 🎉 ünnep ", count: 6)
        let raw = try rendered(sample(subject: subject))
        let headerBlock = String(raw[..<raw.range(of: "\r\n\r\n")!.lowerBound])
        let subjectLines = headerBlock.components(separatedBy: "\r\n")
            .drop { !$0.hasPrefix("Subject:") }
            .prefix { $0.hasPrefix("Subject:") || $0.hasPrefix(" ") }
        #expect(subjectLines.count > 3)
        for line in subjectLines {
            #expect(line.utf8.count <= 76, "line too long: \(line)")
            let word = line.hasPrefix("Subject: ") ? String(line.dropFirst(9)) : String(line.dropFirst())
            #expect(word.utf8.count <= 75)
            // Every word must decode to valid UTF-8 on its own.
            let base64 = word.dropFirst("=?UTF-8?B?".count).dropLast(2)
            let bytes = try #require(Data(base64Encoded: String(base64)))
            #expect(String(data: bytes, encoding: .utf8) != nil, "word splits a UTF-8 sequence: \(word)")
        }
        let (headers, _) = splitMessage(raw)
        #expect(decodeEncodedWords(header("Subject", in: headers) ?? "") == subject)
    }

    @Test func asciiSubjectStaysReadable() throws {
        let raw = try rendered(sample(subject: "Your sign-in code"))
        #expect(raw.contains("\r\nSubject: Your sign-in code\r\n"))
    }

    @Test func displayNamesAreQuotedOrEncoded() throws {
        let raw = try rendered(sample(fromName: "Usher \"Support\"", toName: "Ünnep Éva"))
        let (headers, _) = splitMessage(raw)
        #expect(header("From", in: headers) == #""Usher \"Support\"" <no-reply@usher.example>"#)
        let to = try #require(header("To", in: headers))
        #expect(to.hasPrefix("=?UTF-8?B?"))
        #expect(to.hasSuffix(" <ada@example.org>"))
        #expect(decodeEncodedWords(to) == "Ünnep Éva <ada@example.org>")
    }

    @Test func fixedHeaders() throws {
        let raw = try rendered(sample())
        let (headers, _) = splitMessage(raw)
        #expect(header("MIME-Version", in: headers) == "1.0")
        #expect(header("Date", in: headers) == "Wed, 25 Nov 2026 14:00:00 +0000")
        #expect(header("Message-ID", in: headers) == "<abc-123@usher.example>")
        let contentType = try #require(header("Content-Type", in: headers))
        #expect(contentType.hasPrefix("multipart/alternative; boundary=\"=_usher_"))
    }

    @Test func multipartStructure() throws {
        let raw = try rendered(sample(text: "plain ü", html: "<b>html ü</b>"))
        let (headers, body) = splitMessage(raw)
        let contentType = try #require(header("Content-Type", in: headers))
        let boundary = String(contentType.split(separator: "\"")[1])
        let sections = body.components(separatedBy: "--\(boundary)")
        // preamble, text part, html part, closing "--"
        #expect(sections.count == 4)
        #expect(
            sections[1].contains(
                "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nplain =C3=BC"))
        #expect(
            sections[2].contains(
                "Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<b>html =C3=BC</b>"))
        #expect(sections[3] == "--\r\n")
    }

    @Test func boundaryIsRandom() throws {
        let a = try rendered(sample())
        let b = try rendered(sample())
        #expect(a != b)
    }

    @Test(arguments: ["subject", "fromAddress", "toAddress", "fromName", "toName", "extraHeader", "messageId"])
    func headerInjectionIsRefused(field: String) throws {
        var message = sample()
        let evil = "x\r\nBcc: victim@example.com"
        switch field {
        case "subject": message.subject = evil
        case "fromAddress": message.fromAddress = "a@b.example\r\nBcc: victim@example.com"
        case "toAddress": message.toAddress = "a@b.example\nBcc: victim@example.com"
        case "fromName": message.fromName = evil
        case "toName": message.toName = "x\rBcc: y"
        case "extraHeader": message.extraHeaders = [("X-Usher", evil)]
        case "messageId": message.messageId = "<a@b>\r\nBcc: v@e"
        default: Issue.record("unknown field")
        }
        #expect {
            try message.render()
        } throws: { error in
            guard case MIMEError.headerInjection = error else { return false }
            return true
        }
    }

    @Test func nulIsRefusedToo() {
        var message = sample()
        message.subject = "a\0b"
        #expect(throws: MIMEError.headerInjection(field: "Subject")) { try message.render() }
    }

    @Test(arguments: ["no-at-sign", "two@@example.org", "a@b@c", "with space@example.org", "<ada@example.org>", "@example.org", "ada@"])
    func invalidAddressesAreRefused(address: String) {
        var message = sample()
        message.toAddress = address
        #expect(throws: MIMEError.invalidAddress(field: "To")) { try message.render() }
    }

    @Test func reservedExtraHeadersAreRefused() {
        var message = sample()
        message.extraHeaders = [("Content-Type", "text/plain")]
        #expect(throws: MIMEError.reservedHeader("Content-Type")) { try message.render() }
        message.extraHeaders = [("Bad Name", "x")]
        #expect(throws: MIMEError.invalidHeaderName("Bad Name")) { try message.render() }
    }

    @Test func extraHeadersAreWritten() throws {
        var message = sample()
        message.extraHeaders = [("Auto-Submitted", "auto-generated"), ("X-Note", "Ünnep")]
        let (headers, _) = splitMessage(try rendered(message))
        #expect(header("Auto-Submitted", in: headers) == "auto-generated")
        #expect(decodeEncodedWords(header("X-Note", in: headers) ?? "") == "Ünnep")
    }

    @Test func linesAreCRLFAndShort() throws {
        let longLine = String(repeating: "Árvíztűrő tükörfúrógép ", count: 80)
        let longWord = String(repeating: "x", count: 3000)
        let text = "first\n\(longLine)\r\n\(longWord)\rlast line with trailing space \n.\n..dots\n"
        let raw = try rendered(sample(subject: String(repeating: "long ascii subject ", count: 20), text: text, html: "<p>\(longLine)</p>"))
        // No bare CR or LF anywhere.
        let bytes = Array(raw.utf8)
        for (i, byte) in bytes.enumerated() {
            if byte == 13 { #expect(i + 1 < bytes.count && bytes[i + 1] == 10) }
            if byte == 10 { #expect(i > 0 && bytes[i - 1] == 13) }
        }
        let lines = raw.components(separatedBy: "\r\n")
        for line in lines {
            #expect(line.utf8.count <= 998)
        }
        // Everything after the header block is quoted-printable or MIME structure: ≤ 76.
        let (_, body) = splitMessage(raw)
        for line in body.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 76, "body line too long (\(line.utf8.count)): \(line.prefix(40))…")
        }
        // The headers fold too.
        let headerBlock = String(raw[..<raw.range(of: "\r\n\r\n")!.lowerBound])
        for line in headerBlock.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 78, "header line too long: \(line)")
        }
    }

    @Test func quotedPrintableRoundTrip() throws {
        let text = "Ünnep = fiesta\tend \nline two ends with tab\t\n" + String(repeating: "é", count: 100) + "\n=3D literal"
        let encoded = MIMEText.quotedPrintable(text)
        for line in encoded.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 76) }
        let decoded = String(decoding: decodeQuotedPrintable(encoded), as: UTF8.self)
        #expect(decoded == text.replacingOccurrences(of: "\n", with: "\r\n"))
        // Trailing whitespace must be encoded so transports cannot strip it.
        #expect(!encoded.contains(" \r\n") && !encoded.contains("\t\r\n"))
    }

    @Test func dotStuffing() {
        func stuff(_ s: String) -> String { String(decoding: SMTPDotStuffing.stuff(Array(s.utf8)), as: UTF8.self) }
        #expect(stuff(".starts\r\nmiddle.dot\r\n.\r\n..two\r\n") == "..starts\r\nmiddle.dot\r\n..\r\n...two\r\n")
        #expect(stuff("no final newline") == "no final newline\r\n")
        #expect(stuff("a\r\n.") == "a\r\n..\r\n")
        #expect(stuff("") == "")
    }

    @Test func renderedDotLinesAreStuffedOnTheWire() throws {
        // A body line of just "." must survive: QP leaves it alone and the client stuffs it.
        let raw = try sample(text: "before\n.\nafter").render()
        let stuffed = String(decoding: SMTPDotStuffing.stuff(raw), as: UTF8.self)
        #expect(stuffed.contains("\r\n..\r\n"))
        #expect(!stuffed.contains("\r\n.\r\n"))
    }

    @Test func needsSMTPUTF8() {
        var message = sample()
        #expect(!message.needsSMTPUTF8)
        message.toAddress = "éva@példa.hu"
        #expect(message.needsSMTPUTF8)
    }

    @Test func messageIDUsesSenderDomain() {
        let id = MIMEMessage.makeMessageID(senderAddress: "no-reply@usher.example")
        #expect(id.hasPrefix("<") && id.hasSuffix("@usher.example>"))
        #expect(id != MIMEMessage.makeMessageID(senderAddress: "no-reply@usher.example"))
    }
}
