import Vapor

/// The use cases of a resource of the whole server (applications, API clients, self-service
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
    /// The id `:id` names: a UUID (any other text is 404), unless the resource's ids are text.
    static func id(_ req: Request) throws -> String
    /// Whether the answer to a create holds a secret shown this once (a client's): then no
    /// cache may keep it (`Cache-Control: no-store`).
    static var createdHoldsSecret: Bool { get }
}

extension ServerResourceRoutes {
    static var path: [PathComponent] { [.constant(collection)] }
    static func id(_ req: Request) throws -> String { try req.uuidParameter("id").idString }
    static var createdHoldsSecret: Bool { false }

    func list(req: Request) async throws -> Response {
        let page = try PageRequest.from(req)
        return try await service(req).list(page: page).response(for: req, page: page)
    }

    func get(req: Request) async throws -> Service.View {
        try await service(req).get(try Self.id(req))
    }

    func create(req: Request) async throws -> Response {
        let view = try await service(req).create(reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
        let response = try Response.created(view, location: "/admin/api/v1/\(Self.collection)/\(view.id)")
        if Self.createdHoldsSecret { response.headers.cacheControl = .init(noStore: true) }
        return response
    }

    func update(req: Request) async throws -> Service.View {
        try await service(req).update(try Self.id(req), reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        try await service(req).delete(try Self.id(req), by: try req.apiActor)
        return .noContent
    }
}
