import Vapor

/// `/identityStores/{store}/accounts`: customer accounts (`*:account`).
struct AccountRoutes: StoreResourceRoutes {
    static let collection = "accounts"
    static let readScope = AdminScope.readAccount
    static let writeScope = AdminScope.writeAccount

    func bootMore(read: any RoutesBuilder, write: any RoutesBuilder) {
        write.post(":id", "passwordReset", use: passwordReset)
        write.post(":id", "signOut", use: signOut)
    }

    func service(_ req: Request) -> AccountService { AccountService(db: req.db, passwords: req.usher.passwords) }

    func list(req: Request) async throws -> Response {
        let page = try PageRequest.from(req)
        return try await service(req).list(
            store: try req.storeName(), email: req.query[String.self, at: "email"],
            search: req.query[String.self, at: "search"], page: page
        )
        .response(for: req, page: page)
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
