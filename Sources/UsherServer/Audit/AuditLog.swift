import Fluent
import Foundation
import UsherCore
import Vapor

struct AuditEventView: Content {
    var id: String
    var at: Date
    var actor: String
    var action: String
    var store: String?
    var targetType: String
    var targetId: String
    var details: [String: String]
}

/// Reading the audit log, newest first; `Audit.record` writes it.
struct AuditLog {
    let db: any Database

    func list(store: String?, action: String?, targetId: String?, page: PageRequest) async throws -> Listing<AuditEventView> {
        let query = AuditEventModel.query(on: db)
        if let store { query.filter(\.$store == store) }
        if let action { query.filter(\.$action == action) }
        if let targetId { query.filter(\.$targetId == targetId.lowercased()) }
        let total = try await query.count()
        let events = try await query.sort(\.$at, .descending).sort(\.$id, .descending).range(page.offset..<(page.offset + page.size)).all()
        return Listing(
            items: events.map {
                AuditEventView(
                    id: $0.id!.idString, at: $0.at, actor: $0.actor, action: $0.action, store: $0.store, targetType: $0.targetType,
                    targetId: $0.targetId, details: JSONText.decode([String: String].self, $0.details) ?? [:])
            }, total: total)
    }
}
