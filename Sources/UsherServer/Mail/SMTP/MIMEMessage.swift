import Foundation

/// Why a message could not be rendered. Each case is the caller's fault (bad input), so
/// retrying will never help.
enum MIMEError: Error, Equatable, CustomStringConvertible {
    /// A CR, LF or NUL in a header value would let the value start a new header (or end the
    /// header block), e.g. a subject of "Hi\r\nBcc: victim@example.com".
    case headerInjection(field: String)
    case invalidAddress(field: String)
    case invalidHeaderName(String)
    /// Extra headers may not replace the ones this renderer is responsible for.
    case reservedHeader(String)
    case invalidMessageID

    var description: String {
        switch self {
        case .headerInjection(let field): "header \(field) contains a line break or NUL character"
        case .invalidAddress(let field): "the \(field) address is not a valid e-mail address"
        case .invalidHeaderName(let name): "'\(name)' is not a valid header name"
        case .reservedHeader(let name): "header '\(name)' is set by the renderer and cannot be given as an extra header"
        case .invalidMessageID: "the Message-ID must look like <unique@domain> in printable ASCII"
        }
    }
}

/// One e-mail with a plain-text and an HTML alternative, rendered as RFC 5322 + MIME.
struct MIMEMessage: Sendable {
    var fromName: String?
    var fromAddress: String
    var toName: String?
    var toAddress: String
    var subject: String
    var textBody: String
    var htmlBody: String
    /// Including the angle brackets, e.g. "<2F1C…@usher.example>".
    var messageId: String
    var date: Date
    /// Additional headers such as `Auto-Submitted: auto-generated`. Non-ASCII values are
    /// written as RFC 2047 encoded-words.
    var extraHeaders: [(name: String, value: String)]

    init(
        fromName: String? = nil,
        fromAddress: String,
        toName: String? = nil,
        toAddress: String,
        subject: String,
        textBody: String,
        htmlBody: String,
        messageId: String? = nil,
        date: Date = Date(),
        extraHeaders: [(name: String, value: String)] = []
    ) {
        self.fromName = fromName
        self.fromAddress = fromAddress
        self.toName = toName
        self.toAddress = toAddress
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.messageId = messageId ?? MIMEMessage.makeMessageID(senderAddress: fromAddress)
        self.date = date
        self.extraHeaders = extraHeaders
    }

