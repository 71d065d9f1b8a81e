import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import UsherCore
import Vapor

/// What a transport reports for one email.
enum DeliveryOutcome: Sendable, Equatable {
    case sent(String)
    /// Try again later: connection problems, timeouts, 4xx replies.
    case transient(String)
    /// Do not try again: 5xx replies, messages the server can never take.
    case permanent(String)
}

/// Something that delivers a batch of emails: the organisation's SMTP server, or the local
/// mailbox when none is configured.
protocol MailTransport: Sendable {
    var name: String { get }
    /// True when a delivered email stays here to be read (the local mailbox): its sealed link
    /// is then kept while the invitation is pending, for the console to show.
    var keepsDeliveredEmails: Bool { get }
    func deliver(_ batch: [OutboxMessageModel]) async -> [DeliveryOutcome]
}

extension MailTransport {
    var keepsDeliveredEmails: Bool { false }
}

/// With no SMTP server configured, an email is "delivered" by keeping it: the mailbox API and
/// console show it (SPEC: a local mailbox when no SMTP server is configured).
struct LocalMailbox: MailTransport {
    var name: String { "mailbox" }
    var keepsDeliveredEmails: Bool { true }
    func deliver(_ batch: [OutboxMessageModel]) async -> [DeliveryOutcome] {
        batch.map { _ in .sent("kept in the local mailbox") }
    }
}

/// Delivers the outbox: leases due rows, hands them to the transport, records the outcome.
///
/// A lease is a row marked `sending` with an owner and an expiry, taken in one statement
/// (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so workers on several instances never take the
/// same row; SQLite has one writer anyway). If an instance dies mid-delivery its leases
/// expire and another worker takes the rows again — at-least-once, and only an email the SMTP
/// server took without acknowledging can go out twice.
final class OutboxWorker: Sendable {
    struct Settings: Sendable {
        var batchSize = 20
        var leaseDuration: TimeInterval = 60
        var pollInterval: TimeInterval = 1
        /// First retry delay; each further one doubles, up to `maxBackoff`, with jitter.
        var retryBase: TimeInterval = 30
        var maxBackoff: TimeInterval = 3600
        /// USHER_SMTP_MAX_PER_SECOND (nil: no limit).
        var maxPerSecond: Double?
    }

    let db: any Database
    let transport: any MailTransport
    let owner: String
    let settings: Settings
    let logger: Logger
    let sealer: OutboxLinkSealer
    let sendRate: OutboxSendRate?
    /// SQLite: the sent emails' records commit with the invitations being created (one fsync).
    let groupCommit: SQLiteGroupCommit?
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(
        db: any Database, transport: any MailTransport, owner: String, settings: Settings, logger: Logger, secrets: ServerSecrets,
        groupCommit: SQLiteGroupCommit? = nil
    ) {
        self.db = db
        self.groupCommit = groupCommit
        self.sealer = OutboxLinkSealer(secrets: secrets)
        self.transport = transport
        self.owner = owner
        self.settings = settings
        self.logger = logger
        self.sendRate = settings.maxPerSecond.map(OutboxSendRate.init(perSecond:))
    }

    func start(signal: MailSignal) {
        let work = Task { [self] in
            logger.notice("Email worker started (transport: \(transport.name))")
            var lastSweep = Date.distantPast
            while !Task.isCancelled {
                if Date().timeIntervalSince(lastSweep) > 600 {
                    lastSweep = Date()
                    do { try await Housekeeping.sweep(db) } catch {
                        logger.warning("Housekeeping could not delete expired sessions and codes: \(String(reflecting: error))")
                    }
                    do { try await Outbox.dropDeadLinks(now: Date(), on: db) } catch {
                        logger.warning("The outbox could not drop the sealed links it no longer needs: \(String(reflecting: error))")
                    }
                }
                do {
                    // Keep going while there is work; then wait for a ring or the next poll.
                    while try await runOnce() > 0, !Task.isCancelled {}
                } catch {
                    logger.error(
                        "Email worker: the outbox could not be read (\(String(reflecting: error))); retrying shortly. Check the database connection."
                    )
                }
                // Held back by the send rate: look again when the next email may go.
                let throttled = sendRate.map { $0.wait(now: Date()) } ?? 0
                await signal.wait(timeout: throttled > 0 ? min(settings.pollInterval, throttled) : settings.pollInterval)
            }
        }
        task.withLockedValue { $0 = work }
    }

    func stop() async {
        let work = task.withLockedValue { t -> Task<Void, Never>? in
            defer { t = nil }
            return t
        }
        work?.cancel()
        await work?.value
    }

