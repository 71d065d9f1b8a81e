import Fluent
import Foundation
import UsherCore
import Vapor

/// The console's audit log page, newest first.
extension ConsoleRoutes {
    func audit(_ req: Request) async throws -> Response {
        let page = try PageRequest.from(req)
        let listing = try await AuditLog(db: req.db).list(store: nil, action: req.query[String.self, at: "action"], targetId: nil, page: page)
        let c: [String: Any] = [
            "events": listing.items.map { e in
                ["at": Self.date(e.at), "actor": e.actor, "action": e.action, "store": e.store ?? "", "target": "\(e.targetType) \(e.targetId)",
                 "details": e.details.keys.sorted().map { "\($0)=\(e.details[$0]!)" }.joined(separator: ", ")] as [String: Any]
            },
            "pager": Self.pager(req, page: page, listing: listing),
        ]
        return self.page(req, "console/audit", "Audit log", c, section: "audit")
    }
}
