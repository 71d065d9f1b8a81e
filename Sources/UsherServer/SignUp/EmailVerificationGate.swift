import Fluent
import Foundation
import UsherCore
import Vapor

/// The self-service policy's `registration.requireVerifiedEmail` (issue 23): when it is on, an
/// account whose email is not verified gets no authorization code for the application — after
/// sign-up, after sign-in, or with an existing session — but a page asking it to confirm its
/// address first (with "Send the link again", EmailVerificationResend). Off (the default), it
/// signs in and the ID token says `email_verified: false`.
enum EmailVerificationGate {
    /// Who was stopped, and at which application: what the confirm-first page needs to offer
    /// the link again. Only ever set after the person proved the account is theirs (a password,
    /// a sign-up, an upstream identity or a session).
    struct Stopped: Sendable {
        var accountId: UUID
        var clientId: String
        var applicationName: String
    }

    /// As `check(clientId:accountId:on:)`, and remembers on the request who was stopped, so the
    /// error page can be the confirm-first page with its resend button (Pages.errorPage).
    static func check(_ req: Request, clientId: String, accountId: UUID) async throws {
        do {
            try await check(clientId: clientId, accountId: accountId, on: req.db)
        } catch let error as UsherError where error.errorKey == .signInEmailNotVerified {
            let name = try await PasswordReset.applicationName(clientId: clientId, store: "", on: req.db)
            // The page speaks the account's language, as its emails do.
            if let account = try await AccountModel.find(accountId, on: req.db) {
                req.choosePageLanguage(try await PageLanguage.tag(of: account, on: req.db))
            }
            req.stoppedForVerification = Stopped(accountId: accountId, clientId: clientId, applicationName: name)
            throw error
        }
    }

    static func check(clientId: String, accountId: UUID, on db: any Database) async throws {
        guard let client = try await OIDCClientModel.find(clientId, on: db),
            let application = try await ApplicationModel.find(client.applicationId, on: db),
            let policy = try await SelfServicePolicyModel.find(application.policyId, on: db), policy.requireVerifiedEmail == true,
            let account = try await AccountModel.find(accountId, on: db), !account.emailVerified
        else { return }
        throw UsherError(
            status: 403, errorKey: .signInEmailNotVerified, title: "Confirm your email address first",
            detail:
                "\(application.name) needs a confirmed email address. We have sent a link to your address; open it, then sign in again. If you cannot find the email, check your spam folder."
        )
    }
}

extension Request {
    private struct StoppedKey: StorageKey { typealias Value = EmailVerificationGate.Stopped }

    /// Set when EmailVerificationGate stopped this request's sign-in (see there).
    var stoppedForVerification: EmailVerificationGate.Stopped? {
        get { storage[StoppedKey.self] }
        set { storage[StoppedKey.self] = newValue }
    }
}
