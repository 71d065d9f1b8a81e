import Foundation

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
        guard bytes.count >= 3, bytes[0...2].allSatisfy({ digits.contains($0) }), (UInt8(ascii: "1")...UInt8(ascii: "5")).contains(bytes[0])
        else {
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
