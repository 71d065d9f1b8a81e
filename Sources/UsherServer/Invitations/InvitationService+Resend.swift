import Fluent
import Foundation
import SQLKit
import UsherCore
import Vapor

extension InvitationService {
    /// SPEC rule 10: a new link (the old one dies), a new validUntil, and the email again.
    func resend(store: String, id: String, by actor: Actor) async throws -> InvitationView {
        let invitation = try await require(store: store, id: id)
        let now = Date()
        try InvitationRules.checkResendable(
            InvitationRules.status(
                storedDone: invitation.status == InvitationStatus.done.rawValue, validUntil: invitation.validUntil, now: now))
        try await context.rateLimiter.hit(RateLimiter.resendPerInvitation, key: invitation.id!.idString, on: db)
        guard let (applicationId, target) = try await Self.target(clientId: invitation.clientId, on: db),
            applicationId == invitation.applicationId
        else {
            throw UsherError.conflict(
                .invitationApplicationGone, "The application or client of this invitation no longer exists; revoke it and invite again.")
        }
        let options = target.options
        try InvitationRules.checkInvitable(target, store: store)

        let token = SecretToken.generate(prefix: Self.tokenPrefix)
        let link = Self.link(loginURL: target.loginURL!, issuer: context.config.issuer, token: token)
        let validUntil = InvitationRules.validUntil(from: now, options: options)
        let profile = InvitationRequest.profile(from: JSONText.decode([String: JSONValue].self, invitation.metadata) ?? [:])
        let invitationId = invitation.id!
        let tokenHash = SecretToken.hash(token)
        let linkSecret = try OutboxLinkSealer.forInvitations(context.secrets).seal(token: token, messageId: invitationId)

        let oldTokenHash = invitation.tokenHash
        let updated = try await db.write { tx in
            // Conditional on PENDING, so a resend racing with acceptance cannot revive it.
            let rows = try await tx.sql.raw(
                """
                UPDATE invitations SET token_hash = \(bind: tokenHash), valid_until = \(bind: validUntil), sent_at = \(bind: now),
                  send_count = send_count + 1, link_secret = \(bind: linkSecret), expired_at = NULL, renewal_requested_at = NULL,
                  reminders_sent = 0
                WHERE id = \(bind: invitationId) AND status = \(InvitationStatus.pending) RETURNING id
                """
            ).all()
            guard !rows.isEmpty else {
                throw UsherError.conflict(
                    .invitationAlreadyAccepted, "This invitation was accepted a moment ago; there is nothing to resend.")
            }
            try await RetiredLinkModel(
                tokenHash: oldTokenHash, reason: InvitationLinkRefusal.replaced.rawValue, invitationId: invitationId, at: now
            ).create(on: tx)
            guard let fresh = try await InvitationModel.find(invitationId, on: tx) else { throw UsherError.notFound("invitation", id) }
            let email = try InvitationEmail.compose(
                invitation: fresh, applicationName: target.applicationName, inviter: actor.displayName, link: link,
                recipientName: profile.fullName, templates: self.context.templates)
            // An older email still waiting carries a dead link: it is not sent any more.
            try await Outbox.cancelQueued(invitationId: invitationId, reason: "superseded by a resend", on: tx)
            let message = try Outbox.message(
                email, linkToken: token, sealer: OutboxLinkSealer(secrets: self.context.secrets), invitationId: invitationId,
                store: store, retryPeriod: self.context.config.mailRetryPeriod, now: now)
            try await message.insert(on: tx)
            fresh.lastEmailId = message.id
            try await fresh.save(on: tx)
            try await Audit.record(
                on: tx, actor: actor, action: .invitationResent, store: store, targetType: "invitation", targetId: id,
                details: ["email": fresh.email, "sendCount": String(fresh.sendCount)])
            try await EventLog.invitation(.invitationResent, fresh, on: tx, at: now, knownEmails: [message])
            return fresh
        }
        context.mailWakeUp()
        var view = try await self.view(updated)
        view.link = link
        return view
    }
}
