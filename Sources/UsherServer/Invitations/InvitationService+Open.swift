import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import UsherCore

/// The invitee's first look at the sign-up form (SPEC: Lifecycle).
extension InvitationService {
    /// `openedAt`, once: the first time the invitation's sign-up form is shown. (A GET never
    /// accepts; mail scanners that open links count as opening — docs/lifecycle.md.)
    ///
    /// A planned write, on every sign-up's form: the conditional update, then the event from one
    /// joined read of the invitation as it is now (InvitationService.viewsRead) — committed on
    /// SQLite with whatever else waits for the writer, instead of a transaction of its own with
    /// a Fluent read of the invitation and three more reads for its view.
    func markOpened(_ invitation: InvitationModel, now: Date = Date()) async throws {
        guard invitation.openedAt == nil, let id = invitation.id else { return }
        // Of two first looks at once, only the one whose update took the row records the event.
        let opened = NIOLockedValueBox(false)
        var plan = PlannedWrite()
        plan.read(PlannedStatement("UPDATE invitations SET opened_at = ? WHERE id = ? AND opened_at IS NULL RETURNING id", [now, id])) {
            rows in
            opened.withLockedValue { $0 = !rows.isEmpty }
            return []
        }
        plan.append(
            EventLog.plan(.invitationOpened, from: Self.viewsRead(ids: [id]), postgres: !db.isSQLite, at: now) { rows in
                guard opened.withLockedValue({ $0 }) else { return [] }
                return try Self.views(rows: rows, knownDeliveries: [:], now: now).map { view in
                    var view = view
                    view.link = nil
                    return (store: invitation.store, subjectId: view.id, data: view)
                }
            })
        if db.isSQLite {
            try await db.write(plan, groupCommit: context.groupCommit)
        } else {
            let plan = plan
            // The update is a read that writes (RETURNING): a transaction of its own.
            try await db.write { tx in try await tx.sql.run(plan) }
        }
    }
}
