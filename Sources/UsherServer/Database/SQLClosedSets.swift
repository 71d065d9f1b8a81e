import SQLKit
import UsherCore

extension SQLQueryString.StringInterpolation {
    /// A status as an SQL literal: a misspelt status is a compile error, and the database still
    /// sees a literal (the partial index `invitations_one_pending` matches literals only).
    mutating func appendInterpolation(_ status: InvitationStatus) {
        appendInterpolation(literal: status.rawValue)
    }

    mutating func appendInterpolation(_ status: OutboxStatus) {
        appendInterpolation(literal: status.rawValue)
    }
}
