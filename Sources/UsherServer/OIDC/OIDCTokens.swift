import Crypto
import Fluent
import Foundation
import JWTKit
import SQLKit
import UsherCore
import Vapor

/// The ID token (RS256, which every OIDC client library checks).
struct IDToken: JWTPayload {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var auth_time: Int
    var nonce: String?
    var azp: String
    var at_hash: String?
    var sid: String?
    var email: String?
    var email_verified: Bool?
    var given_name: String?
    var family_name: String?
    var name: String?
    var phone_number: String?
    var locale: String?
    var groups: [String]?
    /// The organization the sign-in is for, and the account's roles there (issue 16).
    var org_id: String?
    var org_name: String?
    var roles: [String]?

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}

/// The access token a client gets for the customer: an ES256 JWT that `/oauth2/userinfo`
/// accepts, and which the admin API refuses (its audience and use differ).
struct CustomerAccessToken: JWTPayload {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var jti: IDClaim
    var client_id: String
    var scope: String
    var token_use: String
    /// The organization the sign-in is for, so that userinfo states the same one (issue 16).
    var org_id: String?

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        guard token_use == "access" else { throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "not an access token") }
    }
}

/// The claims Usher states about an account, for the ID token and userinfo.
struct AccountClaims: Sendable {
    var sub: String
    var email: String?
    var emailVerified: Bool
    var givenName: String?
    var familyName: String?
    var name: String?
    var phoneNumber: String?
    var locale: String?
    var groups: [String]
    /// The organization the sign-in is for (OrganizationClaims), set by the caller.
    var organization: OrganizationClaims?

    static func load(_ accountId: UUID, on db: any Database) async throws -> AccountClaims? {
        // Direct SQL, not a Fluent model: userinfo reads this on every call.
        struct Row: Decodable {
            var email: String?
            var given_name: String?
            var family_name: String?
            var display_name: String?
            var phone_number: String?
            var locale: String?
            var email_verified: Bool
        }
        guard
            let a = try await db.sql.raw(
                """
                SELECT email, given_name, family_name, display_name, phone_number, locale, email_verified FROM accounts WHERE id = \(bind: accountId)
                """
            ).first(decoding: Row.self)
        else { return nil }
        // One join rather than memberships then groups: userinfo and every token exchange read this.
        struct GroupName: Decodable { var name: String }
        let groups = try await db.sql.raw(
            """
            SELECT g.name FROM account_groups m JOIN groups g ON g.id = m.group_id WHERE m.account_id = \(bind: accountId) ORDER BY g.name
            """
        ).all(decoding: GroupName.self).map(\.name)
        let profile = Profile(givenName: a.given_name, familyName: a.family_name, displayName: a.display_name)
        return AccountClaims(
            sub: accountId.idString, email: a.email, emailVerified: a.email_verified, givenName: a.given_name,
            familyName: a.family_name, name: a.display_name ?? profile.fullName, phoneNumber: a.phone_number,
            locale: a.locale, groups: groups)
    }

    /// The claims `scope` releases, and only those. The one owner of the rule for the ID token
    /// and userinfo alike (OIDC Core §5.4): `email` → email, email_verified; `profile` → names
    /// and locale; `phone` → phone_number; `groups` → groups. `openid` alone gives `sub` only.
    struct Released: Sendable {
        var email: String?
        var emailVerified: Bool?
        var givenName: String?
        var familyName: String?
        var name: String?
        var locale: String?
        var phoneNumber: String?
        var groups: [String]?
    }

    func released(to scope: String) -> Released {
        let scopes = Set(scope.split(separator: " ").map(String.init))
        var r = Released()
        if scopes.contains("email") {
            r.email = email
            r.emailVerified = emailVerified
        }
        if scopes.contains("profile") {
            r.givenName = givenName
            r.familyName = familyName
            r.name = name
            r.locale = locale
        }
        if scopes.contains("phone") { r.phoneNumber = phoneNumber }
        if scopes.contains("groups") { r.groups = groups }
        return r
    }

    /// What `scope` lets the client see, as userinfo JSON.
    func userInfo(scope: String) -> [String: JSONValue] {
        let r = released(to: scope)
        var out: [String: JSONValue] = ["sub": .string(sub)]
        func put(_ k: String, _ v: String?) { if let v { out[k] = .string(v) } }
        put("email", r.email)
        if let verified = r.emailVerified { out["email_verified"] = .bool(verified) }
        put("given_name", r.givenName)
        put("family_name", r.familyName)
        put("name", r.name)
        put("locale", r.locale)
        put("phone_number", r.phoneNumber)
        if let groups = r.groups { out["groups"] = .array(groups.map { .string($0) }) }
        if let organization { out.merge(organization.userInfo) { a, _ in a } }
        return out
    }
}

