import Vapor

/// A resource of the admin API with the five calls SPEC.md gives every resource (list, create,
/// get, update with PUT or PATCH, delete): reading needs its read scope, the rest its write
/// scope. Each resource's routes file says only what differs: its path, its scopes, its calls.
protocol ResourceRoutes: RouteCollection {
    associatedtype Listed: AsyncResponseEncodable
    associatedtype View: AsyncResponseEncodable
    associatedtype Updated: AsyncResponseEncodable

    /// Where the collection lives below `/admin/api/v1`, e.g. `["identityStores", ":store", "groups"]`.
    static var path: [PathComponent] { get }
    /// The parameter naming one item (`id`, or `store` for identity stores).
    static var item: PathComponent { get }
    static var readScope: AdminScope { get }
    static var writeScope: AdminScope { get }

    func list(req: Request) async throws -> Listed
    func get(req: Request) async throws -> View
    func create(req: Request) async throws -> Response
    func update(req: Request) async throws -> Updated
    func delete(req: Request) async throws -> HTTPStatus
    /// Calls beyond the five (a group's members, an application client's secret).
    func bootMore(read: any RoutesBuilder, write: any RoutesBuilder)
}

extension ResourceRoutes {
    static var item: PathComponent { ":id" }

    func bootMore(read: any RoutesBuilder, write: any RoutesBuilder) {}

    func boot(routes: any RoutesBuilder) throws {
        let collection = routes.grouped(Self.path)
        let read = collection.grouped(RequireScope(Self.readScope))
        let write = collection.grouped(RequireScope(Self.writeScope))
        read.get(use: list)
        read.get(Self.item, use: get)
        write.post(use: create)
        for method in [HTTPMethod.PUT, .PATCH] { write.on(method, Self.item, use: update) }
        write.delete(Self.item, use: delete)
        bootMore(read: read, write: write)
    }
}
