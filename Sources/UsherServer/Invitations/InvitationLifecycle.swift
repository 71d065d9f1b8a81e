import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import UsherCore
import Vapor

/// What happens to an invitation with time alone (SPEC: Lifecycle): reminders before it
/// expires, and its one transition to EXPIRED. `sweep(now:)` takes the time it acts at, so
/// tests drive it to any moment; in a server a scheduler calls it every minute on every
/// instance. Each invitation is claimed with a conditional `UPDATE … RETURNING` inside the
/// transaction that also writes its email, audit row and event, so two instances never both
/// remind or expire the same invitation, and nothing is half done.
struct InvitationLifecycle {
    let db: any Database
    let context: UsherContext

    struct Outcome: Equatable {
        var reminded = 0
        var expired = 0
    }

    static let batchSize = 200

    @discardableResult
    func sweep(now: Date) async throws -> Outcome {
        var outcome = Outcome()
        outcome.expired = try await expireDue(now: now)
        outcome.reminded = try await remindDue(now: now)
        return outcome
    }

    // MARK: Expiry

    /// Pending invitations whose `validUntil` has passed turn EXPIRED, once each.
    func expireDue(now: Date) async throws -> Int {
        struct Due: Decodable { var id: UUID }
        let due = try await db.sql.raw(
            """
            SELECT id FROM invitations WHERE status = \(InvitationStatus.pending) AND valid_until <= \(bind: now) AND expired_at IS NULL
            ORDER BY valid_until LIMIT \(unsafeRaw: String(Self.batchSize))
            """
        ).all(decoding: Due.self)
        var count = 0
        for row in due where try await expire(row.id, now: now) { count += 1 }
        return count
    }

    private func expire(_ id: UUID, now: Date) async throws -> Bool {
        let expired: InvitationModel? = try await db.write { tx in
            let claimed = try await tx.sql.raw(
                """
                UPDATE invitations SET expired_at = \(bind: now), link_secret = NULL
                WHERE id = \(bind: id) AND status = \(InvitationStatus.pending) AND valid_until <= \(bind: now) AND expired_at IS NULL
                RETURNING id
                """
            ).all()
            guard !claimed.isEmpty, let invitation = try await InvitationModel.find(id, on: tx) else { return nil }
            try await Audit.record(
                on: tx, actor: .system, action: .invitationExpired, store: invitation.store, targetType: "invitation",
                targetId: id.idString, details: ["email": invitation.email], at: now)
            try await EventLog.invitation(.invitationExpired, invitation, on: tx, at: now)
            try await self.queueInviterNotice(invitation, on: tx, now: now)
            return invitation
        }
        if expired != nil { context.mailWakeUp() }
        return expired != nil
    }

    /// One email to the administrator who invited, when the policy asks for it. API clients
    /// have no mailbox: their invitations expire with the event alone.
    private func queueInviterNotice(_ invitation: InvitationModel, on tx: any Database, now: Date) async throws {
        guard invitation.createdBy.hasPrefix("\(Actor.Kind.administrator.rawValue):"),
            let adminId = UUID(uuidString: String(invitation.createdBy.dropFirst(Actor.Kind.administrator.rawValue.count + 1))),
            let admin = try await AdministratorModel.find(adminId, on: tx),
            let (_, target) = try await InvitationService.target(clientId: invitation.clientId, on: tx),
            target.options.notifyInviterOnExpiry
        else { return }
        let templates = context.templates
        let notice = InviterExpiryNotice(
            email: invitation.email, applicationName: target.applicationName,
            validUntil: DateText.long(invitation.validUntil, language: "en-US"),
            consoleLink: "\(context.config.publicURL)/admin/invitations/\(invitation.store)/\(invitation.id!.idString)", lang: "en-US")
        let email = ComposedEmail(
            to: admin.email, toName: nil,
            subject: templates.render("email/invitation-expired.en-US.subject", notice).trimmingCharacters(in: .whitespacesAndNewlines),
            text: templates.render("email/invitation-expired.en-US.text", notice),
            html: templates.render("email/invitation-expired.en-US.html", notice), language: "en-US")
        let message = try Outbox.message(
            email, linkToken: nil, sealer: OutboxLinkSealer(secrets: context.secrets), invitationId: nil, store: invitation.store,
            retryPeriod: context.config.mailRetryPeriod, now: now, kind: "expiry-notice")
        try await message.insert(on: tx)
    }

    // MARK: Reminders