    /// Leases one batch (no more than the send rate allows at `now`) and delivers it; returns
    /// how many emails it handled.
    @discardableResult
    func runOnce(now: Date = Date()) async throws -> Int {
        let limit = sendRate?.allowance(now: now, wanted: settings.batchSize) ?? settings.batchSize
        guard limit > 0 else { return 0 }
        let batch = try await lease(now: now, limit: limit)
        sendRate?.take(batch.count, at: now)
        guard !batch.isEmpty else { return 0 }
        // Each email gets its link back just before it leaves; one whose link cannot be restored
        // fails rather than going out with a dead one.
        var outcomes = [DeliveryOutcome](repeating: .transient("no answer"), count: batch.count)
        var ready: [(index: Int, message: OutboxMessageModel)] = []
        for (index, message) in batch.enumerated() {
            if let complete = withLink(message) {
                ready.append((index, complete))
            } else {
                outcomes[index] = .permanent(
                    "the link of this email is no longer kept (its invitation was resent, revoked or accepted, or the server secret changed)"
                )
            }
        }
        if !ready.isEmpty {
            let delivered = await transport.deliver(ready.map(\.message))
            for (k, entry) in ready.enumerated() where k < delivered.count { outcomes[entry.index] = delivered[k] }
        }
        let now = Date()
        // The sent ones in one statement; the others each have their own reason and retry time.
        var sent: [OutboxMessageModel] = []
        for (message, outcome) in zip(batch, outcomes) {
            if case .sent = outcome { sent.append(message) } else { try await record(outcome, for: message, now: now) }
        }
        if !sent.isEmpty { try await recordSent(sent, now: now) }
        return batch.count
    }

    /// The email as it is sent: a copy (never saved) with the token where its placeholder stands.
    func withLink(_ m: OutboxMessageModel) -> OutboxMessageModel? {
        guard let id = m.id else { return nil }
        guard let sealed = m.linkSecret else {
            // No link to restore: fine for an email without one, not for one that had it.
            let placeholder = OutboxLink.placeholder(messageId: id)
            return [m.subject, m.textBody, m.htmlBody].contains { $0.contains(placeholder) } ? nil : m
        }
        guard let token = sealer.open(sealed, messageId: id) else { return nil }
        let copy = OutboxMessageModel()
        copy.id = id
        copy.kind = m.kind
        copy.invitationId = m.invitationId
        copy.store = m.store
        copy.recipient = m.recipient
        copy.recipientName = m.recipientName
        copy.subject = OutboxLink.reveal(token, in: m.subject, messageId: id)
        copy.textBody = OutboxLink.reveal(token, in: m.textBody, messageId: id)
        copy.htmlBody = OutboxLink.reveal(token, in: m.htmlBody, messageId: id)
        copy.language = m.language
        copy.messageId = m.messageId
        copy.status = m.status
        copy.attempts = m.attempts
        copy.nextAttemptAt = m.nextAttemptAt
        copy.createdAt = m.createdAt
        copy.giveUpAt = m.giveUpAt
        return copy
    }

    private func lease(now: Date, limit: Int) async throws -> [OutboxMessageModel] {
        let until = now.addingTimeInterval(settings.leaseDuration)
        let owner = self.owner
        let lock: SQLQueryString = db.isSQLite ? "" : "FOR UPDATE SKIP LOCKED"
        // The whole rows come back with the lease: no second read, no Fluent reflection per email.
        let rows = try await db.writeStatement { sql -> [OutboxMessageRow] in
            try await sql.raw(
                """
                UPDATE outbox SET status = \(OutboxStatus.sending), lease_owner = \(bind: owner), lease_until = \(bind: until), attempts = attempts + 1
                WHERE id IN (
                  SELECT id FROM outbox
                  WHERE (status = \(OutboxStatus.queued) AND next_attempt_at <= \(bind: now)) OR (status = \(OutboxStatus.sending) AND lease_until < \(bind: now))
                  ORDER BY next_attempt_at LIMIT \(literal: limit) \(lock))
                RETURNING *
                """
            ).all(decoding: OutboxMessageRow.self)
        }
        return rows.sorted { ($0.created_at, $0.id.uuidString) < ($1.created_at, $1.id.uuidString) }.map(\.model)
    }

