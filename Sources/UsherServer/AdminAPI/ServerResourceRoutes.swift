import Vapor

/// The use cases of a resource of the whole server, named by a UUID (applications, self-service
/// policies, login providers), as the admin API calls them. The console calls the same functions.
protocol ServerResourceService {
    associatedtype View: Content & Identifiable where View.ID == String

    func list(page: PageRequest) async throws -> Listing<View>
    func get(_ id: String) async throws -> View
    func create(reader: JSONObjectReader, by actor: Actor) async throws -> View
    func update(_ id: String, reader: JSONObjectReader, by actor: Actor) async throws -> View
    func delete(_ id: String, by actor: Actor) async throws
}

/// `/<collection>`: the five calls of a server-wide resource, written once (as
/// StoreResourceRoutes does for a store's resources). A resource's routes file says its
/// collection, scopes and service, and only the calls that differ.
protocol ServerResourceRoutes: ResourceRoutes where View == Service.View, Updated == Service.View {
    associatedtype Service: ServerResourceService

    /// The collection's path below `/admin/api/v1`, e.g. `selfServicePolicies`.
    static var collection: String { get }
    func service(_ req: Request) -> Service
}

extension ServerResourceRoutes {
    static var path: [PathComponent] { [.constant(collection)] }

    func list(req: Request) async throws -> Response {
        let page = try PageRequest.from(req)
        return try await service(req).list(page: page).response(for: req, page: page)
    }

    func get(req: Request) async throws -> Service.View {
        try await service(req).get(try req.uuidParameter("id").idString)
    }

    func create(req: Request) async throws -> Response {
        let view = try await service(req).create(reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
        return try Response.created(view, location: "/admin/api/v1/\(Self.collection)/\(view.id)")
    }

    func update(req: Request) async throws -> Service.View {
        try await service(req).update(
            try req.uuidParameter("id").idString, reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        try await service(req).delete(try req.uuidParameter("id").idString, by: try req.apiActor)
        return .noContent
    }
}
