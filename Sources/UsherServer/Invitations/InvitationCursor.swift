import Foundation
import UsherCore

/// A position in an invitation list: the last row's sort value and id, under one sort order.
///
/// `page=N` needs `OFFSET`, which walks every row before the page: 160 ms for the last page of a
/// million invitations. `after=<cursor>` seeks straight to the position through the same index
/// as the first page (keyset pagination), so any page costs what the first one costs. The cursor
/// is opaque to clients; it names its sort order so that it cannot be replayed under another.
struct InvitationCursor: Sendable, Equatable {
    enum Value: Sendable, Equatable {
        case date(Date)
        case text(String)
    }

    /// `field,asc` or `field,desc`.
    var sort: String
    var value: Value
    var id: UUID

    static func sortKey(_ sort: SortOrder) -> String { sort.field + (sort.ascending ? ",asc" : ",desc") }

    /// base64url of `sort \n kind \n id \n value`; the value comes last because it is the only
    /// part that may hold a newline.
    var encoded: String {
        let (kind, text): (String, String) =
            switch value {
            case .date(let date): ("d", String(date.timeIntervalSince1970))
            case .text(let string): ("s", string)
            }
        return Data([sort, kind, id.uuidString, text].joined(separator: "\n").utf8).base64URLEncodedString()
    }

    init(sort: String, value: Value, id: UUID) {
        self.sort = sort
        self.value = value
        self.id = id
    }

    init?(encoded: String) {
        guard encoded.count <= 2048, let data = Data(base64URLEncoded: encoded), let decoded = String(data: data, encoding: .utf8) else {
            return nil
        }
        let parts = decoded.split(separator: "\n", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, let id = UUID(uuidString: parts[2]) else { return nil }
        switch parts[1] {
        case "d":
            guard let seconds = Double(parts[3]), seconds.isFinite else { return nil }
            value = .date(Date(timeIntervalSince1970: seconds))
        case "s":
            guard !parts[3].contains("\u{0}") else { return nil }
            value = .text(parts[3])
        default:
            return nil
        }
        sort = parts[0]
        self.id = id
    }

    /// Reads `after` for a list sorted by `sort`; a cursor from another order is refused, and so
    /// is one for a list sorted by several fields (those page by number).
    static func from(_ raw: String?, sort: [SortOrder]) throws -> InvitationCursor? {
        guard let raw else { return nil }
        guard sort.count == 1, let cursor = InvitationCursor(encoded: raw), cursor.sort == sortKey(sort[0]) else {
            throw UsherError.badRequest(
                .requestInvalidQuery, "after must be the X-Next-Cursor of a list with the same sort order; start again without it.",
                fieldErrors: [FieldError("after", "is not a cursor of this list")])
        }
        return cursor
    }
}
