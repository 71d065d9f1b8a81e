import Fluent
import Foundation
import UsherCore
import Vapor

/// An OpenID Connect authorization request, checked. Problems with the client or the redirect
/// URI are shown to the person (never redirected: the URI is not trusted yet); every other
/// problem goes back to the client as an error redirect (RFC 6749 §4.1.2.1).
struct AuthorizationRequest: Sendable {
    var client: OIDCClientModel
    var application: ApplicationModel
    var redirectURI: String
    var scope: String
    var state: String?
    var nonce: String?
    var codeChallenge: String?
    var codeChallengeMethod: String?
    var prompt: String?
    var loginHint: String?
    var maxAge: Int?
    /// The `organization` parameter (an organization's id or name), as Auth0 takes it.
    var organization: String?

    /// An error that goes back to the client's redirect URI.
    struct RedirectError: Error {
        var redirectURI: String
        var error: String
        var description: String
        var state: String?
    }

    static func parse(_ params: [String: String], on db: any Database, context: UsherContext? = nil) async throws
        -> AuthorizationRequest
    {
        guard let clientId = params["client_id"], !clientId.isEmpty else {
            throw UsherError.badRequest(
                .authorizeNoClient,
                "The application's sign-in request names no client (client_id is missing). Go back to the application and try again; if it keeps happening, tell the application's team."
            )
        }
        guard clientId.count <= 100, let (client, application) = try await clientAndApplication(clientId, on: db, context: context)
        else {
            throw UsherError.badRequest(
                .authorizeUnknownClient,
                "The application that sent you here is not registered with this sign-in service. Go back to the application; if it keeps happening, tell the application's team."
            )
        }
        let registered = JSONText.decode([String].self, client.redirectURIs) ?? []
        guard let redirectURI = params["redirect_uri"], !redirectURI.isEmpty else {
            throw UsherError.badRequest(
                .authorizeNoRedirectUri, "The application's sign-in request has no redirect_uri, so there is nowhere to send you back to.")
        }
        // Exact string match, as OAuth 2.1 requires: no prefix, no wildcard, no normalisation.
        guard registered.contains(where: { SecretToken.constantTimeEquals($0, redirectURI) }) else {
            throw UsherError.badRequest(
                .authorizeRedirectUriMismatch,
                "The application asked to send you back to an address that is not registered for it, so Usher will not. Tell the application's team that the redirect URI does not match."
            )
        }
        let state = params["state"]
        func fail(_ error: String, _ description: String) -> RedirectError {
            RedirectError(redirectURI: redirectURI, error: error, description: description, state: state)
        }
        if params["request"] != nil { throw fail("request_not_supported", "Request objects are not supported.") }
        if params["request_uri"] != nil { throw fail("request_uri_not_supported", "request_uri is not supported.") }
        guard params["response_type"] == "code" else {
            throw fail("unsupported_response_type", "Only the authorization code flow (response_type=code) is supported.")
        }
        if let mode = params["response_mode"], mode != "query" {
            throw fail("invalid_request", "Only response_mode=query is supported.")
        }
        let scopes = (params["scope"] ?? "").split(separator: " ").map(String.init)
        guard scopes.contains("openid") else { throw fail("invalid_scope", "The scope must include openid.") }
        let supported = Set(["openid", "profile", "email", "groups", "offline_access", "phone"])
        let scope = scopes.filter { supported.contains($0) }.joined(separator: " ")

        let challenge = params["code_challenge"]
        let method = params["code_challenge_method"]
        if let challenge {
            guard (method ?? "plain") == "S256" else {
                throw fail("invalid_request", "code_challenge_method must be S256; plain is not allowed.")
            }
            guard (43...128).contains(challenge.count),
                challenge.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            else {
                throw fail("invalid_request", "code_challenge is not a base64url SHA-256.")
            }
        } else if client.isPublic {
            throw fail("invalid_request", "Public clients must use PKCE (code_challenge with S256).")
        } else if method != nil {
            throw fail("invalid_request", "code_challenge_method without code_challenge.")
        }
        if let nonce = params["nonce"], nonce.count > 512 { throw fail("invalid_request", "nonce is too long.") }
        if let state, state.count > 2048 { throw fail("invalid_request", "state is too long.") }
        var maxAge: Int?
        if let raw = params["max_age"] {
            guard let v = Int(raw), v >= 0 else { throw fail("invalid_request", "max_age must be a number of seconds.") }
            maxAge = v
        }
        return AuthorizationRequest(
            client: client, application: application, redirectURI: redirectURI, scope: scope, state: state, nonce: params["nonce"],
            codeChallenge: challenge, codeChallengeMethod: challenge == nil ? nil : "S256", prompt: params["prompt"],
            loginHint: params["login_hint"].flatMap { $0.isEmpty ? nil : String($0.prefix(512)) }, maxAge: maxAge,
            organization: params["organization"].flatMap { $0.isEmpty ? nil : String($0.prefix(200)) })
    }

