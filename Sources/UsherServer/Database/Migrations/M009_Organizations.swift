import Fluent
import SQLKit

/// Organizations and roles (issue 16; SPEC: the Organization and Role concepts).
///
/// - `organizations` and `roles`: per identity store, names unique in their store.
/// - `organization_members`: an account in an organization; `organization_member_roles`: its
///   roles there (Strivacity's organization-role assignment). Both go with the account, the
///   organization or the role.
/// - `invitations.organization_id` and `invitations.roles` (a JSON array of role ids): what the
///   account joins on acceptance.
/// - `organization_id` on sign-in flows, authorization codes and refresh tokens: the
///   organization a sign-in is for, whose `org_id`, `org_name` and `roles` the tokens carry.
struct M009_Organizations: AsyncMigration {
    var name: String { "M009_Organizations" }

    func prepare(on database: any Database) async throws {
        try await database.schema("organizations")
            .id()
            .field("store", .string, .required, .references("identity_stores", "name", onDelete: .cascade))
            .field("name", .string, .required)
            .field("display_name", .string)
            .field("domains", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "store", "name", name: "organizations_store_name")
            .create()
        try await database.schema("roles")
            .id()
            .field("store", .string, .required, .references("identity_stores", "name", onDelete: .cascade))
            .field("name", .string, .required)
            .field("description", .string)
            .field("created_at", .datetime, .required)
            .unique(on: "store", "name", name: "roles_store_name")
            .create()
        try await database.schema("organization_members")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("account_id", .uuid, .required, .references("accounts", "id", onDelete: .cascade))
            .field("created_at", .datetime, .required)
            .unique(on: "organization_id", "account_id", name: "organization_members_pair")
            .create()
        try await database.schema("organization_member_roles")
            .id()
            .field("member_id", .uuid, .required, .references("organization_members", "id", onDelete: .cascade))
            .field("role_id", .uuid, .required, .references("roles", "id", onDelete: .cascade))
            .unique(on: "member_id", "role_id", name: "organization_member_roles_pair")
            .create()
        let sql = database.sql
        try await sql.raw("CREATE INDEX organization_members_account ON organization_members (account_id)").run()
        try await sql.raw("CREATE INDEX organization_member_roles_role ON organization_member_roles (role_id)").run()
        try await database.schema("invitations").field("organization_id", .uuid).update()
        try await database.schema("invitations").field("roles", .string).update()
        try await sql.raw("CREATE INDEX invitations_store_organization ON invitations (store, organization_id)").run()
        for table in ["login_flows", "authorization_codes", "refresh_tokens"] {
            try await database.schema(table).field("organization_id", .uuid).update()
        }
    }

    func revert(on database: any Database) async throws {
        for table in ["login_flows", "authorization_codes", "refresh_tokens"] {
            try await database.schema(table).deleteField("organization_id").update()
        }
        try await database.sql.raw("DROP INDEX invitations_store_organization").run()
        try await database.schema("invitations").deleteField("roles").update()
        try await database.schema("invitations").deleteField("organization_id").update()
        for table in ["organization_member_roles", "organization_members", "roles", "organizations"] {
            try await database.schema(table).delete()
        }
    }
}
