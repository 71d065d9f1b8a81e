import Foundation

/// One thing the client writes to the relay, as the state machine decides it.
///
/// A value rather than a string so that the state machine can be tested by comparing
/// commands, and so that the one place that knows how a command looks in the logs can
/// keep credentials out of them.
enum SMTPCommand: Sendable, Equatable {
    case ehlo(String)
    case helo(String)
    case startTLS
    /// `AUTH PLAIN` with the initial response (RFC 4954 §4), base64 of NUL user NUL password.
    case authPlain(initialResponse: String)
    /// The same response again, for a server that ignored the initial one and sent 334.
    case authPlainResponse(String)
    case authLogin
    case authLoginUsername(String)
    case authLoginPassword(String)
    /// `size` is sent only when the relay advertised SIZE (RFC 1870); `smtpUTF8` only when
    /// an address needs it (RFC 6531).
    case mailFrom(address: String, size: Int?, smtpUTF8: Bool)
    case rcptTo(String)
    case data
    /// The rendered message, not yet dot-stuffed; the terminating "." is added on the wire.
    case messageData([UInt8])
    case rset
    case quit

    /// The command line as sent, or for message data the stuffed data and the end marker.
    var bytes: [UInt8] {
        switch self {
        case .messageData(let data):
            return SMTPDotStuffing.stuff(data) + Array(".\r\n".utf8)
        default:
            return Array((line + "\r\n").utf8)
        }
    }

    /// What the debug log shows. Security: credentials are base64, not encrypted, so they
    /// never reach a log; message bodies carry invitation links, so only their size does.
    var logDescription: String {
        switch self {
        case .authPlain: "AUTH PLAIN <redacted>"
        case .authPlainResponse: "<redacted>"
        case .authLoginUsername: "<redacted user name>"
        case .authLoginPassword: "<redacted password>"
        case .messageData(let data): "<message data, \(data.count) bytes>"
        default: line
        }
    }

    /// The name of the step whose reply is awaited, as it appears in timeout messages
    /// ("timed out … waiting for the reply to RCPT TO").
    var step: String {
        switch self {
        case .ehlo: "EHLO"
        case .helo: "HELO"
        case .startTLS: "STARTTLS"
        case .authPlain, .authPlainResponse: "AUTH PLAIN"
        case .authLogin: "AUTH LOGIN"
        case .authLoginUsername: "AUTH LOGIN user name"
        case .authLoginPassword: "AUTH LOGIN password"
        case .mailFrom: "MAIL FROM"
        case .rcptTo: "RCPT TO"
        case .data: "DATA"
        case .messageData: "end of message data"
        case .rset: "RSET"
        case .quit: "QUIT"
        }
    }

    private var line: String {
        switch self {
        case .ehlo(let name): "EHLO \(name)"
        case .helo(let name): "HELO \(name)"
        case .startTLS: "STARTTLS"
        case .authPlain(let response): "AUTH PLAIN \(response)"
        case .authPlainResponse(let response): response
        case .authLogin: "AUTH LOGIN"
        case .authLoginUsername(let response), .authLoginPassword(let response): response
        case .mailFrom(let address, let size, let smtpUTF8):
            "MAIL FROM:<\(address)>" + (size.map { " SIZE=\($0)" } ?? "") + (smtpUTF8 ? " SMTPUTF8" : "")
        case .rcptTo(let address): "RCPT TO:<\(address)>"
        case .data: "DATA"
        case .messageData: ""
        case .rset: "RSET"
        case .quit: "QUIT"
        }
    }
}
