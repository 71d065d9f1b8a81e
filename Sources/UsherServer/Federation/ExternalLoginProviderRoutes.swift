import Vapor

/// `/externalLoginProviders`: upstream OpenID Connect providers (`*:config`).
struct ExternalLoginProviderRoutes: ServerResourceRoutes {
    static let collection = "externalLoginProviders"
    static let readScope = AdminScope.readConfig
    static let writeScope = AdminScope.writeConfig

    func service(_ req: Request) -> ExternalLoginProviderService { ExternalLoginProviderService(db: req.db, client: req.client) }
}
