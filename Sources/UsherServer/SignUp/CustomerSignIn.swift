import Fluent
import Foundation
import Vapor

/// Where a customer's sign-in to an application ends, however they proved who they are (a
/// password, an upstream identity, a sign-up): the gate of `requireVerifiedEmail`
/// (EmailVerificationGate), then the redirect to the application with the flow's code and the
/// session's cookie. An existing session (AuthorizeEndpoint), a repeated sign-up form
/// (SignUpSubmissions) and a password reset answer otherwise, and check the gate themselves.
enum CustomerSignIn {
    /// A returning customer proved `account` is theirs: a session, its last sign-in and the
    /// flow's code are written only past the gate, so a stopped sign-in changes nothing (SPEC
    /// rule 12). `rehash` replaces the stored password hash (an older kind or older parameters).
    static func complete(_ req: Request, flow: LoginFlowModel, account: AccountModel, rehash: String? = nil) async throws -> Response {
        let accountId = try account.requireID()
        try await EmailVerificationGate.check(req, clientId: flow.clientId, accountId: accountId)
        let now = Date()
        let (token, code) = try await req.db.write { tx in
            let (token, session) = try await CustomerSession.start(
                accountId: accountId, store: account.store, clientId: flow.clientId, on: tx, now: now)
            try await tx.sql.raw("UPDATE accounts SET last_sign_in_at = \(bind: now) WHERE id = \(bind: accountId)").run()
            if let rehash {
                try await tx.sql.raw("UPDATE accounts SET password_hash = \(bind: rehash) WHERE id = \(bind: accountId)").run()
            }
            let code = try await AuthorizationCodes.finish(
                flow: flow, accountId: accountId, authTime: now, sessionHash: session.idHash, on: tx)
            return (token, code)
        }
        return redirect(req, flow: flow, code: code, sessionToken: token)
    }

    /// A sign-up made the account with its session and code (SignUpService.accept): the
    /// application gets them past the gate; before it, the account waits for its address.
    /// `verifiedEmailRequired` false: the sign-up's own read of the application's policy found
    /// the gate open, so its four reads are skipped; nil (not known) or true: the gate checks.
    static func complete(
        _ req: Request, flow: LoginFlowModel, signUp accepted: SignUpService.Accepted, verifiedEmailRequired: Bool? = nil
    ) async throws -> Response {
        if verifiedEmailRequired != false {
            try await EmailVerificationGate.check(req, clientId: flow.clientId, accountId: accepted.accountId)
        }
        return redirect(req, flow: flow, code: accepted.code, sessionToken: accepted.sessionToken)
    }

    private static func redirect(_ req: Request, flow: LoginFlowModel, code: String, sessionToken: String) -> Response {
        let response = AuthorizationCodes.redirect(
            code: code, redirectURI: flow.redirectURI, state: flow.state, issuer: req.usher.config.issuer)
        CustomerSession.setCookie(sessionToken, request: req, response: response)
        return response
    }
}
