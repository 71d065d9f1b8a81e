import UsherCore
import Vapor

/// `/identityStores/{store}/organizations/{id}/members`: accounts in an organization with their
/// roles (`*:account`, as accounts and group members). `PUT …/members/{accountId}` with
/// `{"roles": [{"id": …}]}` adds a member or sets its roles, as Auth0 and WorkOS users expect;
/// `POST …/members` with `{"id": accountId, "roles": [...]}` does the same the way groups do.
struct OrganizationMemberRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let members = routes.grouped("identityStores", ":store", "organizations", ":id", "members")
        let read = members.grouped(RequireScope(.readAccount))
        let write = members.grouped(RequireScope(.writeAccount))
        read.get(use: list)
        read.get(":accountId", use: get)
        write.post(use: add)
        write.put(":accountId", use: put)
        write.delete(":accountId", use: remove)
    }

    private func service(_ req: Request) -> OrganizationService { OrganizationService(db: req.db) }

    func list(req: Request) async throws -> Response {
        let page = try PageRequest.from(req)
        return try await service(req).members(store: try req.storeName(), id: try req.uuidParameter("id").idString, page: page)
            .response(for: req, page: page)
    }

    func get(req: Request) async throws -> OrganizationMemberView {
        try await service(req).member(
            store: try req.storeName(), id: try req.uuidParameter("id").idString, accountId: try req.uuidParameter("accountId").idString)
    }

    /// The body is optional: without one, a new member joins with no roles and an existing one keeps its roles.
    func put(req: Request) async throws -> Response {
        let store = try req.storeName()
        let id = try req.uuidParameter("id").idString
        let accountId = try req.uuidParameter("accountId").idString
        var roleIds: [String]?
        if let body = req.body.data, body.readableBytes > 0 {
            let r = try JSONObjectReader.body(of: req)
            roleIds = r.idReferences("roles", maxCount: 50)
            try r.validate()
        }
        return try await answer(req, store: store, id: id, accountId: accountId, roleIds: roleIds)
    }

    func add(req: Request) async throws -> Response {
        let store = try req.storeName()
        let id = try req.uuidParameter("id").idString
        let r = try JSONObjectReader.body(of: req)
        let accountId = r.string("id", required: true, max: 64)
        let roleIds = r.idReferences("roles", maxCount: 50)
        try r.validate()
        return try await answer(req, store: store, id: id, accountId: accountId!, roleIds: roleIds)
    }

    /// 201 when the account joined now, 200 when it was a member already.
    private func answer(_ req: Request, store: String, id: String, accountId: String, roleIds: [String]?) async throws -> Response {
        let joined = try await service(req).putMember(store: store, id: id, accountId: accountId, roleIds: roleIds, by: try req.apiActor)
        let view = try await service(req).member(store: store, id: id, accountId: accountId)
        let response = Response(status: joined ? .created : .ok)
        try response.content.encode(view, as: .json)
        if joined {
            response.headers.replaceOrAdd(
                name: .location, value: "/admin/api/v1/identityStores/\(store)/organizations/\(id)/members/\(view.id)")
        }
        return response
    }

    func remove(req: Request) async throws -> HTTPStatus {
        try await service(req).removeMember(
            store: try req.storeName(), id: try req.uuidParameter("id").idString,
            accountId: try req.uuidParameter("accountId").idString, by: try req.apiActor)
        return .noContent
    }
}
