import Fluent
import Foundation

/// A signed-in browser: an administrator in the console or a customer at the authorization
/// server. The cookie holds a random token; the row is keyed by its SHA-256.
final class SessionModel: Model, @unchecked Sendable {
    static let schema = "sessions"

    @ID(custom: "id_hash", generatedBy: .user) var id: String?
    @Field(key: "kind") var kind: String
    @Field(key: "subject_id") var subjectId: UUID
    @OptionalField(key: "store") var store: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "auth_time") var authTime: Date
    @Field(key: "expires_at") var expiresAt: Date
    /// The OIDC client the customer session was started for (M018), if any.
    @OptionalField(key: "client_id") var clientId: String?

    init() {}
}

/// An authorization request waiting for a person: the sign-in or sign-up form shown by
/// `/oauth2/authorize`. Kept in the database so that any instance can finish it.
final class LoginFlowModel: Model, @unchecked Sendable {
    static let schema = "login_flows"

    @ID(custom: "id", generatedBy: .user) var id: String?
    /// SHA-256 of the browser-binding cookie: the form only works in the browser that began it.
    @Field(key: "browser_hash") var browserHash: String
    @Field(key: "client_id") var clientId: String
    @Field(key: "redirect_uri") var redirectURI: String
    @Field(key: "scope") var scope: String
    @OptionalField(key: "state") var state: String?
    @OptionalField(key: "nonce") var nonce: String?
    @OptionalField(key: "code_challenge") var codeChallenge: String?
    @OptionalField(key: "code_challenge_method") var codeChallengeMethod: String?
    @OptionalField(key: "response_mode") var responseMode: String?
    @OptionalField(key: "invitation_id") var invitationId: UUID?
    /// SHA-256 of the invitation link the form was opened with (a resend retires that link).
    @OptionalField(key: "invitation_link_hash") var invitationLinkHash: String?
    @OptionalField(key: "login_hint") var loginHint: String?
    /// The organization the sign-in is for (the `organization` parameter, or the invitation's; M009).
    @OptionalField(key: "organization_id") var organizationId: UUID?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date

    init() {}
}

final class AuthorizationCodeModel: Model, @unchecked Sendable {
    static let schema = "authorization_codes"

    @ID(custom: "code_hash", generatedBy: .user) var id: String?
    @Field(key: "client_id") var clientId: String
    @Field(key: "account_id") var accountId: UUID
    @Field(key: "redirect_uri") var redirectURI: String
    @Field(key: "scope") var scope: String
    @OptionalField(key: "nonce") var nonce: String?
    @OptionalField(key: "code_challenge") var codeChallenge: String?
    @OptionalField(key: "code_challenge_method") var codeChallengeMethod: String?
    @Field(key: "auth_time") var authTime: Date
    @OptionalField(key: "session_hash") var sessionHash: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    /// The organization the sign-in is for (M009): its claims go into the tokens.
    @OptionalField(key: "organization_id") var organizationId: UUID?

    init() {}
}

final class RefreshTokenModel: Model, @unchecked Sendable {
    static let schema = "refresh_tokens"

    @ID(custom: "token_hash", generatedBy: .user) var id: String?
    /// All tokens descended from one authorization code share a family; a replayed code or a
    /// reused refresh token revokes the whole family.
    @Field(key: "family_id") var familyId: String
    @Field(key: "client_id") var clientId: String
    @Field(key: "account_id") var accountId: UUID
    @Field(key: "scope") var scope: String
    @Field(key: "auth_time") var authTime: Date
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    /// The organization of the sign-in the family descends from (M009).
    @OptionalField(key: "organization_id") var organizationId: UUID?

    init() {}
}

final class SigningKeyModel: Model, @unchecked Sendable {
    static let schema = "signing_keys"

    @ID(custom: "kid", generatedBy: .user) var id: String?
    @Field(key: "algorithm") var algorithm: String
    @Field(key: "private_key_pem") var privateKeyPEM: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "retired_at") var retiredAt: Date?

    init() {}
}

/// Server-wide secrets shared by every instance (the key that signs cookies and CSRF tokens).
final class ServerSecretModel: Model, @unchecked Sendable {
    static let schema = "server_secrets"

    @ID(custom: "name", generatedBy: .user) var id: String?
    @Field(key: "value") var value: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

final class ExternalLoginStateModel: Model, @unchecked Sendable {
    static let schema = "external_login_states"

    @ID(custom: "state_hash", generatedBy: .user) var id: String?
    @Field(key: "flow_id") var flowId: String
    @Field(key: "provider_id") var providerId: UUID
    @Field(key: "nonce") var nonce: String
    @Field(key: "code_verifier") var codeVerifier: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date

    init() {}
}
