import UsherCore
import Vapor

/// `/admin/api/v1/webhooks`: endpoints (`read:config` to read, `write:config` to change), the
/// secret shown once (create, rotateSecret), and each endpoint's deliveries with their attempts.
struct WebhookRoutes: ResourceRoutes {
    static let path: [PathComponent] = ["webhooks"]
    static let readScope = AdminScope.readConfig
    static let writeScope = AdminScope.writeConfig

    func list(req: Request) async throws -> [WebhookEndpointView] { try await req.webhookService.list() }

    func get(req: Request) async throws -> WebhookEndpointView {
        try await req.webhookService.get(try req.uuidParameter("id").idString)
    }

    func create(req: Request) async throws -> Response {
        let input = try WebhookService.Input.read(try JSONObjectReader.body(of: req), creating: true)
        let view = try await req.webhookService.create(input, by: try req.apiActor)
        return try Response.created(view, location: "/admin/api/v1/webhooks/\(view.id)")
    }

    func update(req: Request) async throws -> WebhookEndpointView {
        let input = try WebhookService.Input.read(try JSONObjectReader.body(of: req), creating: req.method == .PUT)
        return try await req.webhookService.update(try req.uuidParameter("id").idString, input, by: try req.apiActor)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        try await req.webhookService.delete(try req.uuidParameter("id").idString, by: try req.apiActor)
        return .noContent
    }

    func bootMore(read: any RoutesBuilder, write: any RoutesBuilder) {
        write.post(":id", "rotateSecret") { req async throws -> WebhookEndpointView in
            try await req.webhookService.rotateSecret(try req.uuidParameter("id").idString, by: try req.apiActor)
        }
        read.get(":id", "deliveries") { req async throws -> [WebhookDeliveryView] in
            try await req.webhookService.deliveries(
                try req.uuidParameter("id").idString, limit: try req.queryInt("limit", default: 50, range: 1...200))
        }
        write.post(":id", "deliveries", ":deliveryId", "retry") { req async throws -> Response in
            let view = try await req.webhookService.retry(
                try req.uuidParameter("id").idString, deliveryId: try req.uuidParameter("deliveryId").idString)
            let response = Response(status: .accepted)
            try response.content.encode(view, as: .json)
            return response
        }
    }
}