/// The authorization_code and refresh_token grants.
enum OIDCTokenService {
    static let idTokenLifetime: TimeInterval = 3600
    static let refreshLifetime: TimeInterval = 30 * 24 * 3600

    /// Authenticates an OIDC client: confidential clients by secret, public ones by id alone
    /// (their code exchange is bound by PKCE instead).
    static func authenticate(_ credentials: ClientCredentials?, on db: any Database) async throws -> OIDCClientModel {
        guard let credentials else {
            throw OAuthError.invalidClient("Authenticate the client (HTTP Basic, client_secret_post, or client_id for public clients).")
        }
        let client = try await OIDCClientModel.find(credentials.clientId, on: db)
        if let client, client.isPublic {
            guard credentials.clientSecret == nil || credentials.clientSecret == "" else {
                throw OAuthError.invalidClient("This client is public and has no secret.", basic: credentials.usedBasic)
            }
            return client
        }
        guard ClientCredentials.secretMatches(credentials.clientSecret, storedHash: client?.secretHash), let client else {
            throw OAuthError.invalidClient(basic: credentials.usedBasic)
        }
        return client
    }

    static func exchangeCode(req: Request, form: [String: String], credentials: ClientCredentials?) async throws -> Response {
        let client = try await authenticate(credentials, on: req.db)
        guard let code = form["code"], !code.isEmpty, code.count < 200 else { throw OAuthError.invalidRequest("code is missing.") }
        let codeHash = SecretToken.hash(code)
        let now = Date()
        // Security: everything the caller must prove (client, redirect_uri, PKCE verifier) is
        // checked before the code is touched, so a person who only saw the code cannot burn it
        // or make it look replayed (RFC 9700 §4.5). Only then is it consumed, atomically.
        guard let stored = try await AuthorizationCodeModel.find(codeHash, on: req.db), stored.clientId == client.id else {
            throw OAuthError.invalidGrant("The authorization code is unknown or was issued to another client.")
        }
        guard form["redirect_uri"] == stored.redirectURI else {
            throw OAuthError.invalidGrant("redirect_uri does not match the authorization request.")
        }
        if let challenge = stored.codeChallenge {
            guard let verifier = form["code_verifier"], (43...128).contains(verifier.count) else {
                throw OAuthError.invalidGrant("code_verifier is missing or malformed (PKCE).")
            }
            let computed = Data(SHA256.hash(data: Data(verifier.utf8))).base64URLEncodedString()
            guard SecretToken.constantTimeEquals(computed, challenge) else {
                throw OAuthError.invalidGrant("code_verifier does not match the code_challenge (PKCE).")
            }
        } else if form["code_verifier"] != nil {
            throw OAuthError.invalidGrant("code_verifier given, but the authorization request had no code_challenge.")
        }
        // Consume atomically: of two requests with the same code, one wins.
        struct Claimed: Decodable { var code_hash: String }
        let claimed = try await req.db.write { tx in
            try await tx.sql.raw(
                "UPDATE authorization_codes SET used_at = \(bind: now) WHERE code_hash = \(bind: codeHash) AND used_at IS NULL RETURNING code_hash"
            )
            .all(decoding: Claimed.self)
        }
        guard !claimed.isEmpty else {
            // RFC 6749 §4.1.2: a code used twice by its own client revokes what it was exchanged for.
            try await req.db.write { tx in
                try await tx.sql.raw(
                    "UPDATE refresh_tokens SET revoked_at = \(bind: now) WHERE family_id = \(bind: codeHash) AND revoked_at IS NULL"
                ).run()
            }
            req.logger.warning("Authorization code replayed; its tokens are revoked", metadata: ["client_id": .string(client.id!)])
            throw OAuthError.invalidGrant("The authorization code was already used; the tokens issued for it are revoked.")
        }
        guard stored.expiresAt > now else { throw OAuthError.invalidGrant("The authorization code has expired.") }
        return try await issueTokens(
            req: req, client: client, accountId: stored.accountId, scope: stored.scope, nonce: stored.nonce,
            authTime: stored.authTime, familyId: codeHash, sessionHash: stored.sessionHash, organizationId: stored.organizationId,
            rotating: false)
    }

