import Vapor

/// `/externalLoginProviders`: upstream OpenID Connect providers (`*:config`).
struct ExternalLoginProviderRoutes: ResourceRoutes {
    static let path: [PathComponent] = ["externalLoginProviders"]
    static let readScope = AdminScope.readConfig
    static let writeScope = AdminScope.writeConfig

    private func service(_ req: Request) -> ExternalLoginProviderService { ExternalLoginProviderService(db: req.db, client: req.client) }

    func list(req: Request) async throws -> Response {
        let page = try PageRequest.from(req)
        return try await service(req).list(page: page).response(for: req, page: page)
    }

    func get(req: Request) async throws -> ExternalLoginProviderView {
        ExternalLoginProviderService.view(try await service(req).require(try req.uuidParameter("id").idString))
    }

    func create(req: Request) async throws -> Response {
        let view = try await service(req).create(reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
        return try Response.created(view, location: "/admin/api/v1/externalLoginProviders/\(view.id)")
    }

    func update(req: Request) async throws -> ExternalLoginProviderView {
        let id = try req.uuidParameter("id").idString
        return try await service(req).update(id, reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        try await service(req).delete(try req.uuidParameter("id").idString, by: try req.apiActor)
        return .noContent
    }
}
