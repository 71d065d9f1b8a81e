import Fluent
import Foundation
import UsherCore

extension AccountSelfService {
    /// Unlinks one of the account's external identities (issue 23), only while the account keeps
    /// another way to sign in: a password or another identity. Audited. An identity that is not
    /// the account's is treated as unknown (nothing changes, nothing is told).
    func unlinkIdentity(_ account: AccountModel, identityId: String, now: Date) async throws {
        guard let id = UUID(uuidString: identityId) else { return }
        try await db.write { tx in
            let identities = try await ExternalIdentityModel.query(on: tx).filter(\.$accountId == account.id!).all()
            guard let identity = identities.first(where: { $0.id == id }) else { return }
            guard account.passwordHash != nil || identities.count > 1 else { throw AccountPageRefusal.lastSignInMethod.error }
            try await identity.delete(on: tx)
            try await Audit.record(
                on: tx, actor: Actor(kind: .customer, id: account.id!.idString, displayName: account.email ?? account.username ?? ""),
                action: .accountIdentityUnlinked, store: account.store, targetType: "account", targetId: account.id!.idString,
                details: ["provider": identity.providerId.idString, "via": "accountPage"], at: now)
        }
    }
}
