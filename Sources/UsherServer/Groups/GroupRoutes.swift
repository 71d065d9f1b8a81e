import UsherCore
import Vapor

/// `/identityStores/{store}/groups`: groups of accounts and their members (`*:account`).
struct GroupRoutes: ResourceRoutes {
    static let path: [PathComponent] = ["identityStores", ":store", "groups"]
    static let readScope = AdminScope.readAccount
    static let writeScope = AdminScope.writeAccount

    func bootMore(read: any RoutesBuilder, write: any RoutesBuilder) {
        read.get(":id", "members", use: members)
        write.post(":id", "members", use: addMember)
        write.delete(":id", "members", ":accountId", use: removeMember)
    }

    private func service(_ req: Request) -> GroupService { GroupService(db: req.db) }

    func list(req: Request) async throws -> Response {
        let page = try PageRequest.from(req)
        return try await service(req).list(store: try req.storeName(), page: page, name: req.query[String.self, at: "name"])
            .response(for: req, page: page)
    }

    func get(req: Request) async throws -> GroupView {
        try await service(req).get(store: try req.storeName(), id: try req.uuidParameter("id").idString)
    }

    func create(req: Request) async throws -> Response {
        let store = try req.storeName()
        let view = try await service(req).create(store: store, reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
        return try Response.created(view, location: "/admin/api/v1/identityStores/\(store)/groups/\(view.id)")
    }

    func update(req: Request) async throws -> GroupView {
        try await service(req).update(
            store: try req.storeName(), id: try req.uuidParameter("id").idString,
            reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        try await service(req).delete(store: try req.storeName(), id: try req.uuidParameter("id").idString, by: try req.apiActor)
        return .noContent
    }

    func members(req: Request) async throws -> Response {
        let page = try PageRequest.from(req)
        return try await service(req).members(store: try req.storeName(), id: try req.uuidParameter("id").idString, page: page)
            .response(for: req, page: page)
    }

    /// `{"id": accountId}` joins the account to the group; joining twice changes nothing.
    func addMember(req: Request) async throws -> HTTPStatus {
        let store = try req.storeName()
        let id = try req.uuidParameter("id").idString
        let body = try JSONObjectReader.body(of: req)
        let accountId = body.string("id", required: true, max: 64)
        try body.validate()
        guard let accountId else { throw UsherError.validation([FieldError("id", "is required")]) }
        try await service(req).addMember(store: store, id: id, accountId: accountId, by: try req.apiActor)
        return .noContent
    }

    func removeMember(req: Request) async throws -> HTTPStatus {
        try await service(req).removeMember(
            store: try req.storeName(), id: try req.uuidParameter("id").idString,
            accountId: try req.uuidParameter("accountId").idString, by: try req.apiActor)
        return .noContent
    }
}
