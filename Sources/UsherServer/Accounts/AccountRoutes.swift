import Vapor

/// `/identityStores/{store}/accounts`: customer accounts (`*:account`).
struct AccountRoutes: ResourceRoutes {
    static let path: [PathComponent] = ["identityStores", ":store", "accounts"]
    static let readScope = AdminScope.readAccount
    static let writeScope = AdminScope.writeAccount

    func bootMore(read: any RoutesBuilder, write: any RoutesBuilder) {
        write.post(":id", "passwordReset", use: passwordReset)
        write.post(":id", "signOut", use: signOut)
    }

    private func service(_ req: Request) -> AccountService { AccountService(db: req.db, passwords: req.usher.passwords) }

    func list(req: Request) async throws -> Response {
        let page = try PageRequest.from(req)
        return try await service(req).list(
            store: try req.storeName(), email: req.query[String.self, at: "email"],
            search: req.query[String.self, at: "search"], page: page
        )
        .response(for: req, page: page)
    }

    func get(req: Request) async throws -> AccountView {
        let service = service(req)
        return try await service.view(try await service.require(store: try req.storeName(), id: try req.uuidParameter("id").idString))
    }

    func create(req: Request) async throws -> Response {
        let store = try req.storeName()
        let view = try await service(req).create(store: store, reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
        return try Response.created(view, location: "/admin/api/v1/identityStores/\(store)/accounts/\(view.id)")
    }

    func update(req: Request) async throws -> AccountView {
        try await service(req).update(
            store: try req.storeName(), id: try req.uuidParameter("id").idString,
            reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        try await service(req).delete(store: try req.storeName(), id: try req.uuidParameter("id").idString, by: try req.apiActor)
        return .noContent
    }

    /// 202: the email is queued (the outbox sends it).
    func passwordReset(req: Request) async throws -> HTTPStatus {
        try await service(req).sendPasswordReset(
            store: try req.storeName(), id: try req.uuidParameter("id").idString, by: try req.apiActor, context: req.usher)
        return .accepted
    }

    /// 204: every session and refresh token of the account has ended.
    func signOut(req: Request) async throws -> HTTPStatus {
        try await service(req).signOutEverywhere(store: try req.storeName(), id: try req.uuidParameter("id").idString, by: try req.apiActor)
        return .noContent
    }
}