    /// The client and its application in one SQL read (on SQLite on the calling thread,
    /// `UsherContext.read`) instead of two Fluent look-ups: every authorization request makes it.
    private static func clientAndApplication(_ clientId: String, on db: any Database, context: UsherContext?) async throws
        -> (OIDCClientModel, ApplicationModel)?
    {
        struct Row: Decodable {
            var client_id: String
            var application_id: UUID
            var secret_hash: String?
            var is_public: Bool
            var redirect_uris: String
            var post_logout_redirect_uris: String
            var login_url: String?
            var position: Int
            var created_at: Date
            var a_name: String
            var a_store: String
            var a_protocol: String
            var a_policy_id: UUID
            var a_description: String?
            var a_created_at: Date
        }
        let read = PlannedStatement(
            """
            SELECT c.*, a.name AS a_name, a.store AS a_store, a.protocol AS a_protocol, a.policy_id AS a_policy_id,
              a.description AS a_description, a.created_at AS a_created_at
            FROM oidc_clients c JOIN applications a ON a.id = c.application_id WHERE c.client_id = ?
            """, [clientId])
        guard let row = try await db.rows(read, context: context).first?.decode(model: Row.self) else { return nil }
        let client = OIDCClientModel()
        client.id = row.client_id
        client.applicationId = row.application_id
        client.secretHash = row.secret_hash
        client.isPublic = row.is_public
        client.redirectURIs = row.redirect_uris
        client.postLogoutRedirectURIs = row.post_logout_redirect_uris
        client.loginURL = row.login_url
        client.position = row.position
        client.createdAt = row.created_at
        client.$id.exists = true
        let application = ApplicationModel()
        application.id = row.application_id
        application.name = row.a_name
        application.store = row.a_store
        application.protocolKind = row.a_protocol
        application.policyId = row.a_policy_id
        application.appDescription = row.a_description
        application.createdAt = row.a_created_at
        application.$id.exists = true
        return (client, application)
    }

    /// Where the person goes back with an error.
    static func errorRedirect(_ e: RedirectError, issuer: String) -> Response {
        var items = [("error", e.error), ("error_description", e.description)]
        if let state = e.state { items.append(("state", state)) }
        items.append(("iss", issuer))
        return Response.seeOther(RedirectURI.appending(items, to: e.redirectURI))
    }
}

extension Response {
    static func seeOther(_ location: String) -> Response {
        let response = Response(status: .seeOther)
        response.headers.replaceOrAdd(name: .location, value: location)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}

/// Sign-in and sign-up flows: an authorization request waiting for a person. Stored, so that
/// any instance can finish what another began.
enum LoginFlows {
    static let lifetime: TimeInterval = 30 * 60

