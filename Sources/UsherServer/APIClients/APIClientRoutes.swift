import Vapor

/// `/apiClients`: the programs that use this API (`*:config`). Their ids are text, not UUIDs
/// (`api-…`, or the one the operator bootstrapped), so any `:id` is looked up and an unknown one is 404.
struct APIClientRoutes: ResourceRoutes {
    static let path: [PathComponent] = ["apiClients"]
    static let readScope = AdminScope.readConfig
    static let writeScope = AdminScope.writeConfig

    private func service(_ req: Request) -> APIClientService { APIClientService(db: req.db) }

    func list(req: Request) async throws -> Response {
        let page = try PageRequest.from(req)
        return try await service(req).list(page: page).response(for: req, page: page)
    }

    func get(req: Request) async throws -> APIClientView {
        APIClientService.view(try await service(req).require(try req.parameter("id", as: String.self)))
    }

    /// The answer holds the client's secret, shown this once: no cache may keep it.
    func create(req: Request) async throws -> Response {
        let view = try await service(req).create(reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
        let response = try Response.created(view, location: "/admin/api/v1/apiClients/\(view.clientId)")
        response.headers.cacheControl = .init(noStore: true)
        return response
    }

    func update(req: Request) async throws -> APIClientView {
        let id = try req.parameter("id", as: String.self)
        return try await service(req).update(id, reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        try await service(req).delete(try req.parameter("id", as: String.self), by: try req.apiActor)
        return .noContent
    }
}
