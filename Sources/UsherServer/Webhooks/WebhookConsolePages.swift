import Foundation
import UsherCore
import Vapor

/// The console's Webhooks page (under settings): endpoints, creating one, turning it on and
/// off, its event types, rotating its secret, its recent deliveries and retrying one. Thin over
/// WebhookService, as the admin API is; every form carries the console's CSRF token.
struct WebhookConsolePages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let console = routes.grouped("admin", "webhooks").grouped(ConsoleGuard())
        console.get(use: list)
        console.post(use: create)
        console.get(":id", use: detail)
        console.post(":id", use: update)
        console.post(":id", "rotateSecret", use: rotate)
        console.post(":id", "delete", use: delete)
        console.post(":id", "deliveries", ":deliveryId", "retry", use: retry)
    }

    static let notices = [
        "saved": "Webhook saved.", "enabled": "Webhook enabled.", "disabled": "Webhook disabled.", "deleted": "Webhook deleted.",
        "retried": "The delivery will be sent again in a moment.",
    ]

    private func render(
        _ req: Request, _ template: String, _ title: String, _ content: some Any, status: HTTPResponseStatus = .ok
    ) -> Response {
        var page = ConsolePage(
            req, title: title, section: "webhooks",
            notice: req.query[String.self, at: "notice"].flatMap { Self.notices[$0] }, content: content)
        page.lang = "en"
        return Pages.render(template, page, request: req, status: status)
    }

    func list(_ req: Request) async throws -> Response {
        try await renderList(req, form: [:], error: nil, secret: nil)
    }

    private func renderList(
        _ req: Request, form: [String: String], error: String?, secret: (String, String)?, status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let endpoints = try await req.webhookService.list()
        let chosen = Set(form.keys.filter { $0.hasPrefix("event:") }.map { String($0.dropFirst(6)) })
        let content = WebhooksConsolePage(
            endpoints: endpoints.map(WebhooksConsolePage.Endpoint.init),
            choices: WebhooksConsolePage.choices(selected: chosen.isEmpty ? ["invitation.*"] : chosen),
            url: form["url"] ?? "", description: form["description"] ?? "", formError: error,
            newSecret: secret.map { .init(id: $0.0, secret: $0.1) })
        return render(req, "console/webhooks", "Webhooks", content, status: status)
    }

    /// The event patterns ticked on a form (`event:<pattern>` checkboxes).
    private static func patterns(_ form: [String: String]) -> [String] {
        form.keys.filter { $0.hasPrefix("event:") }.map { String($0.dropFirst(6)) }.sorted()
    }

    func create(_ req: Request) async throws -> Response {
        let form = ConsoleForm.fields(of: req)
        var values: [String: JSONValue] = [
            "url": .string(form["url"] ?? ""), "events": .array(Self.patterns(form).map(JSONValue.string)),
            "enabled": .bool(form["enabled"] != nil),
        ]
        if let d = form["description"], !d.isEmpty { values["description"] = .string(d) }
        do {
            let input = try WebhookService.Input.read(JSONObjectReader(values), creating: true)
            let view = try await req.webhookService.create(input, by: try req.consoleActor)
            return try await renderList(req, form: [:], error: nil, secret: (view.id, view.secret ?? ""))
        } catch let error as UsherError where error.status < 500 {
            return try await renderList(
                req, form: form, error: ConsoleForm.refusal(error), secret: nil, status: HTTPResponseStatus(statusCode: error.status))
        }
    }

    func detail(_ req: Request) async throws -> Response {
        try await renderDetail(req, secret: nil, error: nil)
    }

    private func renderDetail(_ req: Request, secret: String?, error: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let id = try req.uuidParameter("id").idString
        let endpoint = try await req.webhookService.get(id)
        let deliveries = try await req.webhookService.deliveries(id, limit: 50)
        let content = WebhookConsolePage(
            endpoint: .init(endpoint), choices: WebhooksConsolePage.choices(selected: Set(endpoint.events)),
            deliveries: deliveries.map { WebhookConsolePage.Delivery($0, endpointId: id) }, newSecret: secret, formError: error)
        return render(req, "console/webhook", "Webhook", content, status: status)
    }

    /// Saves the event types and description, or (`enabled` alone) turns the endpoint on or off.
    func update(_ req: Request) async throws -> Response {
        let id = try req.uuidParameter("id").idString
        let form = ConsoleForm.fields(of: req)
        var values: [String: JSONValue] = [:]
        var notice = "saved"
        if let toggle = form["setEnabled"] {
            values["enabled"] = .bool(toggle == "true")
            notice = toggle == "true" ? "enabled" : "disabled"
        } else {
            values["events"] = .array(Self.patterns(form).map(JSONValue.string))
            values["description"] = .string(form["description"] ?? "")
            if let url = form["url"], !url.isEmpty { values["url"] = .string(url) }
        }
        do {
            let input = try WebhookService.Input.read(JSONObjectReader(values), creating: false)
            _ = try await req.webhookService.update(id, input, by: try req.consoleActor)
        } catch let error as UsherError where error.status < 500 {
            return try await renderDetail(
                req, secret: nil, error: ConsoleForm.refusal(error), status: HTTPResponseStatus(statusCode: error.status))
        }
        let back = form["back"] == "list" ? "/admin/webhooks" : "/admin/webhooks/\(id)"
        return Response.seeOther("\(back)?notice=\(notice)")
    }

    func rotate(_ req: Request) async throws -> Response {
        let id = try req.uuidParameter("id").idString
        guard ConsoleConfirmation.isConfirmed(req) else {
            let endpoint = try await req.webhookService.get(id)
            return ConsoleConfirmation.ask(
                req,
                .init(
                    question: "Rotate the signing secret of the webhook to \(endpoint.url)?",
                    consequence: "The old secret stops signing at once: the receiver rejects deliveries until it has the new one.",
                    button: "Rotate secret", cancel: "/admin/webhooks/\(id)"),
                section: "webhooks")
        }
        let view = try await req.webhookService.rotateSecret(id, by: try req.consoleActor)
        return try await renderDetail(req, secret: view.secret, error: nil)
    }

    func delete(_ req: Request) async throws -> Response {
        let id = try req.uuidParameter("id").idString
        guard ConsoleConfirmation.isConfirmed(req) else {
            let endpoint = try await req.webhookService.get(id)
            return ConsoleConfirmation.ask(
                req,
                .init(
                    question: "Delete the webhook to \(endpoint.url)?",
                    consequence: "Events are no longer sent to it and its delivery history goes. This cannot be undone.",
                    button: "Delete webhook", cancel: "/admin/webhooks/\(id)"),
                section: "webhooks")
        }
        try await req.webhookService.delete(id, by: try req.consoleActor)
        return Response.seeOther("/admin/webhooks?notice=deleted")
    }

    func retry(_ req: Request) async throws -> Response {
        let id = try req.uuidParameter("id").idString
        _ = try await req.webhookService.retry(id, deliveryId: try req.uuidParameter("deliveryId").idString)
        return Response.seeOther("/admin/webhooks/\(id)?notice=retried")
    }
}

