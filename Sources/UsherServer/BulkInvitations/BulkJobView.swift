import Foundation
import UsherCore
import Vapor

/// What went wrong with one row, as the problem document of a single create would say it.
struct BulkRowProblem: Codable, Sendable, Equatable {
    var status: Int
    var errorKey: String
    var title: String
    var detail: String
    var fieldErrors: [FieldError]?

    init(_ error: UsherError) {
        status = error.status
        errorKey = error.errorKey.rawValue
        title = error.title
        detail = error.detail
        fieldErrors = error.fieldErrors.isEmpty ? nil : error.fieldErrors
    }

    static let internalError = BulkRowProblem(
        UsherError(
            status: 500, errorKey: ErrorKey(rawValue: "server.error"), title: "Internal error", detail: "This row could not be created."))

    /// The reason in one line, as the results CSV and the console show it: the field messages
    /// when there are some, else the detail.
    var reason: String {
        let fields = (fieldErrors ?? []).map { "\($0.field) \($0.message)" }
        return fields.isEmpty ? detail : fields.joined(separator: "; ")
    }

    var json: String { String(decoding: (try? JSONEncoder().encode(self)) ?? Data(), as: UTF8.self) }
    static func from(json: String?) -> BulkRowProblem? { json.flatMap { try? JSONDecoder().decode(Self.self, from: Data($0.utf8)) } }
}

/// A dry run's verdict on one row (SPEC: Bulk).
struct BulkDryRunRow: Content {
    enum Outcome: String, Codable { case create, conflict, error }
    var row: Int
    var email: String
    var outcome: Outcome
    var conflictingId: String?
    var error: BulkRowProblem?
}

struct BulkDryRunView: Content {
    var dryRun = true
    var total: Int
    var valid: Int
    var invalid: Int
    var rows: [BulkDryRunRow]
}

/// A job's result for one row.
struct BulkJobRowView: Content {
    enum Outcome: String, Codable { case created, conflict, error }
    var row: Int
    var email: String
    var outcome: Outcome?
    var invitationId: String?
    var conflictingId: String?
    var error: BulkRowProblem?
}

/// A bulk job and its progress; `rows` once it is DONE.
struct BulkJobView: Content {
    enum Status: String, Codable { case RUNNING, DONE }
    var id: String
    var status: Status
    var total: Int
    var processed: Int
    var created: Int
    var conflicts: Int
    var errors: Int
    var createdAt: Date
    var finishedAt: Date?
    var rows: [BulkJobRowView]?
}
