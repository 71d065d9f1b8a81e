import Fluent
import Foundation
import SQLKit
import UsherCore
import Vapor

/// Who is acting: an admin API client, an administrator in the console, a customer, or Usher.
/// Audit entries and "invited by" in emails name the actor.
struct Actor: Sendable {
    enum Kind: String, Sendable {
        case apiClient, administrator, customer, system
    }

    var kind: Kind
    var id: String
    /// What a person reads: an administrator's email, an API client's name.
    var displayName: String

    var auditName: String { "\(kind.rawValue):\(id)" }

    static let system = Actor(kind: .system, id: "usher", displayName: "Usher")
}

enum Audit {
    /// Appends one entry to the audit log, inside the caller's transaction so that the log and
    /// the change it describes land together. `details` must never hold secrets.
    static func record(
        on db: any Database, actor: Actor, action: AuditAction, store: String?, targetType: String, targetId: String,
        details: [String: String] = [:], at: Date = Date()
    ) async throws {
        let entry = statement(
            actor: actor, action: action, store: store, targetType: targetType, targetId: targetId, details: details, at: at)
        try await db.sql.raw(entry.query).run()
    }

    /// The entry as a statement of a planned write (InvitationService.create).
    static func statement(
        actor: Actor, action: AuditAction, store: String?, targetType: String, targetId: String, details: [String: String] = [:],
        at: Date = Date()
    ) -> PlannedStatement {
        Telemetry.audited(action, actorKind: actor.kind.rawValue)  // metrics (docs/operations.md)
        // Every write of Usher records one: written directly, not through Fluent's reflection.
        return .insert(
            into: AuditEventModel.schema,
            [
                ("id", UUID()), ("at", at), ("actor", actor.auditName), ("action", action.rawValue), ("store", store),
                ("target_type", targetType), ("target_id", targetId), ("details", JSONText.encode(details)),
            ])
    }
}