    /// A globally unique Message-ID using the sender's domain, as RFC 5322 recommends.
    static func makeMessageID(senderAddress: String) -> String {
        var domain = senderAddress.split(separator: "@").last.map(String.init) ?? "localhost"
        if domain.isEmpty || !domain.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != ">" }) {
            domain = "localhost"
        }
        return "<\(UUID().uuidString.lowercased())@\(domain)>"
    }

    /// True when an address cannot be expressed in ASCII, so the relay must support the
    /// SMTPUTF8 extension (RFC 6531) for this message.
    var needsSMTPUTF8: Bool {
        !MIMEText.isASCII(fromAddress) || !MIMEText.isASCII(toAddress)
    }

    /// Renders the message with CRLF line endings, every line at most 998 octets and the
    /// bodies quoted-printable, so it passes through any 7-bit relay unchanged.
    func render() throws -> [UInt8] {
        try renderString().utf8.map { $0 }
    }

    /// `render()` as a string (ASCII unless an address needs SMTPUTF8).
    func renderString() throws -> String {
        try validate()

        var out = ""
        func header(_ name: String, _ value: String) {
            out += "\(name): \(value)\r\n"
        }
        header("MIME-Version", "1.0")
        header("Date", MIMEText.rfc5322Date(date))
        header("Message-ID", messageId)
        header("From", MIMEText.mailbox(name: fromName, address: fromAddress, headerName: "From"))
        header("To", MIMEText.mailbox(name: toName, address: toAddress, headerName: "To"))
        header("Subject", MIMEText.unstructured(subject, headerName: "Subject"))
        for (name, value) in extraHeaders {
            header(name, MIMEText.unstructured(value, headerName: name))
        }

        let boundary = MIMEText.makeBoundary()
        // The boundary is quoted because '=' is a MIME tspecial; it starts with "=_" since that
        // sequence can never occur in quoted-printable output, so it cannot collide with a body.
        header("Content-Type", "multipart/alternative;\r\n boundary=\"\(boundary)\"")
        out += "\r\n"
        out += "This is a multi-part message in MIME format.\r\n"
        for (subtype, body) in [("plain", textBody), ("html", htmlBody)] {
            out += "\r\n--\(boundary)\r\n"
            out += "Content-Type: text/\(subtype); charset=UTF-8\r\n"
            out += "Content-Transfer-Encoding: quoted-printable\r\n"
            out += "\r\n"
            out += MIMEText.quotedPrintable(body)
        }
        out += "\r\n--\(boundary)--\r\n"
        return out
    }

    private func validate() throws {
        let singleLineFields: [(String, String?)] = [
            ("From", fromAddress), ("From name", fromName),
            ("To", toAddress), ("To name", toName),
            ("Subject", subject), ("Message-ID", messageId),
        ]
        for (field, value) in singleLineFields {
            if let value, MIMEText.containsLineBreakOrNUL(value) {
                throw MIMEError.headerInjection(field: field)
            }
        }
        guard MIMEText.isPlausibleAddress(fromAddress) else { throw MIMEError.invalidAddress(field: "From") }
        guard MIMEText.isPlausibleAddress(toAddress) else { throw MIMEError.invalidAddress(field: "To") }
        guard messageId.hasPrefix("<"), messageId.hasSuffix(">"), messageId.contains("@"),
            messageId.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else {
            throw MIMEError.invalidMessageID
        }

        let reserved: Set<String> = ["mime-version", "date", "message-id", "from", "to", "subject", "cc", "bcc"]
        for (name, value) in extraHeaders {
            if MIMEText.containsLineBreakOrNUL(name) || MIMEText.containsLineBreakOrNUL(value) {
                throw MIMEError.headerInjection(field: name)
            }
            // RFC 5322 field names: printable ASCII except ':'.
            guard !name.isEmpty, name.utf8.count <= 76,
                name.unicodeScalars.allSatisfy({ $0.value >= 33 && $0.value <= 126 && $0 != ":" })
            else {
                throw MIMEError.invalidHeaderName(name)
            }
            let lower = name.lowercased()
            if reserved.contains(lower) || lower.hasPrefix("content-") {
                throw MIMEError.reservedHeader(name)
            }
        }
    }
}

/// The encoding rules, kept in a namespace so the module's top level stays clean.
enum MIMEText {
    static func isASCII(_ s: String) -> Bool { s.utf8.allSatisfy { $0 < 0x80 } }

    static func containsLineBreakOrNUL(_ s: String) -> Bool {
        // Checked on scalars rather than Characters because "\r\n" is a single Character.
        s.unicodeScalars.contains { $0 == "\r" || $0 == "\n" || $0 == "\0" }
    }

    /// Deliberately minimal: exactly one '@' with something on both sides and nothing that
    /// could break out of `<...>` in a header or an SMTP command.
    static func isPlausibleAddress(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, address.utf8.count <= 254 else {
            return false
        }
        return address.unicodeScalars.allSatisfy { scalar in
            scalar.value > 0x20 && scalar.value != 0x7F && !"<>,;\"\\()[]".unicodeScalars.contains(scalar)
                && !scalar.properties.isWhitespace
        }
    }

