import Fluent
import Foundation
import SQLKit
import UsherCore
import Vapor

extension InvitationService {
    /// SPEC rule 11: gone from every list, its link dead at once; the audit log remembers.
    func revoke(store: String, id: String, by actor: Actor) async throws {
        let invitation = try await require(store: store, id: id)
        try InvitationRules.checkRevocable(InvitationRules.status(storedDone: invitation.status == InvitationStatus.done.rawValue, validUntil: invitation.validUntil, now: Date()))
        let invitationId = invitation.id!
        try await db.write { tx in
            let rows = try await tx.sql.raw("DELETE FROM invitations WHERE id = \(bind: invitationId) AND status = \(InvitationStatus.pending) RETURNING id").all()
            guard !rows.isEmpty else {
                throw UsherError.conflict(.invitationAlreadyAccepted, "This invitation was accepted a moment ago and cannot be revoked.")
            }
            try await RetiredLinkModel(tokenHash: invitation.tokenHash, reason: InvitationLinkRefusal.revoked.rawValue, invitationId: invitationId, at: Date()).create(on: tx)
            try await Outbox.cancelQueued(invitationId: invitationId, reason: "invitation revoked", on: tx)
            try await LoginFlowModel.query(on: tx).filter(\.$invitationId == invitationId).delete()
            try await Audit.record(on: tx, actor: actor, action: .invitationRevoked, store: store, targetType: "invitation", targetId: id,
                                   details: ["email": invitation.email, "applicationId": invitation.applicationId.idString, "createdBy": invitation.createdBy])
        }
    }
}
