import NIOCore
import NIOSSL

// How SMTP failures are classified and worded. One owner for the wording, because the
// text ends up in the outbox's failure column where operators read it.

/// How a step of the conversation failed; decides the outcome and whether the session can go on.
enum SMTPSessionError: Error, Equatable {
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
            let hint =
                "\(error)".contains("CERTIFICATE_VERIFY_FAILED")
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