    private func recordSent(_ messages: [OutboxMessageModel], now: Date) async throws {
        let transportName = transport.name
        let ids: [any Encodable & Sendable] = messages.map { $0.id! }
        // Security: once sent, the email's sealed link is dropped — except in the local mailbox,
        // which is where the email is read (until the invitation is no longer pending).
        var plan = PlannedWrite()
        plan.run(
            PlannedStatement(
                """
                UPDATE outbox SET status = ?, sent_at = ?, transport = ?, last_error = NULL, lease_owner = NULL, lease_until = NULL,
                  link_secret = \(transport.keepsDeliveredEmails ? "link_secret" : "NULL")
                WHERE id IN (\(Array(repeating: "?", count: ids.count).joined(separator: ", ")))
                """, [OutboxStatus.sent.rawValue, now, transportName] + ids))
        // An invitation email's delivery is an event (invitation.sent), in the same transaction.
        let invitations = messages.compactMap(Self.eventInvitation)
        if !invitations.isEmpty {
            var sent: [UUID: DeliveryView] = [:]
            for message in messages {
                sent[message.id!] = DeliveryView(
                    status: OutboxStatus.sent.rawValue, attempts: message.attempts, lastError: nil, sentAt: now, transport: transportName,
                    emailId: message.id!.idString)
            }
            let order = Dictionary(invitations.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: min)
            plan.append(
                EventLog.plan(.invitationSent, from: InvitationService.viewsRead(ids: invitations), postgres: !db.isSQLite, at: now) {
                    [sent] rows in
                    try InvitationService.views(rows: rows, knownDeliveries: sent, now: now)
                        .sorted { order[UUID(uuidString: $0.id)!, default: 0] < order[UUID(uuidString: $1.id)!, default: 0] }
                        .map { (store: $0.store, subjectId: $0.id, data: $0) }
                })
        }
        try await db.write(plan, groupCommit: groupCommit)
        for message in messages {
            logger.info(
                "Email sent",
                metadata: ["email": .string(message.id!.idString), "invitation": .string(message.invitationId?.idString ?? "-")])
        }
    }

    private func record(_ outcome: DeliveryOutcome, for message: OutboxMessageModel, now: Date) async throws {
        let id = message.id!
        let transportName = transport.name
        switch outcome {
        case .sent:
            try await recordSent([message], now: now)
        case .transient(let reason):
            let delay = Self.backoff(attempt: message.attempts, base: settings.retryBase, max: settings.maxBackoff)
            let next = now.addingTimeInterval(delay)
            if next > message.giveUpAt {
                try await fail(
                    id, reason: "gave up after \(message.attempts) attempts; last: \(reason)", transportName: transportName,
                    invitationId: Self.eventInvitation(message))
                logger.warning(
                    "Email failed for good after retrying", metadata: ["email": .string(id.idString), "reason": .string(reason)])
            } else {
                try await db.writeStatement { sql in
                    try await sql.raw(
                        """
                        UPDATE outbox SET status = \(OutboxStatus.queued), next_attempt_at = \(bind: next), last_error = \(bind: reason), transport = \(bind: transportName),
                          lease_owner = NULL, lease_until = NULL
                        WHERE id = \(bind: id) AND status = \(OutboxStatus.sending)
                        """
                    ).run()
                }
                logger.notice(
                    "Email not delivered yet; retrying in \(Int(delay)) s",
                    metadata: ["email": .string(id.idString), "reason": .string(reason)])
            }
        case .permanent(let reason):
            try await fail(id, reason: reason, transportName: transportName, invitationId: Self.eventInvitation(message))
            logger.warning(
                "Email refused by the mail server; it will not be retried",
                metadata: ["email": .string(id.idString), "reason": .string(reason)])
        }
    }

    /// The invitation whose event an email's outcome is (invitation.sent, .delivery_failed): the invitation emails only.
    static func eventInvitation(_ message: OutboxMessageModel) -> UUID? {
        message.kind == "invitation" ? message.invitationId : nil
    }

    private func fail(_ id: UUID, reason: String, transportName: String, invitationId: UUID? = nil) async throws {
        try await db.write { tx in
            try await tx.sql.raw(
                """
                UPDATE outbox SET status = \(OutboxStatus.failed), last_error = \(bind: reason), transport = \(bind: transportName), lease_owner = NULL, lease_until = NULL,
                  link_secret = NULL
                WHERE id = \(bind: id)
                """
            ).run()
            if let invitationId { try await EventLog.invitation(.invitationDeliveryFailed, id: invitationId, on: tx, at: Date()) }
        }
    }

    /// Exponential backoff with "equal jitter": half fixed, half random, so that retries of
    /// many emails after an outage spread out instead of arriving together.
    static func backoff(attempt: Int, base: TimeInterval, max: TimeInterval) -> TimeInterval {
        let exponential = min(max, base * pow(2, Double(Swift.max(0, attempt - 1))))
        return exponential / 2 + Double.random(in: 0...(exponential / 2))
    }
}