    static func create(
        _ r: AuthorizationRequest, invitationId: UUID?, invitationLinkHash: String? = nil, organizationId: UUID? = nil,
        browserToken: String, on db: any Database, context: UsherContext? = nil, now: Date = Date()
    ) async throws -> LoginFlowModel {
        let flow = LoginFlowModel()
        flow.id = SecretToken.generate(prefix: "f_")
        flow.browserHash = SecretToken.hash(browserToken)
        flow.clientId = r.client.id!
        flow.redirectURI = r.redirectURI
        flow.scope = r.scope
        flow.state = r.state
        flow.nonce = r.nonce
        flow.codeChallenge = r.codeChallenge
        flow.codeChallengeMethod = r.codeChallengeMethod
        flow.invitationId = invitationId
        flow.invitationLinkHash = invitationLinkHash
        flow.organizationId = organizationId
        flow.loginHint = invitationId == nil ? r.loginHint : nil
        flow.createdAt = now
        flow.expiresAt = now.addingTimeInterval(lifetime)
        // Two statements written out (no Fluent reflection), committed with whatever else is
        // waiting on SQLite (group commit), as one statement on PostgreSQL.
        var plan = PlannedWrite()
        // Expired flows are swept as new ones come in, a few at a time.
        plan.run(PlannedStatement("DELETE FROM login_flows WHERE expires_at < ?", [now.addingTimeInterval(-3600)]))
        plan.run(
            .insert(
                into: LoginFlowModel.schema,
                [
                    ("id", flow.id!), ("browser_hash", flow.browserHash), ("client_id", flow.clientId), ("redirect_uri", flow.redirectURI),
                    ("scope", flow.scope), ("state", flow.state), ("nonce", flow.nonce), ("code_challenge", flow.codeChallenge),
                    ("code_challenge_method", flow.codeChallengeMethod), ("response_mode", flow.responseMode),
                    ("invitation_id", flow.invitationId), ("invitation_link_hash", flow.invitationLinkHash),
                    ("login_hint", flow.loginHint), ("organization_id", flow.organizationId), ("created_at", now),
                    ("expires_at", flow.expiresAt),
                ]))
        try await db.write(plan, groupCommit: context?.groupCommit)
        flow.$id.exists = true
        return flow
    }

    /// The flow `id` names, if it belongs to this browser and is still open.
    static func find(_ id: String?, request: Request) async throws -> LoginFlowModel {
        guard let id, id.count < 100 else { throw PageRefusal.signInPageExpired.error }
        return try usable(try await LoginFlowModel.find(id, on: request.db), request: request)
    }

    /// `flow` (as read by the caller, e.g. joined with what its page needs), if it belongs to
    /// this browser and is still open.
    static func usable(_ flow: LoginFlowModel?, request: Request) throws -> LoginFlowModel {
        guard let flow, flow.expiresAt > Date(), let browser = request.cookies[BrowserCookies.browser]?.string,
            SecretToken.constantTimeEquals(flow.browserHash, SecretToken.hash(browser))
        else {
            throw PageRefusal.signInPageExpired.error
        }
        return flow
    }
}

/// A `login_flows` row as SQL returns it: the sign-up form reads its flow joined with the rest
/// of what it shows, without Fluent's reflection, then hands on an ordinary model.
struct LoginFlowRow: Decodable {
    var id: String
    var browser_hash: String
    var client_id: String
    var redirect_uri: String
    var scope: String
    var state: String?
    var nonce: String?
    var code_challenge: String?
    var code_challenge_method: String?
    var response_mode: String?
    var invitation_id: UUID?
    var invitation_link_hash: String?
    var login_hint: String?
    var organization_id: UUID?
    var created_at: Date
    var expires_at: Date

    var model: LoginFlowModel {
        let m = LoginFlowModel()
        m.id = id
        m.browserHash = browser_hash
        m.clientId = client_id
        m.redirectURI = redirect_uri
        m.scope = scope
        m.state = state
        m.nonce = nonce
        m.codeChallenge = code_challenge
        m.codeChallengeMethod = code_challenge_method
        m.responseMode = response_mode
        m.invitationId = invitation_id
        m.invitationLinkHash = invitation_link_hash
        m.loginHint = login_hint
        m.organizationId = organization_id
        m.createdAt = created_at
        m.expiresAt = expires_at
        // Read from the database: a later delete or save addresses this row.
        m.$id.exists = true
        return m
    }
}
