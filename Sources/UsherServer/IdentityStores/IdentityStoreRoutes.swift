import UsherCore
import Vapor

/// `/identityStores`: the populations of customer accounts (`*:config`).
struct IdentityStoreRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let stores = routes.grouped("identityStores")
        let read = stores.grouped(RequireScope(.readConfig))
        let write = stores.grouped(RequireScope(.writeConfig))
        read.get(use: list)
        read.get(":store", use: get)
        write.post(use: create)
        for method in [HTTPMethod.PUT, .PATCH] { write.on(method, ":store", use: update) }
        write.delete(":store", use: delete)
    }

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
