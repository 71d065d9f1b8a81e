import UsherCore
import Vapor

/// The use cases of a resource that lives in one identity store (accounts, groups, roles,
/// organizations), as the admin API calls them. The console calls the same functions.
protocol StoreResourceService {
    associatedtype View: Content & Identifiable where View.ID == String

    func get(store: String, id: String) async throws -> View
    func create(store: String, reader: JSONObjectReader, by actor: Actor) async throws -> View
    func update(store: String, id: String, reader: JSONObjectReader, by actor: Actor) async throws -> View
    func delete(store: String, id: String, by actor: Actor) async throws
}

/// A store's resource known by a unique name (groups, roles, organizations): listed by name,
/// `?name=` picks the one.
protocol NamedStoreResourceService: StoreResourceService {
    func list(store: String, page: PageRequest, name: String?) async throws -> Listing<View>
}

/// `/identityStores/{store}/<collection>`: the five calls of a store's resource, each one the
/// same few lines (read the store and id from the path, the body, the caller; call the service;
/// answer 201 with a Location, or 204), written once here. The routes file of a resource says
/// only its collection, scopes, service and what it has beyond the five.
protocol StoreResourceRoutes: ResourceRoutes where View == Service.View, Updated == Service.View {
    associatedtype Service: StoreResourceService

    /// The collection's path segment below the store, e.g. `groups`.
    static var collection: String { get }
    func service(_ req: Request) -> Service
}

extension StoreResourceRoutes {
    static var path: [PathComponent] { ["identityStores", ":store", .constant(collection)] }

    func get(req: Request) async throws -> Service.View {
        try await service(req).get(store: try req.storeName(), id: try req.uuidParameter("id").idString)
    }

    func create(req: Request) async throws -> Response {
        let store = try req.storeName()
        let view = try await service(req).create(store: store, reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
        return try Response.created(view, location: "/admin/api/v1/identityStores/\(store)/\(Self.collection)/\(view.id)")
    }

    func update(req: Request) async throws -> Service.View {
        try await service(req).update(
            store: try req.storeName(), id: try req.uuidParameter("id").idString,
            reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        try await service(req).delete(store: try req.storeName(), id: try req.uuidParameter("id").idString, by: try req.apiActor)
        return .noContent
    }
}

extension StoreResourceRoutes where Service: NamedStoreResourceService {
    func list(req: Request) async throws -> Response {
        let page = try PageRequest.from(req)
        return try await service(req).list(store: try req.storeName(), page: page, name: req.query[String.self, at: "name"])
            .response(for: req, page: page)
    }
}
