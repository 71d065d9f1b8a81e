import Fluent
import Foundation
import SQLKit
import UsherCore
import Vapor

/// The filters of the Invitations list (API and console).
struct InvitationFilter: Sendable {
    var statuses: [InvitationStatus] = []
    var accepted: Bool?
    var email: String?
    /// Part of an email, for the console's search box.
    var search: String?
    var clientId: String?
    /// Only invitations whose invitee asked for a new one from the expired link (or none such).
    var renewalRequested: Bool?
    /// `organization` and `organizationScope` (issue 16): only invitations to that organization;
    /// an id that names none (or is no id) lists nothing.
    var organizations: [String] = []
}

/// Reading invitations: one, or a page of a store's (API and console).
extension InvitationService {
    func require(store: String, id: String) async throws -> InvitationModel {
        guard let uuid = UUID(uuidString: id), let invitation = try await InvitationModel.find(uuid, on: db), invitation.store == store
        else {
            throw UsherError.notFound("invitation", id)
        }
        return invitation
    }

    func get(store: String, id: String) async throws -> InvitationView {
        _ = try await IdentityStoreService(db: db).require(store)
        return try await view(try await require(store: store, id: id))
    }

    /// One page of a store's invitations. Written in SQL rather than Fluent for two reasons
    /// that matter with a million invitations: the total is counted only up to
    /// `Listing.countCap` (an exact count walks every matching index entry on every page), and
    /// one row past the page says whether there is a next page without counting at all.
    ///
    /// With `after` (a cursor from the previous page's `X-Next-Cursor`) the page starts just past
    /// that row instead of at an offset: keyset pagination, constant time at any depth. Cursors
    /// exist for one sort field; a list sorted by several pages by number.
    func list(
        store: String, filter: InvitationFilter, sort orders: [SortOrder], page: PageRequest, after: InvitationCursor? = nil,
        now: Date = Date()
    ) async throws -> Listing<InvitationView> {
        _ = try await IdentityStoreService(db: db).require(store)
        var conditions: [SQLQueryString] = ["store = \(bind: store)"]
        if !filter.statuses.isEmpty {
            let any = filter.statuses.map { status -> SQLQueryString in
                switch status {
                case .done: "status = \(InvitationStatus.done)"
                case .pending: "(status = \(InvitationStatus.pending) AND valid_until > \(bind: now))"
                case .expired: "(status = \(InvitationStatus.pending) AND valid_until <= \(bind: now))"
                }
            }
            conditions.append("(" + any.joined(separator: " OR ") + ")")
        }
        if let accepted = filter.accepted {
            conditions.append(accepted ? "status = \(InvitationStatus.done)" : "status <> \(InvitationStatus.done)")
        }
        if let email = filter.email { conditions.append("email_key = \(bind: EmailAddress.normalize(email))") }
        if let search = filter.search, !search.isEmpty {
            conditions.append("email_key LIKE \(bind: "%\(AccountService.escapeLike(search.lowercased()))%")")
        }
        if let clientId = filter.clientId { conditions.append("client_id = \(bind: clientId)") }
        for organization in filter.organizations {
            if let uuid = UUID(uuidString: organization) {
                conditions.append("organization_id = \(bind: uuid)")
            } else {
                conditions.append("1 = 0")
            }
        }
        if let renewal = filter.renewalRequested {
            conditions.append(renewal ? "renewal_requested_at IS NOT NULL" : "renewal_requested_at IS NULL")
        }
        let matching = conditions.joined(separator: " AND ")
        let orders = orders.isEmpty ? [Self.defaultSort] : orders
        let sort = orders[0]
        let column = Self.sortColumn(sort.field)
        let direction = sort.ascending ? "ASC" : "DESC"
        // Later sort fields break ties in order; the id last makes the order total.
        let orderBy = orders.map { "\(Self.sortColumn($0.field)) \($0.ascending ? "ASC" : "DESC")" }.joined(separator: ", ")
        var seek: SQLQueryString = ""
        var offset = page.offset
        if let after {
            // A row value comparison, in the ORDER BY's order, so the index seeks to it. The
            // sort value is read from the row itself while it exists: a date that went through
            // a Double and back may be off by a microsecond, and would repeat or skip a row.
            // Only for a row revoked in between does the value the cursor carries stand in.
            let carried: SQLQueryString =
                switch after.value {
                case .date(let date): "\(bind: date)"
                case .text(let text): "\(bind: text)"
                }
            seek =
                " AND (\(unsafeRaw: column), id) \(unsafeRaw: sort.ascending ? ">" : "<") (COALESCE((SELECT \(unsafeRaw: column) FROM invitations WHERE id = \(bind: after.id)), "
                + carried + "), \(bind: after.id))"
            offset = 0
        }
        let sql = db.sql
        // Whole rows in the same query, decoded without Fluent's per-row reflection.
        let rows = try await sql.raw(
            """
            SELECT * FROM invitations WHERE \(matching)\(seek)
            ORDER BY \(unsafeRaw: orderBy), id \(unsafeRaw: direction)
            LIMIT \(unsafeRaw: String(page.size + 1)) OFFSET \(unsafeRaw: String(offset))
            """
        ).all(decoding: InvitationRow.self)
        let hasNext = rows.count > page.size
        let invitations = rows.prefix(page.size).map(\.model)
        var nextCursor: InvitationCursor?
        if hasNext, orders.count == 1, Self.cursorFields.contains(sort.field), let last = invitations.last {
            let value: InvitationCursor.Value =
                switch column {
                case "sent_at": .date(last.sentAt)
                case "valid_until": .date(last.validUntil)
                case "email_key": .text(last.emailKey)
                case "status": .text(last.status)
                case "client_id": .text(last.clientId)
                case "language": .text(last.language)
                default: .date(last.createdAt)
                }
            nextCursor = InvitationCursor(sort: InvitationCursor.sortKey(sort), value: value, id: last.id!)
        }

        let total: Int?
        if page.page == 0, after == nil, !hasNext {
            total = invitations.count
        } else {
            let counted =
                try await sql.raw(
                    """
                    SELECT COUNT(*) AS n FROM (SELECT 1 FROM invitations WHERE \(matching) LIMIT \(unsafeRaw: String(Listing<InvitationView>.countCap + 1))) capped
                    """
                ).first()?.decode(column: "n", as: Int.self) ?? 0
            total = counted > Listing<InvitationView>.countCap ? nil : counted
        }
        var listing = Listing(items: try await views(invitations, now: now), total: total, hasNext: hasNext)
        listing.nextCursor = nextCursor?.encoded
        listing.pagedByCursor = after != nil
        return listing
    }

    /// The answer's scalar fields a list can be sorted by (Strivacity: "any property").
    static let sortFields = ["created", "sent", "validUntil", "email", "status", "clientId", "id", "language", "accountId", "organization"]
    static let defaultSort = SortOrder(field: "created", ascending: false)
    /// Sort fields a keyset cursor can follow: never null, and compared the same way by both databases.
    static let cursorFields = ["created", "sent", "validUntil", "email", "status", "clientId", "language"]

    /// The column behind a sort field; `sortFields` lists the ones a request may name.
    static func sortColumn(_ field: String) -> String {
        switch field {
        case "sent": "sent_at"
        case "validUntil": "valid_until"
        case "email": "email_key"
        case "status": "status"
        case "clientId": "client_id"
        case "id": "id"
        case "language": "language"
        case "accountId": "account_id"
        case "organization": "organization_id"
        default: "created_at"
        }
    }
}
