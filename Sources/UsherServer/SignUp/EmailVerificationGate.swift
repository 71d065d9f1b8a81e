import Fluent
import Foundation
import UsherCore

/// The self-service policy's `registration.requireVerifiedEmail` (issue 23): when it is on, an
/// account whose email is not verified gets no authorization code for the application — after
/// sign-up, after sign-in, or with an existing session — but a page asking it to confirm its
/// address first. Off (the default), it signs in and the ID token says `email_verified: false`.
enum EmailVerificationGate {
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
