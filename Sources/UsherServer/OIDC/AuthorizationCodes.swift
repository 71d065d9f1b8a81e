import Fluent
import Foundation
import UsherCore
import Vapor

/// One-time authorization codes. Only their SHA-256 is stored; a code works once, for 60
/// seconds, for the client and redirect URI it was issued to (RFC 6749 §4.1.2).
enum AuthorizationCodes {
    static let lifetime: TimeInterval = 60

    static func issue(
        clientId: String, redirectURI: String, scope: String, nonce: String?, codeChallenge: String?, accountId: UUID,
        authTime: Date, sessionHash: String?, organizationId: UUID? = nil, on tx: any Database, now: Date = Date()
    ) async throws -> String {
        let issued = issueStatement(
            clientId: clientId, redirectURI: redirectURI, scope: scope, nonce: nonce, codeChallenge: codeChallenge, accountId: accountId,
            authTime: authTime, sessionHash: sessionHash, organizationId: organizationId, now: now)
        try await tx.sql.raw(issued.statement.query).run()
        return issued.code
    }

    /// The same as a statement of a planned write, with the code.
    static func issueStatement(
        clientId: String, redirectURI: String, scope: String, nonce: String?, codeChallenge: String?, accountId: UUID,
        authTime: Date, sessionHash: String?, organizationId: UUID?, now: Date
    ) -> (code: String, statement: PlannedStatement) {
        let code = SecretToken.generate(prefix: "c_")
        // Written out: Fluent's create reflects over the model on every call (every sign-in and sign-up).
        let statement = PlannedStatement.insert(
            into: AuthorizationCodeModel.schema,
            [
                ("code_hash", SecretToken.hash(code)), ("client_id", clientId), ("account_id", accountId), ("redirect_uri", redirectURI),
                ("scope", scope), ("nonce", nonce), ("code_challenge", codeChallenge),
                ("code_challenge_method", codeChallenge == nil ? nil : "S256"), ("auth_time", authTime), ("session_hash", sessionHash),
                ("organization_id", organizationId), ("created_at", now), ("expires_at", now.addingTimeInterval(lifetime)),
            ])
        return (code, statement)
    }

    /// The redirect back to the client with a code (and `state`, and `iss` per RFC 9207).
    static func redirect(code: String, redirectURI: String, state: String?, issuer: String) -> Response {
        var items = [("code", code)]
        if let state { items.append(("state", state)) }
        items.append(("iss", issuer))
        return Response.seeOther(RedirectURI.appending(items, to: redirectURI))
    }

    static func redirectWithCode(
        request: AuthorizationRequest, accountId: UUID, authTime: Date, sessionHash: String?, organizationId: UUID? = nil, req: Request
    ) async throws -> Response {
        let code = try await req.db.write { tx in
            try await issue(
                clientId: request.client.id!, redirectURI: request.redirectURI, scope: request.scope, nonce: request.nonce,
                codeChallenge: request.codeChallenge, accountId: accountId, authTime: authTime, sessionHash: sessionHash,
                organizationId: organizationId, on: tx)
        }
        return redirect(code: code, redirectURI: request.redirectURI, state: request.state, issuer: req.usher.config.issuer)
    }

    /// Finishes a flow with a code, inside the caller's transaction (used by sign-in and sign-up).
    /// A flow for an organization the account is not in ends with a refusal page, and the
    /// transaction (its session too) is undone.
    static func finish(flow: LoginFlowModel, accountId: UUID, authTime: Date, sessionHash: String?, on tx: any Database) async throws
        -> String
    {
        if let organizationId = flow.organizationId {
            try await OrganizationClaims.requireMember(accountId: accountId, organizationId: organizationId, on: tx)
        }
        let finished = finishStatements(flow: flow, accountId: accountId, authTime: authTime, sessionHash: sessionHash, now: Date())
        for statement in finished.statements { try await tx.sql.raw(statement.query).run() }
        return finished.code
    }

    /// The code's row and the flow's delete as statements of a planned write (a sign-up), with
    /// the code. The caller checks the flow's organization (`finish` reads the membership).
    static func finishStatements(flow: LoginFlowModel, accountId: UUID, authTime: Date, sessionHash: String?, now: Date) -> (
        code: String, statements: [PlannedStatement]
    ) {
        let issued = issueStatement(
            clientId: flow.clientId, redirectURI: flow.redirectURI, scope: flow.scope, nonce: flow.nonce,
            codeChallenge: flow.codeChallenge, accountId: accountId, authTime: authTime, sessionHash: sessionHash,
            organizationId: flow.organizationId, now: now)
        return (issued.code, [issued.statement, PlannedStatement("DELETE FROM login_flows WHERE id = ?", [flow.id!])])
    }
}
