import Fluent
import Foundation
import UsherCore
import Vapor

/// The console's audit log page, newest first.
extension ConsoleRoutes {
    func audit(_ req: Request) async throws -> Response {
        let page = try PageRequest.from(req)
        let listing = try await AuditLog(db: req.db).list(
            store: nil, action: req.query[String.self, at: "action"], targetId: nil, page: page)
        let names = try await ActorNames.resolve(Set(listing.items.map(\.actor)), on: req.db)
        let c = AuditConsolePage(
            events: listing.items.map { e in
                .init(
                    at: Self.date(e.at), actor: names[e.actor] ?? e.actor, action: e.action, store: e.store ?? "",
                    target: "\(e.targetType) \(e.targetId)",
                    details: e.details.keys.sorted().map { "\($0)=\(e.details[$0]!)" }.joined(separator: ", "))
            },
            pager: Self.pager(req, page: page, listing: listing))
        return self.page(req, "console/audit", "Audit log", c, section: "audit")
    }
}

/// `console/audit`: one page of the audit log.
struct AuditConsolePage {
    struct Event {
        var at: String
        var actor: String
        var action: String
        var store: String
        var target: String
        var details: String
    }

    var events: [Event]
    var pager: ConsolePager
}
