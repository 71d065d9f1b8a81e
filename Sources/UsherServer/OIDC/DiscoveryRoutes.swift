import Fluent
import Foundation
import JWTKit
import UsherCore
import Vapor

/// Discovery, JWKS and userinfo (RP-initiated logout: `LogoutRoutes`).
struct DiscoveryRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(".well-known", "openid-configuration", use: discovery)
        routes.get("oauth2", "jwks", use: jwks)
        routes.get("oauth2", "userinfo", use: userinfo)
        routes.post("oauth2", "userinfo", use: userinfo)
        try LogoutRoutes().boot(routes: routes)
    }

    func discovery(_ req: Request) async throws -> Response {
        let base = req.usher.config.issuer
        let document: [String: JSONValue] = [
            "issuer": .string(base),
            "authorization_endpoint": .string(base + "/oauth2/authorize"),
            "token_endpoint": .string(base + "/oauth2/token"),
            "userinfo_endpoint": .string(base + "/oauth2/userinfo"),
            "jwks_uri": .string(base + "/oauth2/jwks"),
            "end_session_endpoint": .string(base + "/oauth2/logout"),
            "response_types_supported": .array([.string("code")]),
            "response_modes_supported": .array([.string("query")]),
            "grant_types_supported": .array(["authorization_code", "refresh_token", "client_credentials"].map { .string($0) }),
            "subject_types_supported": .array([.string("public")]),
            "id_token_signing_alg_values_supported": .array([.string("RS256")]),
            "scopes_supported": .array(["openid", "profile", "email", "phone", "groups", "offline_access"].map { .string($0) }),
            "token_endpoint_auth_methods_supported": .array(["client_secret_basic", "client_secret_post", "none"].map { .string($0) }),
            "code_challenge_methods_supported": .array([.string("S256")]),
            "claims_supported": .array(
                [
                    "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "email", "email_verified", "given_name",
                    "family_name", "name", "phone_number", "locale", "groups",
                ].map { .string($0) }),
            "authorization_response_iss_parameter_supported": .bool(true),
            "prompt_values_supported": .array(["none", "login"].map { .string($0) }),
        ]
        return try Self.json(document, cache: "public, max-age=300")
    }

    func jwks(_ req: Request) async throws -> Response {
        let response = Response(status: .ok)
        try response.content.encode(["keys": req.usher.keys.jwks], as: .json)
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return response
    }

    func userinfo(_ req: Request) async throws -> Response {
        func unauthorized(_ error: String, _ description: String) -> Response {
            let response = Response(status: .unauthorized)
            response.headers.replaceOrAdd(name: .wwwAuthenticate, value: #"Bearer error="\#(error)", error_description="\#(description)""#)
            try? response.content.encode(["error": error, "error_description": description], as: .json)
            return response
        }
        guard let bearer = req.headers.bearerAuthorization?.token, bearer.count < 4096 else {
            return unauthorized("invalid_token", "A bearer access token is required.")
        }
        guard let token = try? await req.usher.keys.verify(bearer, as: CustomerAccessToken.self, db: req.db, logger: req.logger),
            token.iss.value == req.usher.config.issuer, let accountId = UUID(uuidString: token.sub.value)
        else {
            return unauthorized("invalid_token", "The access token is invalid or expired.")
        }
        guard var claims = try await AccountClaims.load(accountId, on: req.db) else {
            return unauthorized("invalid_token", "The account no longer exists.")
        }
        // The organization the token was issued for; with none, the account's only one (issue 16).
        claims.organization = try await OrganizationClaims.load(
            accountId: accountId, requested: token.org_id.flatMap(UUID.init(uuidString:)), on: req.db)
        return try Self.json(claims.userInfo(scope: token.scope), cache: "no-store")
    }

    static func json(_ body: [String: JSONValue], cache: String) throws -> Response {
        let response = Response(status: .ok)
        try response.content.encode(body, as: .json)
        response.headers.replaceOrAdd(name: .cacheControl, value: cache)
        return response
    }
}

extension SigningKeys {
    /// For logout hints: an ID token of ours, even an expired one (RP-Initiated Logout §2), names
    /// its client and subject.
    func verifyIgnoringExpiry(_ token: String, as type: IDToken.Type) async throws -> IDToken {
        struct Lenient: JWTPayload {
            var aud: AudienceClaim
            var iss: IssuerClaim
            var sub: SubjectClaim
            func verify(using algorithm: some JWTAlgorithm) async throws {}
        }
        let lenient = try await verifyWithoutClaims(token, as: Lenient.self)
        return IDToken(
            iss: lenient.iss, sub: lenient.sub, aud: lenient.aud, exp: .init(value: Date()), iat: .init(value: Date()),
            auth_time: 0, nonce: nil, azp: lenient.aud.value.first ?? "")
    }
}