    /// Pending, unexpired invitations whose link was never opened get a reminder at each of
    /// their policy's `reminderHoursBeforeExpiry`, with the link of the original email.
    func remindDue(now: Date) async throws -> Int {
        struct Candidate: Decodable {
            var id: UUID
            var valid_until: Date
            var sent_at: Date
            var reminders_sent: Int?
            var reminder_hours: String?
        }
        // The earliest schedule is 720 hours before expiry; later ones come closer to it.
        let candidates = try await db.sql.raw(
            """
            SELECT i.id, i.valid_until, i.sent_at, i.reminders_sent, p.reminder_hours
            FROM invitations i JOIN applications a ON a.id = i.application_id JOIN self_service_policies p ON p.id = a.policy_id
            WHERE i.status = \(InvitationStatus.pending) AND i.valid_until > \(bind: now) AND i.opened_at IS NULL
              AND i.link_secret IS NOT NULL AND i.valid_until <= \(bind: now.addingTimeInterval(720 * 3600))
            ORDER BY i.valid_until LIMIT \(unsafeRaw: String(Self.batchSize * 5))
            """
        ).all(decoding: Candidate.self)
        var count = 0
        for c in candidates {
            let hours = c.reminder_hours.flatMap { JSONText.decode([Int].self, $0) } ?? AccountInvitationOptions().reminderHoursBeforeExpiry
            let sent = c.reminders_sent ?? 0
            guard
                let next = ReminderSchedule.due(
                    hoursBeforeExpiry: hours, remindersSent: sent, sentAt: c.sent_at, validUntil: c.valid_until, now: now)
            else { continue }
            if try await remind(c.id, expectedSent: sent, newCount: next, now: now) { count += 1 }
            if count >= Self.batchSize { break }
        }
        if count > 0 { context.mailWakeUp() }
        return count
    }

    private func remind(_ id: UUID, expectedSent: Int, newCount: Int, now: Date) async throws -> Bool {
        try await db.write { tx in
            // Claimed by the count it was read with: a second instance finds it moved on.
            let claimed = try await tx.sql.raw(
                """
                UPDATE invitations SET reminders_sent = \(bind: newCount)
                WHERE id = \(bind: id) AND status = \(InvitationStatus.pending) AND opened_at IS NULL AND valid_until > \(bind: now)
                  AND COALESCE(reminders_sent, 0) = \(bind: expectedSent) AND link_secret IS NOT NULL
                RETURNING id
                """
            ).all()
            guard !claimed.isEmpty, let invitation = try await InvitationModel.find(id, on: tx),
                let sealed = invitation.linkSecret,
                let token = OutboxLinkSealer.forInvitations(self.context.secrets).open(sealed, messageId: id),
                let (_, target) = try await InvitationService.target(clientId: invitation.clientId, on: tx), let loginURL = target.loginURL
            else { return false }
            let link = InvitationService.link(loginURL: loginURL, issuer: self.context.config.issuer, token: token)
            let metadata = JSONText.decode([String: JSONValue].self, invitation.metadata) ?? [:]
            let inviter = try await ActorNames.inviter(invitation.createdBy, on: tx)
            let email = try InvitationEmail.compose(
                invitation: invitation, applicationName: target.applicationName, inviter: inviter, link: link,
                recipientName: InvitationRequest.profile(from: metadata).fullName, templates: self.context.templates,
                template: "email/reminder")
            let message = try Outbox.message(
                email, linkToken: token, sealer: OutboxLinkSealer(secrets: self.context.secrets), invitationId: id, store: invitation.store,
                retryPeriod: self.context.config.mailRetryPeriod, now: now, kind: "reminder")
            try await message.insert(on: tx)
            try await Audit.record(
                on: tx, actor: .system, action: .invitationReminded, store: invitation.store, targetType: "invitation",
                targetId: id.idString, details: ["email": invitation.email, "reminder": String(newCount)], at: now)
            try await EventLog.invitation(.invitationReminded, invitation, on: tx, at: now)
            return true
        }
    }
}

/// When reminders are due: each of the policy's hours before expiry, in order from the
/// earliest, and none that would fall within an hour of the invitation being sent (SPEC).
enum ReminderSchedule {
    /// The moments reminders go out for one sending of an invitation, earliest first.
    static func moments(hoursBeforeExpiry: [Int], sentAt: Date, validUntil: Date) -> [Date] {
        Array(Set(hoursBeforeExpiry)).sorted(by: >).map { validUntil.addingTimeInterval(-Double($0) * 3600) }
            .filter { $0 >= sentAt.addingTimeInterval(3600) }
    }

    /// The reminder count after sending one now, or nil when none is due. A sweep that missed
    /// moments (the server was down) sends one reminder, not a burst: the count jumps past
    /// every moment already gone.
    static func due(hoursBeforeExpiry: [Int], remindersSent: Int, sentAt: Date, validUntil: Date, now: Date) -> Int? {
        guard now < validUntil else { return nil }
        let passed = moments(hoursBeforeExpiry: hoursBeforeExpiry, sentAt: sentAt, validUntil: validUntil).filter { $0 <= now }.count
        return passed > remindersSent ? passed : nil
    }
}

/// The variables of `email/invitation-expired.en-US.*`.
struct InviterExpiryNotice {
    var email: String
    var applicationName: String
    var validUntil: String
    var consoleLink: String
    var lang: String
}