    static func refresh(req: Request, form: [String: String], credentials: ClientCredentials?) async throws -> Response {
        let client = try await authenticate(credentials, on: req.db)
        guard let token = form["refresh_token"], !token.isEmpty, token.count < 200 else {
            throw OAuthError.invalidRequest("refresh_token is missing.")
        }
        let hash = SecretToken.hash(token)
        let now = Date()
        struct Claimed: Decodable { var token_hash: String }
        let claimed = try await req.db.write { tx in
            try await tx.sql.raw(
                """
                UPDATE refresh_tokens SET used_at = \(bind: now)
                WHERE token_hash = \(bind: hash) AND used_at IS NULL AND revoked_at IS NULL RETURNING token_hash
                """
            ).all(decoding: Claimed.self)
        }
        guard let stored = try await RefreshTokenModel.find(hash, on: req.db), stored.clientId == client.id else {
            throw OAuthError.invalidGrant("The refresh token is unknown.")
        }
        guard !claimed.isEmpty else {
            // Rotation: a refresh token used twice means it leaked, so its whole family dies.
            try await req.db.write { tx in
                try await tx.sql.raw(
                    "UPDATE refresh_tokens SET revoked_at = \(bind: now) WHERE family_id = \(bind: stored.familyId) AND revoked_at IS NULL"
                ).run()
            }
            throw OAuthError.invalidGrant("The refresh token was already used or revoked.")
        }
        guard stored.expiresAt > now else { throw OAuthError.invalidGrant("The refresh token has expired.") }
        var scope = stored.scope
        if let requested = form["scope"], !requested.isEmpty {
            let have = Set(stored.scope.split(separator: " "))
            guard requested.split(separator: " ").allSatisfy(have.contains) else {
                throw OAuthError.invalidScope("A refresh cannot widen the scope.")
            }
            scope = requested
        }
        return try await issueTokens(
            req: req, client: client, accountId: stored.accountId, scope: scope, nonce: nil,
            authTime: stored.authTime, familyId: stored.familyId, sessionHash: nil, organizationId: stored.organizationId, rotating: true)
    }

    private static func issueTokens(
        req: Request, client: OIDCClientModel, accountId: UUID, scope: String, nonce: String?, authTime: Date,
        familyId: String, sessionHash: String?, organizationId: UUID?, rotating: Bool
    ) async throws -> Response {
        guard var claims = try await AccountClaims.load(accountId, on: req.db) else {
            throw OAuthError.invalidGrant("The account no longer exists.")
        }
        claims.organization = try await OrganizationClaims.load(accountId: accountId, requested: organizationId, on: req.db)
        // Whole seconds: JWT dates are NumericDates, and some libraries refuse an iat a
        // fraction of a second "in the future".
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let issuer = req.usher.config.issuer
        let accessLifetime = req.usher.config.accessTokenLifetime
        let access = CustomerAccessToken(
            iss: .init(value: issuer), sub: .init(value: claims.sub), aud: .init(value: [client.id!]),
            exp: .init(value: now.addingTimeInterval(accessLifetime)), iat: .init(value: now), jti: .init(value: UUID().uuidString),
            client_id: client.id!, scope: scope, token_use: "access", org_id: claims.organization?.id.idString)
        let accessToken = try await req.usher.keys.sign(access, with: .es256)
        let atHash = Data(SHA256.hash(data: Data(accessToken.utf8)).prefix(16)).base64URLEncodedString()
        let released = claims.released(to: scope)
        let idToken = IDToken(
            iss: .init(value: issuer), sub: .init(value: claims.sub), aud: .init(value: [client.id!]),
            exp: .init(value: now.addingTimeInterval(idTokenLifetime)), iat: .init(value: now),
            auth_time: Int(authTime.timeIntervalSince1970),
            nonce: nonce, azp: client.id!, at_hash: atHash, sid: sessionHash.map { String($0.prefix(22)) },
            email: released.email, email_verified: released.emailVerified, given_name: released.givenName, family_name: released.familyName,
            name: released.name, phone_number: released.phoneNumber, locale: released.locale, groups: released.groups,
            org_id: claims.organization?.id.idString, org_name: claims.organization?.name, roles: claims.organization?.roles)
        let signedIDToken = try await req.usher.keys.sign(idToken, with: .rs256)

        var body: [String: JSONValue] = [
            "access_token": .string(accessToken), "token_type": .string("Bearer"), "expires_in": .number(accessLifetime.rounded()),
            "id_token": .string(signedIDToken), "scope": .string(scope),
        ]
        // Security: a refresh token (30 days of access without the person) only when the
        // application asked for offline_access (OIDC Core §11), or when it is rotating one it
        // already holds.
        if rotating || scope.split(separator: " ").contains("offline_access") {
            let refresh = SecretToken.generate(prefix: "r_")
            let model = RefreshTokenModel()
            model.id = SecretToken.hash(refresh)
            model.familyId = familyId
            model.clientId = client.id!
            model.accountId = accountId
            model.scope = scope
            model.authTime = authTime
            model.organizationId = claims.organization?.id ?? organizationId
            model.createdAt = now
            model.expiresAt = now.addingTimeInterval(refreshLifetime)
            try await req.db.write { tx in try await model.create(on: tx) }
            body["refresh_token"] = .string(refresh)
        }
        return try TokenEndpoint.tokenResponse(body)
    }
}
