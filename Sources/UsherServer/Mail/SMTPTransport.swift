import Foundation
import Logging
import NIOCore
import UsherCore

/// Delivers the outbox through the organisation's SMTP server (USHER_SMTP_URL).
struct SMTPTransport: MailTransport {
    var name: String { "smtp" }
    let client: SMTPClient
    let fromName: String?
    let fromAddress: String

    init(url: String, from: String, eventLoopGroup: any EventLoopGroup, logger: Logger) throws {
        let configuration: SMTPConfiguration
        do {
            configuration = try SMTPConfiguration.parse(url)
        } catch {
            throw UsherConfiguration.Error(variable: "USHER_SMTP_URL", problem: "\(error)")
        }
        client = SMTPClient(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
        (fromName, fromAddress) = Self.splitAddress(from)
    }

    /// "Name <addr@host>" or "addr@host".
    static func splitAddress(_ raw: String) -> (String?, String) {
        if let open = raw.lastIndex(of: "<"), let close = raw.lastIndex(of: ">"), open < close {
            let name = raw[..<open].trimmingCharacters(in: CharacterSet(charactersIn: " \""))
            return (name.isEmpty ? nil : name, String(raw[raw.index(after: open)..<close]))
        }
        return (nil, raw.trimmingCharacters(in: .whitespaces))
    }

    func deliver(_ batch: [OutboxMessageModel]) async -> [DeliveryOutcome] {
        var messages: [MIMEMessage?] = []
        var outcomes: [DeliveryOutcome?] = []
        for m in batch {
            let message = MIMEMessage(
                fromName: fromName, fromAddress: fromAddress, toName: m.recipientName, toAddress: m.recipient,
                subject: m.subject, textBody: m.textBody, htmlBody: m.htmlBody, messageId: m.messageId, date: m.createdAt)
            do {
                _ = try message.render()
                messages.append(message)
                outcomes.append(nil)
            } catch {
                // A header with CR/LF or a malformed address: no server will ever take it.
                messages.append(nil)
                outcomes.append(.permanent("refused before sending: \(error)"))
            }
        }
        let sendable = messages.compactMap { $0 }
        var results = sendable.isEmpty ? [] : await client.send(sendable)
        return outcomes.map { preset in
            if let preset { return preset }
            switch results.isEmpty ? .transientFailure("no answer") : results.removeFirst() {
            case .sent(let reply): return .sent(reply)
            case .transientFailure(let reason): return .transient(reason)
            case .permanentFailure(let reason): return .permanent(reason)
            }
        }
    }
}
