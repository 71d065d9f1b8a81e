import Foundation
import JWTKit
import SQLKit
import UsherCore
import Vapor

/// The scopes that bound what an admin API client may do.
enum AdminScope: String, CaseIterable, Sendable {
    case readAccount = "read:account"
    case writeAccount = "write:account"
    case readConfig = "read:config"
    case writeConfig = "write:config"

    static func parse(_ raw: [String]) throws -> [AdminScope] {
        var scopes: [AdminScope] = []
        var errors: [FieldError] = []
        for (i, s) in raw.enumerated() {
            if let scope = AdminScope(rawValue: s) {
                if !scopes.contains(scope) { scopes.append(scope) }
            } else {
                errors.append(
                    FieldError("scopes[\(i)]", "is not a scope; use \(AdminScope.allCases.map(\.rawValue).joined(separator: ", "))"))
            }
        }
        if !errors.isEmpty { throw UsherError.validation(errors) }
        return scopes
    }
}

/// The access token an admin API client gets from the client-credentials grant: a short-lived
/// ES256 JWT, so that checking it needs no database round trip on any instance.
struct AdminAccessToken: JWTPayload {
    static let audience = "usher:admin-api"

    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var jti: IDClaim
    var scope: String
    var token_use: String
    var name: String?

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        try aud.verifyIntendedAudience(includes: Self.audience)
        guard token_use == "admin" else { throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "not an admin API token") }
    }
}

/// The caller of an admin API request, once its bearer token checked out.
struct AdminPrincipal: Sendable {
    var clientId: String
    var name: String
    var scopes: Set<String>

    var actor: Actor { Actor(kind: .apiClient, id: clientId, displayName: name) }
}

extension Request {
    private struct PrincipalKey: StorageKey { typealias Value = AdminPrincipal }

    var adminPrincipal: AdminPrincipal? {
        get { storage[PrincipalKey.self] }
        set { storage[PrincipalKey.self] = newValue }
    }

    /// The API caller as an audit actor.
    var apiActor: Actor {
        get throws {
            guard let principal = adminPrincipal else { throw UsherError.unauthorized }
            return principal.actor
        }
    }
}

/// Checks the bearer token of every admin API request (401 without or with a bad one).
struct AdminTokenAuthenticator: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let bearer = request.headers.bearerAuthorization?.token, !bearer.isEmpty, bearer.count < 4096 else {
            throw UsherError.unauthorized
        }
        let token: AdminAccessToken
        do {
            token = try await request.usher.keys.verify(bearer, as: AdminAccessToken.self, db: request.db, logger: request.logger)
        } catch {
            throw UsherError(
                status: 401, errorKey: .authInvalidToken, title: "Unauthorized",
                detail: "The bearer token is invalid or expired: get a new one from POST /oauth2/token.")
        }
        guard token.iss.value == request.usher.config.issuer else {
            throw UsherError(
                status: 401, errorKey: .authInvalidToken, title: "Unauthorized", detail: "The bearer token was issued by another server.")
        }
        // Security: the token is only as good as its client is now. A deleted client's tokens
        // stop at once, and a scope removed from the client stops working in tokens already
        // issued: one primary-key read per request, no cache, so every instance agrees at once.
        struct Client: Decodable {
            var name: String
            var scopes: String
        }
        // Every admin request reads this: one indexed row in SQL, without Fluent's reflection,
        // on SQLite without a thread switch (UsherContext.read).
        let read = PlannedStatement("SELECT name, scopes FROM \(APIClientModel.schema) WHERE client_id = ?", [token.sub.value])
        guard let client = try await request.usher.read(read, on: request.db).first?.decode(model: Client.self)
        else {
            throw UsherError(
                status: 401, errorKey: .authInvalidToken, title: "Unauthorized",
                detail: "The API client this token was issued to no longer exists.")
        }
        let current = Set(client.scopes.split(separator: " ").map(String.init))
        request.adminPrincipal = AdminPrincipal(
            clientId: token.sub.value, name: client.name,
            scopes: Set(token.scope.split(separator: " ").map(String.init)).intersection(current))
        return try await next.respond(to: request)
    }
}

/// 403 unless the token carries `scope`.
struct RequireScope: AsyncMiddleware {
    let scope: AdminScope

    init(_ scope: AdminScope) { self.scope = scope }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let principal = request.adminPrincipal else { throw UsherError.unauthorized }
        guard principal.scopes.contains(scope.rawValue) else { throw UsherError.forbidden(scope: scope.rawValue) }
        return try await next.respond(to: request)
    }
}
