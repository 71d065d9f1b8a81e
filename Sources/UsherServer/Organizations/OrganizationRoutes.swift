import UsherCore
import Vapor

/// `/identityStores/{store}/organizations`: organizations (`*:config`). Their members are in
/// OrganizationMemberRoutes (`*:account`, like group members).
struct OrganizationRoutes: ResourceRoutes {
    static let path: [PathComponent] = ["identityStores", ":store", "organizations"]
    static let readScope = AdminScope.readConfig
    static let writeScope = AdminScope.writeConfig

    private func service(_ req: Request) -> OrganizationService { OrganizationService(db: req.db) }

    func list(req: Request) async throws -> Response {
        let page = try PageRequest.from(req)
        return try await service(req).list(store: try req.storeName(), page: page, name: req.query[String.self, at: "name"])
            .response(for: req, page: page)
    }

    func get(req: Request) async throws -> OrganizationView {
        try await service(req).get(store: try req.storeName(), id: try req.uuidParameter("id").idString)
    }

    func create(req: Request) async throws -> Response {
        let store = try req.storeName()
        let view = try await service(req).create(store: store, reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
        return try Response.created(view, location: "/admin/api/v1/identityStores/\(store)/organizations/\(view.id)")
    }

    func update(req: Request) async throws -> OrganizationView {
        try await service(req).update(
            store: try req.storeName(), id: try req.uuidParameter("id").idString,
            reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        try await service(req).delete(store: try req.storeName(), id: try req.uuidParameter("id").idString, by: try req.apiActor)
        return .noContent
    }
}
