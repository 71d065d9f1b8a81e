import Vapor

/// `/admin/api/v1`: the JSON admin API. Every route needs a bearer token, and each family a
/// scope: `*:account` for customers (accounts, groups, invitations, mailbox), `*:config` for
/// configuration (stores, applications, policies, API clients, login providers, audit log).
/// Each resource's routes live in its concept's folder; this only mounts them.
struct AdminAPIRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("admin", "api", "v1").grouped(AdminTokenAuthenticator())
        try api.register(collection: InvitationRoutes())
        try api.register(collection: BulkInvitationRoutes())
        try api.register(collection: IdentityStoreRoutes())
        try api.register(collection: GroupRoutes())
        try api.register(collection: AccountRoutes())
        try api.register(collection: SelfServicePolicyRoutes())
        try api.register(collection: ApplicationRoutes())
        try api.register(collection: APIClientRoutes())
        try api.register(collection: ExternalLoginProviderRoutes())
        try api.register(collection: MailboxRoutes())
        try api.register(collection: AuditRoutes())
        try api.register(collection: OrganizationRoutes())
        try api.register(collection: OrganizationMemberRoutes())
        try api.register(collection: RoleRoutes())
    }
}

extension Response {
    /// 201 with the new resource and where it lives.
    static func created(_ value: some Content, location: String) throws -> Response {
        let response = Response(status: .created)
        try response.content.encode(value, as: .json)
        response.headers.replaceOrAdd(name: .location, value: location)
        return response
    }
}
