import Fluent
import Foundation
import SQLKit
import UsherCore
import Vapor

extension InvitationFunnel: Content {}

extension InvitationService {
    /// The funnel of the invitations created in `[from, to)`. The cohort comes from the audit
    /// log, because a revoked invitation's row is gone but its creation and revocation are
    /// recorded there; everything else comes from the invitations and their emails.
    func funnel(store: String, from: Date, to: Date, clientId: String?) async throws -> InvitationFunnel {
        _ = try await IdentityStoreService(db: db).require(store)
        struct Created: Decodable {
            var target_id: String
            var at: Date
            var details: String
        }
        let created = try await db.sql.raw(
            """
            SELECT target_id, at, details FROM audit_events
            WHERE action = \(bind: AuditAction.invitationCreated.rawValue) AND store = \(bind: store) AND at >= \(bind: from) AND at < \(bind: to)
            """
        ).all(decoding: Created.self).filter { entry in
            guard let clientId else { return true }
            return JSONText.decode([String: String].self, entry.details)?["clientId"] == clientId
        }
        struct Stored: Decodable {
            var id: UUID
            var sent_at: Date
            var opened_at: Date?
            var accepted_at: Date?
            var expired_at: Date?
        }
        var stored: [String: Stored] = [:]
        for row in try await db.sql.raw(
            """
            SELECT id, sent_at, opened_at, accepted_at, expired_at FROM invitations
            WHERE store = \(bind: store) AND created_at >= \(bind: from) AND created_at < \(bind: to)
            """
        ).all(decoding: Stored.self) {
            stored[row.id.idString] = row
        }
        struct Email: Decodable {
            var invitation_id: UUID
            var status: String
            var sent_at: Date?
        }
        var delivered: [String: Date] = [:]
        var failed: Set<String> = []
        for email in try await db.sql.raw(
            """
            SELECT invitation_id, status, sent_at FROM outbox
            WHERE store = \(bind: store) AND kind = 'invitation' AND invitation_id IS NOT NULL AND created_at >= \(bind: from)
            """
        ).all(decoding: Email.self) {
            let id = email.invitation_id.idString
            if email.status == OutboxStatus.sent.rawValue, let at = email.sent_at {
                delivered[id] = min(delivered[id] ?? at, at)
            } else if email.status == OutboxStatus.failed.rawValue {
                failed.insert(id)
            }
        }
        struct Target: Decodable { var target_id: String }
        let revoked = Set(
            try await db.sql.raw(
                """
                SELECT target_id FROM audit_events
                WHERE action = \(bind: AuditAction.invitationRevoked.rawValue) AND store = \(bind: store) AND at >= \(bind: from)
                """
            ).all(decoding: Target.self).map(\.target_id))
        let rows = created.map { entry -> InvitationFunnel.Row in
            let row = stored[entry.target_id]
            return InvitationFunnel.Row(
                created: entry.at, sent: row?.sent_at ?? entry.at, delivered: delivered[entry.target_id],
                failedDelivery: delivered[entry.target_id] == nil && failed.contains(entry.target_id), opened: row?.opened_at,
                accepted: row?.accepted_at, expired: row?.expired_at, revoked: revoked.contains(entry.target_id))
        }
        return InvitationFunnel(from: from, to: to, clientId: clientId, rows: rows)
    }

    /// Reads `from` and `to` (ISO 8601 dates or date-times; default: the last 30 days).
    static func funnelPeriod(from rawFrom: String?, to rawTo: String?, now: Date) throws -> (Date, Date) {
        func parse(_ raw: String?, _ name: String, endOfDay: Bool) throws -> Date? {
            guard let raw, !raw.isEmpty else { return nil }
            if let instant = ISO8601DateFormatter().date(from: raw) { return instant }
            let day = ISO8601DateFormatter()
            day.formatOptions = [.withFullDate]
            if let date = day.date(from: raw) { return endOfDay ? date.addingTimeInterval(86400) : date }
            throw UsherError.badRequest(
                .requestInvalidQuery, "\(name) must be a date (2026-12-01) or a date and time (2026-12-01T00:00:00Z).",
                fieldErrors: [FieldError(name, "is not an ISO 8601 date")])
        }
        let to = try parse(rawTo, "to", endOfDay: true) ?? now
        let from = try parse(rawFrom, "from", endOfDay: false) ?? to.addingTimeInterval(-30 * 86400)
        guard from < to, to.timeIntervalSince(from) <= Double(InvitationFunnel.maxDays) * 86400 else {
            throw UsherError.badRequest(
                .requestInvalidQuery, "from must be before to, and the period at most \(InvitationFunnel.maxDays) days.",
                fieldErrors: [FieldError("from", "must be before to, at most \(InvitationFunnel.maxDays) days earlier")])
        }
        return (from, to)
    }
}
