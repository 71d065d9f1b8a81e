import Vapor

/// `/applications`: the applications customers sign in to, and their OIDC clients (`*:config`).
struct ApplicationRoutes: ServerResourceRoutes {
    static let collection = "applications"
    static let readScope = AdminScope.readConfig
    static let writeScope = AdminScope.writeConfig
    /// The answer holds the new clients' secrets, shown this once.
    static let createdHoldsSecret = true

    func service(_ req: Request) -> ApplicationService { ApplicationService(db: req.db) }

    func bootMore(read: any RoutesBuilder, write: any RoutesBuilder) {
        write.post(":id", "clients", ":clientId", "secret", use: rotateSecret)
    }

    /// All applications, or a store's (`?store=`).
    func list(req: Request) async throws -> Response {
        let page = try PageRequest.from(req)
        return try await service(req).list(store: req.query[String.self, at: "store"], page: page).response(for: req, page: page)
    }

    func rotateSecret(req: Request) async throws -> ClientView {
        try await service(req).rotateSecret(
            try Self.id(req), clientId: try req.parameter("clientId", as: String.self),
            by: try req.apiActor)
    }
}
