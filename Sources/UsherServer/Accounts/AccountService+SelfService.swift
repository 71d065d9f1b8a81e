import Fluent
import Foundation
import UsherCore

/// The administrator's side of customer self-service (issue 23): send a password-reset email,
/// sign an account out everywhere. The API and the console call these.
extension AccountService {
    /// `POST …/accounts/{id}/passwordReset`: the account gets the email a customer's "Forgot
    /// password?" sends (or, without a password but with an upstream identity, the notice saying
    /// how it signs in). An account without an email address cannot get one: 400.
    func sendPasswordReset(store: String, id: String, by actor: Actor, context: UsherContext, now: Date = Date()) async throws {
        let account = try await require(store: store, id: id)
        let sent = try await db.write { tx in
            try await PasswordReset(context: context).send(to: account, origin: .none, by: actor, on: tx, now: now)
        }
        guard sent else {
            throw UsherError.badRequest(.accountNoEmail, "The account has no email address, so no password reset email can be sent to it.")
        }
        context.mailWakeUp()
    }

    /// `POST …/accounts/{id}/signOut`: ends every browser session of the account and revokes
    /// every refresh token its applications hold, with an audit row.
    func signOutEverywhere(store: String, id: String, by actor: Actor, now: Date = Date()) async throws {
        let account = try await require(store: store, id: id)
        try await db.write { tx in
            let ended = try await AccountSessions.endAll(accountId: account.id!, on: tx, now: now)
            try await Audit.record(
                on: tx, actor: actor, action: .accountSignedOut, store: store, targetType: "account", targetId: id,
                details: ["sessions": String(ended), "refreshTokens": "revoked"], at: now)
        }
    }
}
