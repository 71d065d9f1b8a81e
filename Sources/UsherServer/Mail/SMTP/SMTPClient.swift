import Foundation
import Logging
import NIOCore

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

/// Sends batches of messages to one relay, one connection per batch. The API the rest of
/// Usher uses (SMTPTransport); the protocol is `SMTPStateMachine`, the socket `SMTPConnection`.
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

        let connection: SMTPConnection
        do {
            connection = try await SMTPConnection.open(configuration: configuration, group: eventLoopGroup, logger: logger)
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
                let reply = try await connection.deliver(item.message, data: item.data)
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
                    try await connection.reset()
                } catch {
                    connectionLost = "RSET after a refused message failed (\(SMTPSessionError.from(error).message))"
                }
            }
        }

        await connection.quit(politely: connectionLost == nil)
        return outcomes.map { $0 ?? .transientFailure("not attempted") }
    }
}
