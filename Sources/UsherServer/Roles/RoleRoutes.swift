import Vapor

/// `/identityStores/{store}/roles`: the roles accounts can hold in organizations (`*:config`).
struct RoleRoutes: StoreResourceRoutes {
    static let collection = "roles"
    static let readScope = AdminScope.readConfig
    static let writeScope = AdminScope.writeConfig

    func service(_ req: Request) -> RoleService { RoleService(db: req.db) }
}