    /// RFC 5322 date in UTC, built by hand so it never depends on the process locale.
    static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let weekday = days[((c.weekday ?? 1) - 1) % 7]
        let month = months[((c.month ?? 1) - 1) % 12]
        func two(_ n: Int?) -> String { n.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(weekday), \(two(c.day)) \(month) \(c.year ?? 1970) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) +0000"
    }

    static func makeBoundary() -> String {
        let random = (0..<3).map { _ in String(UInt64.random(in: .min ... .max), radix: 36) }.joined(separator: ".")
        return "=_usher_\(random)"
    }

    /// `"Display Name" <address>` with the name quoted when ASCII and encoded-word otherwise.
    static func mailbox(name: String?, address: String, headerName: String) -> String {
        guard let name, !name.isEmpty else { return "<\(address)>" }
        let phrase: String
        if isASCII(name) && !name.contains("=?") {
            let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            phrase = "\"\(escaped)\""
        } else {
            phrase = encodedWords(name, firstLineUsed: headerName.utf8.count + 2)
        }
        // Put the address on its own folded line if it would push the last line past 78.
        let lastLineLength = phrase.components(separatedBy: "\r\n").last?.utf8.count ?? 0
        let separator = lastLineLength + address.utf8.count + 3 > 76 ? "\r\n " : " "
        return "\(phrase)\(separator)<\(address)>"
    }

    /// An unstructured header value (Subject and the like): kept readable when it is plain
    /// ASCII, otherwise encoded as RFC 2047 encoded-words.
    static func unstructured(_ value: String, headerName: String) -> String {
        let used = headerName.utf8.count + 2
        // "=?" in plain text would be misread as the start of an encoded-word by clients.
        if isASCII(value) && !value.contains("=?") {
            return foldASCII(value, firstLineUsed: used)
        }
        return encodedWords(value, firstLineUsed: used)
    }

    /// Folds at spaces so lines stay near 78 characters; a single word longer than that
    /// is left intact (still far below the 998 hard limit, which `encodedWords` handles).
    static func foldASCII(_ value: String, firstLineUsed: Int) -> String {
        if value.utf8.count + firstLineUsed <= 78 { return value }
        let words = value.split(separator: " ", omittingEmptySubsequences: false)
        // Any single word too long for the hard limit is encoded instead.
        if words.contains(where: { $0.utf8.count > 900 }) {
            return encodedWords(value, firstLineUsed: firstLineUsed)
        }
        var result = ""
        var lineLength = firstLineUsed
        for (i, word) in words.enumerated() {
            if i == 0 {
                result = String(word)
                lineLength += word.utf8.count
            } else if lineLength + 1 + word.utf8.count > 78 && lineLength > 1 {
                result += "\r\n " + word
                lineLength = 1 + word.utf8.count
            } else {
                result += " " + word
                lineLength += 1 + word.utf8.count
            }
        }
        return result
    }

    /// RFC 2047 "B" encoded-words, each at most 75 characters and each line at most 76,
    /// split only between Unicode scalars so no word holds half a UTF-8 sequence (each word
    /// must decode on its own).
    static func encodedWords(_ value: String, firstLineUsed: Int) -> String {
        let overhead = "=?UTF-8?B?".utf8.count + "?=".utf8.count
        func maxBytes(forLineUsed used: Int) -> Int {
            let available = min(75, 76 - used) - overhead
            return max(available / 4 * 3, 3)
        }
        var words: [String] = []
        var chunk: [UInt8] = []
        var limit = maxBytes(forLineUsed: firstLineUsed)
        for scalar in value.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > limit && !chunk.isEmpty {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
                limit = maxBytes(forLineUsed: 1)  // continuation lines start with one space
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty {
            words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
        }
        return words.joined(separator: "\r\n ")
    }

    /// Quoted-printable (RFC 2045 §6.7) of the UTF-8 text with CRLF hard line breaks and
    /// lines of at most 76 characters. A leading "." is left alone on purpose: the SMTP
    /// client dot-stuffs, and leaving it visible keeps that path exercised.
    static func quotedPrintable(_ text: String) -> String {
        // Normalise every line ending style to one logical line break.
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        let hex: [Character] = Array("0123456789ABCDEF")
        var out = ""
        out.reserveCapacity(normalized.utf8.count * 3 / 2)
        let lines = normalized.split(separator: "\n", omittingEmptySubsequences: false)
        for (lineIndex, line) in lines.enumerated() {
            let bytes = Array(line.utf8)
            var current = ""
            var currentLength = 0
            for (i, byte) in bytes.enumerated() {
                let isLast = i == bytes.count - 1
                let token: String
                switch byte {
                case 0x20, 0x09:
                    // Trailing whitespace is stripped by some transports, so encode it.
                    token = isLast ? "=\(hex[Int(byte >> 4)])\(hex[Int(byte & 0xF)])" : String(UnicodeScalar(byte))
                case 33...60, 62...126:
                    token = String(UnicodeScalar(byte))
                default:
                    token = "=\(hex[Int(byte >> 4)])\(hex[Int(byte & 0xF)])"
                }
                // Leave room for the "=" soft break unless this is the last token on the line.
                let room = isLast ? 76 : 75
                if currentLength + token.utf8.count > room {
                    out += current + "=\r\n"
                    current = ""
                    currentLength = 0
                }
                current += token
                currentLength += token.utf8.count
            }
            out += current
            if lineIndex < lines.count - 1 { out += "\r\n" }
        }
        return out
    }
}