/// `console/webhooks`: every endpoint, and the form for a new one.
struct WebhooksConsolePage {
    struct Endpoint {
        var id: String
        var url: String
        var description: String
        var events: String
        var enabled: Bool
        var state: String

        init(_ v: WebhookEndpointView) {
            id = v.id
            url = v.url
            description = v.description ?? ""
            events = v.events.joined(separator: ", ")
            enabled = v.enabled
            state =
                v.enabled
                ? (v.failingSince.map { "failing since \(ConsoleRoutes.date($0))" } ?? "enabled")
                : (v.disabledReason.map { "disabled: \($0)" } ?? "disabled")
        }
    }

    /// An event type or pattern to tick.
    struct Choice {
        var pattern: String
        var label: String
        var checked: Bool
        var field: String
    }

    struct NewSecret {
        var id: String
        var secret: String
    }

    var endpoints: [Endpoint]
    var choices: [Choice]
    var url: String
    var description: String
    var formError: String?
    var newSecret: NewSecret?

    static func choices(selected: Set<String>) -> [Choice] {
        let patterns = ["*", "invitation.*"] + EventType.allCases.map(\.rawValue)
        return patterns.enumerated().map { (i, p) in
            Choice(
                pattern: p, label: p == "*" ? "every event (*)" : p == "invitation.*" ? "every invitation event (invitation.*)" : p,
                checked: selected.contains(p), field: "event\(i)")
        }
    }
}

/// `console/webhook`: one endpoint, its event types, its secret and its recent deliveries.
struct WebhookConsolePage {
    struct Delivery {
        struct Attempt {
            var at: String
            var statusCode: String
            var durationMs: Int
            var error: String
        }
        var id: String
        var endpointId: String
        var eventId: String
        var eventType: String
        var status: String
        var attempts: [Attempt]

        init(_ d: WebhookDeliveryView, endpointId: String) {
            self.endpointId = endpointId
            id = d.id
            eventId = d.eventId
            eventType = d.eventType
            status = d.status
            attempts = d.attempts.map {
                Attempt(
                    at: ConsoleRoutes.date($0.at), statusCode: $0.statusCode.map(String.init) ?? "—", durationMs: $0.durationMs,
                    error: $0.error ?? "")
            }
        }
    }

    var endpoint: WebhooksConsolePage.Endpoint
    var choices: [WebhooksConsolePage.Choice]
    var deliveries: [Delivery]
    var newSecret: String?
    var formError: String?
}
