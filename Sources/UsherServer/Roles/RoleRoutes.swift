import UsherCore
import Vapor

/// `/identityStores/{store}/roles`: the roles accounts can hold in organizations (`*:config`).
struct RoleRoutes: ResourceRoutes {
    static let path: [PathComponent] = ["identityStores", ":store", "roles"]
    static let readScope = AdminScope.readConfig
    static let writeScope = AdminScope.writeConfig

    private func service(_ req: Request) -> RoleService { RoleService(db: req.db) }

    func list(req: Request) async throws -> Response {
        let page = try PageRequest.from(req)
        return try await service(req).list(store: try req.storeName(), page: page, name: req.query[String.self, at: "name"])
            .response(for: req, page: page)
    }

    func get(req: Request) async throws -> RoleView {
        try await service(req).get(store: try req.storeName(), id: try req.uuidParameter("id").idString)
    }

    func create(req: Request) async throws -> Response {
        let store = try req.storeName()
        let view = try await service(req).create(store: store, reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
        return try Response.created(view, location: "/admin/api/v1/identityStores/\(store)/roles/\(view.id)")
    }

    func update(req: Request) async throws -> RoleView {
        try await service(req).update(
            store: try req.storeName(), id: try req.uuidParameter("id").idString,
            reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        try await service(req).delete(store: try req.storeName(), id: try req.uuidParameter("id").idString, by: try req.apiActor)
        return .noContent
    }
}
