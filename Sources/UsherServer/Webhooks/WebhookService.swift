import Fluent
import Foundation
import SQLKit
import UsherCore
import Vapor

/// Webhook endpoints: create, list, read, change, delete, rotate the secret, see and retry
/// deliveries. The admin API and the console's Webhooks page both call these.
struct WebhookService {
    let db: any Database
    let secrets: ServerSecrets
    let runtime: WebhookRuntime

    var policy: WebhookURLPolicy { runtime.policy }
    private var sealer: WebhookSecretSealer { WebhookSecretSealer(secrets: secrets) }

    /// What a create or update asks for, read and checked.
    struct Input: Sendable {
        var url: String?
        var events: [String]?
        var description: String??
        var enabled: Bool?

        static func read(_ r: JSONObjectReader, creating: Bool) throws -> Input {
            var input = Input()
            input.url = r.string("url", required: creating, max: 2000)
            input.events = r.stringArray("events", required: creating, maxCount: 50, maxLength: 100)
            if r.has("description") { input.description = .some(r.string("description", max: 500, allowEmpty: true)) }
            input.enabled = r.bool("enabled")
            if let events = input.events {
                if events.isEmpty { r.sink.add(r.field("events"), "name at least one event type, such as invitation.* or *") }
                for (i, pattern) in events.enumerated() where !EventType.isValidPattern(pattern) {
                    r.sink.add(
                        r.field("events[\(i)]"),
                        "'\(pattern)' names no event type; use a type such as invitation.accepted, a prefix such as invitation.*, or *")
                }
            }
            try r.validate()
            return input
        }
    }

    func list() async throws -> [WebhookEndpointView] {
        try await db.sql.raw("SELECT * FROM webhook_endpoints ORDER BY created_at, id").all(decoding: WebhookEndpointRow.self).map(\.view)
    }

    func require(_ id: String) async throws -> WebhookEndpointRow {
        guard let uuid = UUID(uuidString: id), let row = try await WebhookEndpointRow.find(uuid, on: db.sql) else {
            throw UsherError.notFound("webhook", id)
        }
        return row
    }

    func get(_ id: String) async throws -> WebhookEndpointView { try await require(id).view }

    func create(_ input: Input, by actor: Actor) async throws -> WebhookEndpointView {
        guard let url = input.url, let events = input.events else { throw UsherError.validation([FieldError("url", "is required")]) }
        try await policy.require(url)
        let id = UUID()
        let secret = WebhookSecret.generate()
        let sealed = try sealer.seal(secret, endpointId: id)
        let now = Date()
        let description = input.description ?? nil
        let enabled = input.enabled ?? true
        try await db.write { tx in
            try await tx.sql.raw(
                """
                INSERT INTO webhook_endpoints (id, url, description, events, enabled, secret_sealed, created_at, updated_at)
                VALUES (\(bind: id), \(bind: url), \(bind: description), \(bind: JSONText.encode(events)), \(bind: enabled), \(bind: sealed),
                  \(bind: now), \(bind: now))
                """
            ).run()
            try await Audit.record(
                on: tx, actor: actor, action: .webhookCreated, store: nil, targetType: "webhook", targetId: id.idString,
                details: ["url": url, "events": events.joined(separator: ",")], at: now)
        }
        var view = try await require(id.idString).view
        view.secret = secret
        return view
    }

    func update(_ id: String, _ input: Input, by actor: Actor) async throws -> WebhookEndpointView {
        let current = try await require(id)
        if let url = input.url, url != current.url { try await policy.require(url) }
        let url = input.url ?? current.url
        let events = input.events ?? current.patterns
        let description = input.description ?? current.description
        let enabled = input.enabled ?? current.enabled
        // Turning it on again starts afresh: no failure streak, no reason it was off.
        let reenabled = enabled && !current.enabled
        let now = Date()
        try await db.write { tx in
            try await tx.sql.raw(
                """
                UPDATE webhook_endpoints SET url = \(bind: url), events = \(bind: JSONText.encode(events)), description = \(bind: description),
                  enabled = \(bind: enabled), updated_at = \(bind: now)
                  \(unsafeRaw: reenabled ? ", failing_since = NULL, disabled_reason = NULL" : "")
                WHERE id = \(bind: current.id)
                """
            ).run()
            try await Audit.record(
                on: tx, actor: actor, action: .webhookUpdated, store: nil, targetType: "webhook", targetId: current.id.idString,
                details: ["url": url, "events": events.joined(separator: ","), "enabled": String(enabled)], at: now)
        }
        return try await get(id)
    }

    func delete(_ id: String, by actor: Actor) async throws {
        let current = try await require(id)
        try await db.write { tx in
            try await tx.sql.raw("DELETE FROM webhook_attempts WHERE endpoint_id = \(bind: current.id)").run()
            try await tx.sql.raw("DELETE FROM webhook_deliveries WHERE endpoint_id = \(bind: current.id)").run()
            try await tx.sql.raw("DELETE FROM webhook_endpoints WHERE id = \(bind: current.id)").run()
            try await Audit.record(
                on: tx, actor: actor, action: .webhookDeleted, store: nil, targetType: "webhook", targetId: current.id.idString,
                details: ["url": current.url])
        }
    }

    /// A new secret, shown once; the old one stops signing at once.
    func rotateSecret(_ id: String, by actor: Actor) async throws -> WebhookEndpointView {
        let current = try await require(id)
        let secret = WebhookSecret.generate()
        let sealed = try sealer.seal(secret, endpointId: current.id)
        let now = Date()
        try await db.write { tx in
            try await tx.sql.raw(
                "UPDATE webhook_endpoints SET secret_sealed = \(bind: sealed), updated_at = \(bind: now) WHERE id = \(bind: current.id)"
            ).run()
            try await Audit.record(
                on: tx, actor: actor, action: .webhookSecretRotated, store: nil, targetType: "webhook", targetId: current.id.idString,
                at: now)
        }
        var view = try await get(id)
        view.secret = secret
        return view
    }

    func deliveries(_ id: String, limit: Int = 50) async throws -> [WebhookDeliveryView] {
        let endpoint = try await require(id)
        return try await WebhookDeliveries.recent(endpointId: endpoint.id, limit: limit, on: db)
    }

    func retry(_ id: String, deliveryId: String) async throws -> WebhookDeliveryView {
        let endpoint = try await require(id)
        guard let delivery = UUID(uuidString: deliveryId) else { throw UsherError.notFound("delivery", deliveryId) }
        let view = try await WebhookDeliveries.retry(endpointId: endpoint.id, deliveryId: delivery, on: db, now: Date())
        runtime.signal.ring()
        return view
    }
}
