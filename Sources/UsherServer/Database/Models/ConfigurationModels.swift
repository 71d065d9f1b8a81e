import Fluent
import Foundation

// Configuration of what customers sign in to: policies, applications and their OIDC clients,
// upstream login providers, and the administrators and API clients who manage it all.

final class SelfServicePolicyModel: Model, @unchecked Sendable {
    static let schema = "self_service_policies"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "invitation_enabled") var invitationEnabled: Bool
    @Field(key: "allow_email_mismatch") var allowEmailMismatch: Bool
    @Field(key: "force_external_login") var forceUsingExternalLogin: Bool
    @Field(key: "link_max_age_hours") var linkMaxAgeHours: Int
    /// JSON array of hours (M015); nil = the default `[24]`.
    @OptionalField(key: "reminder_hours") var reminderHours: String?
    /// nil = the default, true (M015).
    @OptionalField(key: "notify_inviter_on_expiry") var notifyInviterOnExpiry: Bool?
    /// nil = the default, false (M017): unverified accounts may sign in meanwhile.
    @OptionalField(key: "require_verified_email") var requireVerifiedEmail: Bool?
    /// JSON object: attribute name → field mode.
    @Field(key: "registration_fields") var registrationFields: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

final class ApplicationModel: Model, @unchecked Sendable {
    static let schema = "applications"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "store") var store: String
    @Field(key: "protocol") var protocolKind: String
    @Field(key: "policy_id") var policyId: UUID
    @OptionalField(key: "description") var appDescription: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// Groups assigned to an application: every invited customer joins them (SPEC rule 8).
final class ApplicationGroupModel: Model, @unchecked Sendable {
    static let schema = "application_groups"

    @ID(key: .id) var id: UUID?
    @Field(key: "application_id") var applicationId: UUID
    @Field(key: "group_id") var groupId: UUID

    init() {}

    init(applicationId: UUID, groupId: UUID) {
        self.id = UUID()
        self.applicationId = applicationId
        self.groupId = groupId
    }
}

final class ApplicationProviderModel: Model, @unchecked Sendable {
    static let schema = "application_login_providers"

    @ID(key: .id) var id: UUID?
    @Field(key: "application_id") var applicationId: UUID
    @Field(key: "provider_id") var providerId: UUID

    init() {}

    init(applicationId: UUID, providerId: UUID) {
        self.id = UUID()
        self.applicationId = applicationId
        self.providerId = providerId
    }
}

final class OIDCClientModel: Model, @unchecked Sendable {
    static let schema = "oidc_clients"

    @ID(custom: "client_id", generatedBy: .user) var id: String?
    @Field(key: "application_id") var applicationId: UUID
    /// SHA-256 of the secret; nil for public clients, which must use PKCE.
    @OptionalField(key: "secret_hash") var secretHash: String?
    @Field(key: "is_public") var isPublic: Bool
    /// JSON array of exact redirect URIs.
    @Field(key: "redirect_uris") var redirectURIs: String
    @Field(key: "post_logout_redirect_uris") var postLogoutRedirectURIs: String
    /// The OIDC `initiate_login_uri`: where invitation links point.
    @OptionalField(key: "login_url") var loginURL: String?
    /// Order of the client within its application; the first one serves `applicationId` invitations.
    @Field(key: "position") var position: Int
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

final class ExternalLoginProviderModel: Model, @unchecked Sendable {
    static let schema = "external_login_providers"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "issuer") var issuer: String
    @Field(key: "client_id") var clientId: String
    /// Kept as given: Usher must present it to the upstream provider. Never returned by the API.
    @Field(key: "client_secret") var clientSecret: String
    @Field(key: "scopes") var scopes: String
    /// JSON object: Usher attribute → upstream claim.
    @Field(key: "claim_mapping") var claimMapping: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

final class AdministratorModel: Model, @unchecked Sendable {
    static let schema = "administrators"

    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "email_key") var emailKey: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "last_sign_in_at") var lastSignInAt: Date?

    init() {}
}

final class APIClientModel: Model, @unchecked Sendable {
    static let schema = "api_clients"

    @ID(custom: "client_id", generatedBy: .user) var id: String?
    @Field(key: "name") var name: String
    @Field(key: "secret_hash") var secretHash: String
    /// Space-separated scopes.
    @Field(key: "scopes") var scopes: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
