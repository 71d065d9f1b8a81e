import Vapor

/// `/selfServicePolicies`: what invitees may see and change while they sign up (`*:config`).
struct SelfServicePolicyRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let policies = routes.grouped("selfServicePolicies")
        let read = policies.grouped(RequireScope(.readConfig))
        let write = policies.grouped(RequireScope(.writeConfig))
        read.get(use: list)
        read.get(":id", use: get)
        write.post(use: create)
        for method in [HTTPMethod.PUT, .PATCH] { write.on(method, ":id", use: update) }
        write.delete(":id", use: delete)
    }

    private func service(_ req: Request) -> SelfServicePolicyService { SelfServicePolicyService(db: req.db) }

    func list(req: Request) async throws -> Response {
        let page = try PageRequest.from(req)
        return try await service(req).list(page: page).response(for: req, page: page)
    }

    func get(req: Request) async throws -> SelfServicePolicyView {
        SelfServicePolicyService.view(try await service(req).require(try req.uuidParameter("id").idString))
    }

    func create(req: Request) async throws -> Response {
        let view = try await service(req).create(reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
        return try Response.created(view, location: "/admin/api/v1/selfServicePolicies/\(view.id)")
    }

    func update(req: Request) async throws -> SelfServicePolicyView {
        let id = try req.uuidParameter("id").idString
        return try await service(req).update(id, reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        try await service(req).delete(try req.uuidParameter("id").idString, by: try req.apiActor)
        return .noContent
    }
}
