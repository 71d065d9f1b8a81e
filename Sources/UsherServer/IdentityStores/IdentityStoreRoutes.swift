import UsherCore
import Vapor

/// `/identityStores`: the populations of customer accounts (`*:config`).
struct IdentityStoreRoutes: ResourceRoutes {
    static let path: [PathComponent] = ["identityStores"]
    static let item: PathComponent = ":store"
    static let readScope = AdminScope.readConfig
    static let writeScope = AdminScope.writeConfig

    func list(req: Request) async throws -> [IdentityStoreView] {
        try await IdentityStoreService(db: req.db).list()
    }

    func get(req: Request) async throws -> IdentityStoreView {
        IdentityStoreService.view(try await IdentityStoreService(db: req.db).require(try req.storeName()))
    }

    func create(req: Request) async throws -> Response {
        let request = try IdentityStoreService.CreateRequest.read(try JSONObjectReader.body(of: req))
        let view = try await IdentityStoreService(db: req.db).create(request, by: try req.apiActor)
        return try Response.created(view, location: "/admin/api/v1/identityStores/\(view.name)")
    }

    func update(req: Request) async throws -> IdentityStoreView {
        let store = try req.storeName()
        return try await IdentityStoreService(db: req.db).update(store, reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        try await IdentityStoreService(db: req.db).delete(try req.storeName(), by: try req.apiActor)
        return .noContent
    }
}
