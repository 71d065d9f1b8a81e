import Fluent
import Foundation
import UsherCore

/// The events of invitations and accounts, with `data` the resource as the admin API shows it,
/// read inside the change's transaction. An invitation's `data` never holds its link.
extension EventLog {
    static func invitation(
        _ type: EventType, _ invitation: InvitationModel, on tx: any Database, at: Date, knownEmails: [OutboxMessageModel] = []
    ) async throws {
        var view = try await InvitationService.views([invitation], on: tx, now: at, knownEmails: knownEmails)[0]
        view.link = nil
        try await append(on: tx, type, store: invitation.store, subjectId: view.id, data: view, at: at)
    }

    /// The invitation `id` as it is now in `tx` (nothing when it is gone).
    static func invitation(_ type: EventType, id: UUID, on tx: any Database, at: Date) async throws {
        guard let invitation = try await InvitationModel.find(id, on: tx) else { return }
        try await self.invitation(type, invitation, on: tx, at: at)
    }

    static func accountCreated(_ account: AccountModel, on tx: any Database, at: Date) async throws {
        let view = try await AccountService(db: tx, passwords: nil).view(account)
        try await append(on: tx, .accountCreated, store: account.store, subjectId: view.id, data: view, at: at)
    }
}
