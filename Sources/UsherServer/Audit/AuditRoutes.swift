import Vapor

/// `/auditEvents`: who changed what, filtered by store, action or target (`read:config`).
struct AuditRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("auditEvents").grouped(RequireScope(.readConfig)).get(use: list)
    }

    func list(req: Request) async throws -> Response {
        let page = try PageRequest.from(req)
        return try await AuditLog(db: req.db).list(
            store: req.query[String.self, at: "store"], action: req.query[String.self, at: "action"],
            targetId: req.query[String.self, at: "targetId"], page: page
        ).response(for: req, page: page)
    }
}
