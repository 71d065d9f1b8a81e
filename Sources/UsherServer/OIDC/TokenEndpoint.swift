import Fluent
import Foundation
import JWTKit
import UsherCore
import Vapor

/// `POST /oauth2/token`. Answers in the RFC 6749 format, never cached.
struct TokenEndpoint: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("oauth2", "token", use: token)
    }

    func token(_ req: Request) async throws -> Response {
        var credentials: ClientCredentials?
        do {
            guard req.headers.contentType == .urlEncodedForm else {
                throw OAuthError.invalidRequest("Send the token request as application/x-www-form-urlencoded (RFC 6749 §4).")
            }
            let form = try Self.readForm(req)
            credentials = try ClientCredentials.from(req, form: form)
            try await ClientAuthenticationLimit.check(credentials, req)
            switch form["grant_type"] {
            case "client_credentials":
                return try await clientCredentials(req, form: form, credentials: credentials)
            case nil, "":
                throw OAuthError.invalidRequest("grant_type is missing.")
            case let other?:
                if let extra = try await OIDCGrants.handle(grant: other, req: req, form: form, credentials: credentials) {
                    return extra
                }
                throw OAuthError.unsupportedGrantType("The grant type '\(other)' is not supported here.")
            }
        } catch let error as OAuthError {
            if error.error == "invalid_client", error.status == .unauthorized {
                try await ClientAuthenticationLimit.recordFailure(credentials, req)
            }
            return error.response()
        }
    }

    /// The form as a dictionary; a parameter given twice is an error (RFC 6749 §3.2).
    static func readForm(_ req: Request) throws -> [String: String] {
        guard let body = req.body.string else { return [:] }
        var form: [String: String] = [:]
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String? { s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let key = decode(parts[0]), let value = parts.count > 1 ? decode(parts[1]) : "" else {
                throw OAuthError.invalidRequest("The form body is not valid application/x-www-form-urlencoded.")
            }
            guard form[key] == nil else { throw OAuthError.invalidRequest("The parameter '\(key)' is given more than once.") }
            form[key] = value
        }
        return form
    }

    /// The admin API's door: an API client trades its id and secret for a short-lived token
    /// carrying (at most) the client's scopes.
    private func clientCredentials(_ req: Request, form: [String: String], credentials: ClientCredentials?) async throws -> Response {
        guard let credentials else {
            throw OAuthError.invalidClient("Authenticate the client with HTTP Basic or client_id and client_secret.")
        }
        let client = try await APIClientModel.find(credentials.clientId, on: req.db)
        guard ClientCredentials.secretMatches(credentials.clientSecret, storedHash: client?.secretHash), let client else {
            req.logger.info(
                "Token request refused: bad client credentials", metadata: ["client_id": .string(String(credentials.clientId.prefix(100)))])
            throw OAuthError.invalidClient(basic: credentials.usedBasic)
        }
        let allowed = client.scopes.split(separator: " ").map(String.init)
        var granted = allowed
        if let requested = form["scope"], !requested.isEmpty {
            let wanted = requested.split(separator: " ").map(String.init)
            if let extra = wanted.first(where: { !allowed.contains($0) }) {
                throw OAuthError.invalidScope(
                    "The client may not have the scope '\(extra)'; it may have: \(allowed.joined(separator: " ")).")
            }
            granted = wanted
        }
        let lifetime = req.usher.config.accessTokenLifetime
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let payload = AdminAccessToken(
            iss: IssuerClaim(value: req.usher.config.issuer), sub: SubjectClaim(value: client.id!),
            aud: AudienceClaim(value: [AdminAccessToken.audience]), exp: ExpirationClaim(value: now.addingTimeInterval(lifetime)),
            iat: IssuedAtClaim(value: now), jti: IDClaim(value: UUID().uuidString), scope: granted.joined(separator: " "),
            token_use: "admin", name: client.name)
        let token = try await req.usher.keys.sign(payload, with: .es256)
        return try Self.tokenResponse([
            "access_token": .string(token), "token_type": .string("Bearer"),
            "expires_in": .number(lifetime.rounded()), "scope": .string(granted.joined(separator: " ")),
        ])
    }

    static func tokenResponse(_ body: [String: JSONValue]) throws -> Response {
        let response = Response(status: .ok)
        try response.content.encode(body, as: .json)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        response.headers.replaceOrAdd(name: .pragma, value: "no-cache")
        return response
    }
}

/// The grants of the OpenID Connect provider (authorization_code, refresh_token); nil when
/// the grant type is not one of them.
enum OIDCGrants {
    static func handle(grant: String, req: Request, form: [String: String], credentials: ClientCredentials?) async throws -> Response? {
        switch grant {
        case "authorization_code": return try await OIDCTokenService.exchangeCode(req: req, form: form, credentials: credentials)
        case "refresh_token": return try await OIDCTokenService.refresh(req: req, form: form, credentials: credentials)
        default: return nil
        }
    }
}
