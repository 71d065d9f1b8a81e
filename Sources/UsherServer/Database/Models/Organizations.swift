import Fluent
import Foundation

// Organizations, roles, and who is in which organization with which roles (M009).

final class OrganizationModel: Model, @unchecked Sendable {
    static let schema = "organizations"

    @ID(key: .id) var id: UUID?
    @Field(key: "store") var store: String
    @Field(key: "name") var name: String
    @OptionalField(key: "display_name") var displayName: String?
    /// JSON array of lower-cased domain names.
    @Field(key: "domains") var domains: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

final class RoleModel: Model, @unchecked Sendable {
    static let schema = "roles"

    @ID(key: .id) var id: UUID?
    @Field(key: "store") var store: String
    @Field(key: "name") var name: String
    @OptionalField(key: "description") var roleDescription: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

final class OrganizationMemberModel: Model, @unchecked Sendable {
    static let schema = "organization_members"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationId: UUID
    @Field(key: "account_id") var accountId: UUID
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(organizationId: UUID, accountId: UUID, createdAt: Date) {
        self.id = UUID()
        self.organizationId = organizationId
        self.accountId = accountId
        self.createdAt = createdAt
    }
}

final class OrganizationMemberRoleModel: Model, @unchecked Sendable {
    static let schema = "organization_member_roles"

    @ID(key: .id) var id: UUID?
    @Field(key: "member_id") var memberId: UUID
    @Field(key: "role_id") var roleId: UUID

    init() {}

    init(memberId: UUID, roleId: UUID) {
        self.id = UUID()
        self.memberId = memberId
        self.roleId = roleId
    }
}
