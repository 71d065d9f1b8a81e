import Vapor

/// `/identityStores/{store}/organizations`: organizations (`*:config`). Their members are in
/// OrganizationMemberRoutes (`*:account`, like group members).
struct OrganizationRoutes: StoreResourceRoutes {
    static let collection = "organizations"
    static let readScope = AdminScope.readConfig
    static let writeScope = AdminScope.writeConfig

    func service(_ req: Request) -> OrganizationService { OrganizationService(db: req.db) }
}
