import Vapor

/// `/applications`: the applications customers sign in to, and their OIDC clients (`*:config`).
struct ApplicationRoutes: ResourceRoutes {
    static let path: [PathComponent] = ["applications"]
    static let readScope = AdminScope.readConfig
    static let writeScope = AdminScope.writeConfig

    func bootMore(read: any RoutesBuilder, write: any RoutesBuilder) {
        write.post(":id", "clients", ":clientId", "secret", use: rotateSecret)
    }

    private func service(_ req: Request) -> ApplicationService { ApplicationService(db: req.db) }

    func list(req: Request) async throws -> Response {
        let page = try PageRequest.from(req)
        return try await service(req).list(store: req.query[String.self, at: "store"], page: page).response(for: req, page: page)
    }

    func get(req: Request) async throws -> ApplicationView {
        let service = service(req)
        return try await service.view(try await service.require(try req.uuidParameter("id").idString))
    }

    /// The answer holds the new clients' secrets, shown this once: no cache may keep it.
    func create(req: Request) async throws -> Response {
        let view = try await service(req).create(reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
        let response = try Response.created(view, location: "/admin/api/v1/applications/\(view.id)")
        response.headers.cacheControl = .init(noStore: true)
        return response
    }

    func update(req: Request) async throws -> ApplicationView {
        let id = try req.uuidParameter("id").idString
        return try await service(req).update(id, reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
    }

    func rotateSecret(req: Request) async throws -> ClientView {
        try await service(req).rotateSecret(
            try req.uuidParameter("id").idString, clientId: try req.parameter("clientId", as: String.self),
            by: try req.apiActor)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        try await service(req).delete(try req.uuidParameter("id").idString, by: try req.apiActor)
        return .noContent
    }
}
