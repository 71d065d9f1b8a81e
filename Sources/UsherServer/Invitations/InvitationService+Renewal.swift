import Fluent
import Foundation
import SQLKit
import UsherCore
import Vapor

/// The invitee's side of the lifecycle: asking for a new invitation from an expired link
/// (SPEC: Lifecycle); the first look at the sign-up form is InvitationService+Open.
extension InvitationService {
    /// The expired invitation a link belongs to, or nil for any other link (revoked, unknown,
    /// used, still valid): only an expired link's holder may ask, and nothing else is told.
    func expiredInvitation(token: String, now: Date = Date()) async throws -> InvitationModel? {
        guard token.hasPrefix(Self.tokenPrefix), token.count < 200, let invitation = try await Self.find(token: token, on: db),
            InvitationLink.status(of: invitation, now: now) == .expired
        else { return nil }
        return invitation
    }

    /// "Ask for a new invitation": one request per invitation; asking again changes nothing
    /// and answers the same. Returns whether this request was the one recorded.
    @discardableResult
    func requestRenewal(token: String, now: Date = Date()) async throws -> Bool {
        guard let invitation = try await expiredInvitation(token: token, now: now) else {
            throw UsherError.badRequest(
                .invitationRenewalNotPossible,
                "A new invitation can only be asked for from an invitation link that has expired. Ask the person who invited you.")
        }
        return try await requestRenewal(of: invitation, now: now)
    }

    /// The same, for an expired invitation already looked up by its link.
    @discardableResult
    func requestRenewal(of invitation: InvitationModel, now: Date = Date()) async throws -> Bool {
        guard let id = invitation.id else { return false }
        return try await db.write { tx in
            let rows = try await tx.sql.raw(
                """
                UPDATE invitations SET renewal_requested_at = \(bind: now)
                WHERE id = \(bind: id) AND status = \(InvitationStatus.pending) AND renewal_requested_at IS NULL RETURNING id
                """
            ).all()
            guard !rows.isEmpty, let fresh = try await InvitationModel.find(id, on: tx) else { return false }
            try await Audit.record(
                on: tx, actor: .system, action: .invitationRenewalRequested, store: fresh.store, targetType: "invitation",
                targetId: id.idString, details: ["email": fresh.email], at: now)
            try await EventLog.invitation(.invitationRenewalRequested, fresh, on: tx, at: now)
            return true
        }
    }
}
