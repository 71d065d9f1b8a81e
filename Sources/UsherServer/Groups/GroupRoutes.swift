import UsherCore
import Vapor

/// `/identityStores/{store}/groups`: groups of accounts and their members (`*:account`).
struct GroupRoutes: StoreResourceRoutes {
    static let collection = "groups"
    static let readScope = AdminScope.readAccount
    static let writeScope = AdminScope.writeAccount

    func bootMore(read: any RoutesBuilder, write: any RoutesBuilder) {
        read.get(":id", "members", use: members)
        write.post(":id", "members", use: addMember)
        write.delete(":id", "members", ":accountId", use: removeMember)
    }

    func service(_ req: Request) -> GroupService { GroupService(db: req.db) }

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
