import Fluent
import Foundation

// The customer directory: identity stores, accounts, groups and their memberships.
// JSON-valued columns are stored as text so that SQLite and PostgreSQL read them the same way.

final class IdentityStoreModel: Model, @unchecked Sendable {
    static let schema = "identity_stores"

    /// The store's name is its identity: the admin API addresses stores by name.
    @ID(custom: "name", generatedBy: .user) var id: String?
    /// Comma-separated identifier kinds, e.g. "EMAIL" or "EMAIL,USERNAME".
    @Field(key: "identifiers") var identifiers: String
    @OptionalField(key: "description") var storeDescription: String?
    @Field(key: "created_at") var createdAt: Date
    /// `selfService.accountDeletion` (M018); nil = the default, on.
    @OptionalField(key: "account_deletion") var accountDeletion: Bool?

    init() {}

    init(name: String, identifiers: [String], description: String?, createdAt: Date) {
        self.id = name
        self.identifiers = identifiers.joined(separator: ",")
        self.storeDescription = description
        self.createdAt = createdAt
    }

    var identifierList: [String] { identifiers.split(separator: ",").map(String.init) }
    var supportsEmail: Bool { identifierList.contains("EMAIL") }
    var supportsUsername: Bool { identifierList.contains("USERNAME") }
    /// Whether the store's customers may delete their own account on `/account`.
    var allowsAccountDeletion: Bool { accountDeletion ?? true }
}

final class AccountModel: Model, @unchecked Sendable {
    static let schema = "accounts"

    @ID(key: .id) var id: UUID?
    @Field(key: "store") var store: String
    @OptionalField(key: "email") var email: String?
    /// Lower-cased email; unique per store (SPEC: case-insensitive email identifier).
    @OptionalField(key: "email_key") var emailKey: String?
    @OptionalField(key: "username") var username: String?
    @OptionalField(key: "username_key") var usernameKey: String?
    @OptionalField(key: "given_name") var givenName: String?
    @OptionalField(key: "family_name") var familyName: String?
    @OptionalField(key: "display_name") var displayName: String?
    @OptionalField(key: "phone_number") var phoneNumber: String?
    @OptionalField(key: "locale") var locale: String?
    /// Free metadata, a JSON object.
    @Field(key: "metadata") var metadata: String
    @Field(key: "email_verified") var emailVerified: Bool
    @OptionalField(key: "password_hash") var passwordHash: String?
    @OptionalField(key: "invitation_id") var invitationId: UUID?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "last_sign_in_at") var lastSignInAt: Date?

    init() {}
}

final class GroupModel: Model, @unchecked Sendable {
    static let schema = "groups"

    @ID(key: .id) var id: UUID?
    @Field(key: "store") var store: String
    @Field(key: "name") var name: String
    @OptionalField(key: "description") var groupDescription: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(id: UUID = UUID(), store: String, name: String, description: String?, createdAt: Date) {
        self.id = id
        self.store = store
        self.name = name
        self.groupDescription = description
        self.createdAt = createdAt
    }
}

final class MembershipModel: Model, @unchecked Sendable {
    static let schema = "account_groups"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountId: UUID
    @Field(key: "group_id") var groupId: UUID
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(accountId: UUID, groupId: UUID, createdAt: Date) {
        self.id = UUID()
        self.accountId = accountId
        self.groupId = groupId
        self.createdAt = createdAt
    }
}

final class ExternalIdentityModel: Model, @unchecked Sendable {
    static let schema = "external_identities"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_id") var accountId: UUID
    @Field(key: "provider_id") var providerId: UUID
    @Field(key: "issuer") var issuer: String
    @Field(key: "subject") var subject: String
    @OptionalField(key: "email") var email: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
