import Fluent
import Foundation
import UsherCore

/// The one owner of "can this invitation link still be used, and if not, what is the invitee
/// told": the authorization endpoint asks it when a link is opened, the sign-up form when it
/// is shown and submitted, the federation callback when it returns. The decision itself is
/// `InvitationLinkRefusal.check` (UsherCore); this type gathers the facts from the database.
enum InvitationLink {
    /// The pending invitation `token` (a `login_hint`) belongs to, opened for `clientId`.
    /// `context`: read on SQLite on the calling thread (`UsherContext.read`), as every
    /// invitation link opened at /oauth2/authorize is.
    static func usableInvitation(
        token: String, clientId: String?, on db: any Database, context: UsherContext? = nil, now: Date = Date()
    ) async throws -> InvitationModel {
        let invitation = try await find(token: token, on: db, context: context)
        var retiredBecause: InvitationLinkRefusal?
        if invitation == nil, token.hasPrefix(InvitationService.tokenPrefix), token.count < 200 {
            retiredBecause = try await RetiredLinkModel.find(SecretToken.hash(token), on: db).flatMap {
                InvitationLinkRefusal(rawValue: $0.reason)
            }
        }
        let facts = InvitationLinkRefusal.Facts(
            status: invitation.map { status(of: $0, now: now) }, retiredBecause: retiredBecause,
            isForItsClient: clientId == nil || invitation?.clientId == clientId)
        if let refusal = InvitationLinkRefusal.check(facts) { throw refusal.error }
        guard let invitation else { throw InvitationLinkRefusal.unknown.error }
        return invitation
    }

    /// The invitation a sign-up form was opened for, as long as the link it was opened with is
    /// still the invitation's link (a resend retires it, revoke removes the invitation).
    static func usableInvitation(
        for flow: LoginFlowModel, on db: any Database, context: UsherContext? = nil, now: Date = Date()
    ) async throws -> InvitationModel {
        guard let invitationId = flow.invitationId else { throw InvitationLinkRefusal.unknown.error }
        let invitation = try await db.rows(PlannedStatement("SELECT * FROM invitations WHERE id = ?", [invitationId]), context: context)
            .first.map { try $0.decode(model: InvitationRow.self).model }
        if let refusal = InvitationLinkRefusal.check(facts(for: flow, invitation: invitation, now: now)) { throw refusal.error }
        guard let invitation else { throw InvitationLinkRefusal.revoked.error }
        return invitation
    }

    /// Why the acceptance's conditional claim took nothing: another browser accepted it a moment
    /// ago, or it expired, was resent or revoked meanwhile.
    static func refusalAfterLostClaim(flow: LoginFlowModel, on db: any Database, now: Date = Date()) async throws -> UsherError {
        let invitation = try await flow.invitationId.asyncMap { try await InvitationModel.find($0, on: db) } ?? nil
        return (InvitationLinkRefusal.check(facts(for: flow, invitation: invitation, now: now)) ?? .used).error
    }

    /// `InvitationService.find(token:on:)` written out: one SQL read, no Fluent reflection.
    private static func find(token: String, on db: any Database, context: UsherContext?) async throws -> InvitationModel? {
        guard token.hasPrefix(InvitationService.tokenPrefix), token.count < 200 else { return nil }
        let hash = SecretToken.hash(token)
        guard
            let invitation = try await db.rows(PlannedStatement("SELECT * FROM invitations WHERE token_hash = ?", [hash]), context: context)
                .first.map({ try $0.decode(model: InvitationRow.self).model }),
            SecretToken.constantTimeEquals(invitation.tokenHash, hash)
        else { return nil }
        return invitation
    }

    private static func facts(for flow: LoginFlowModel, invitation: InvitationModel?, now: Date) -> InvitationLinkRefusal.Facts {
        InvitationLinkRefusal.Facts(
            status: invitation.map { status(of: $0, now: now) },
            // The flow outlives a revoked invitation only: an unknown link never makes a flow.
            retiredBecause: .revoked,
            // Flows begun before links were recorded on them keep working until they expire (30 min).
            isCurrentLink: flow.invitationLinkHash.map { hash in
                invitation.map { SecretToken.constantTimeEquals($0.tokenHash, hash) } ?? false
            } ?? true)
    }

    static func status(of invitation: InvitationModel, now: Date) -> InvitationStatus {
        InvitationRules.status(storedDone: invitation.status == InvitationStatus.done.rawValue, validUntil: invitation.validUntil, now: now)
    }
}

extension Optional {
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
