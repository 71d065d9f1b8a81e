import Fluent
import Foundation
import SQLKit
import UsherCore
import Vapor

extension InvitationService {
    /// SPEC rule 11: gone from every list, its link dead at once; the audit log remembers. A
    /// DONE invitation can be revoked too: its record goes, the account it created stays.
    func revoke(store: String, id: String, by actor: Actor) async throws {
        let invitation = try await require(store: store, id: id)
        let invitationId = invitation.id!
        try await db.write { tx in
            // Whatever it became meanwhile (accepted a moment ago included), the status it had when
            // deleted decides what its link says from now on.
            struct Row: Decodable { var status: String }
            // The event shows the invitation as it was just before it went.
            var view: InvitationView?
            if let before = try await InvitationModel.find(invitationId, on: tx) { view = try await Self.views([before], on: tx)[0] }
            guard
                let deleted = try await tx.sql.raw("DELETE FROM invitations WHERE id = \(bind: invitationId) RETURNING status").first(
                    decoding: Row.self)
            else {
                throw UsherError.notFound("invitation", id)
            }
            let status: InvitationStatus = deleted.status == InvitationStatus.done.rawValue ? .done : .pending
            try await RetiredLinkModel(
                tokenHash: invitation.tokenHash, reason: InvitationRules.linkRefusalAfterRevoke(status).rawValue,
                invitationId: invitationId, at: Date()
            ).create(on: tx)
            try await Outbox.cancelQueued(invitationId: invitationId, reason: "invitation revoked", on: tx)
            try await LoginFlowModel.query(on: tx).filter(\.$invitationId == invitationId).delete()
            try await Audit.record(
                on: tx, actor: actor, action: .invitationRevoked, store: store, targetType: "invitation", targetId: id,
                details: ["email": invitation.email, "applicationId": invitation.applicationId.idString, "createdBy": invitation.createdBy])
            if let view { try await EventLog.append(on: tx, .invitationRevoked, store: store, subjectId: id, data: view, at: Date()) }
        }
    }
}
