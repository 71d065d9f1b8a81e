import Foundation

/// The one error type of Usher. Every refusal, whether it reaches an API client as
/// `application/problem+json` or a person as a page, is one of these: it says what happened
/// (`title`, `detail`), carries a stable `errorKey` that programs can switch on, and the HTTP
/// status it maps to. The mapping to HTTP happens in one place in the server.
public struct UsherError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: Int
    public var errorKey: ErrorKey
    public var title: String
    public var detail: String
    public var fieldErrors: [FieldError]
    /// The id of the existing resource a conflict is about (SPEC rule 7: the pending invitation).
    public var conflictingId: String?
    /// Seconds after which a refused request may be retried (rate limits, busy hashing queue).
    public var retryAfter: Int?

    public init(
        status: Int, errorKey: ErrorKey, title: String, detail: String,
        fieldErrors: [FieldError] = [], conflictingId: String? = nil, retryAfter: Int? = nil
    ) {
        self.status = status
        self.errorKey = errorKey
        self.title = title
        self.detail = detail
        self.fieldErrors = fieldErrors
        self.conflictingId = conflictingId
        self.retryAfter = retryAfter
    }

    public var description: String { "\(status) \(errorKey): \(detail)" }

    public static func badRequest(_ errorKey: ErrorKey, _ detail: String, fieldErrors: [FieldError] = []) -> UsherError {
        UsherError(status: 400, errorKey: errorKey, title: "Bad request", detail: detail, fieldErrors: fieldErrors)
    }

    public static func validation(_ fieldErrors: [FieldError]) -> UsherError {
        let fields = fieldErrors.map(\.field).joined(separator: ", ")
        return UsherError(
            status: 400, errorKey: .requestInvalid, title: "Invalid request",
            detail: "Some fields are not valid: \(fields).", fieldErrors: fieldErrors)
    }

    public static func notFound(_ what: String, _ id: String) -> UsherError {
        UsherError(
            status: 404, errorKey: ErrorKey(rawValue: "\(what).notFound"), title: "Not found",
            detail: "No \(what) with id '\(id)' exists.")
    }

    public static func conflict(_ errorKey: ErrorKey, _ detail: String, conflictingId: String? = nil) -> UsherError {
        UsherError(status: 409, errorKey: errorKey, title: "Conflict", detail: detail, conflictingId: conflictingId)
    }

    public static let unauthorized = UsherError(
        status: 401, errorKey: .authUnauthorized, title: "Unauthorized",
        detail: "A valid bearer token is required: get one from POST /oauth2/token with the client_credentials grant.")

    public static func forbidden(scope: String) -> UsherError {
        UsherError(
            status: 403, errorKey: .authInsufficientScope, title: "Forbidden",
            detail: "This call needs the scope '\(scope)', which the token does not carry.")
    }

    public static func tooManyRequests(retryAfter: Int, detail: String = "Too many requests; try again later.") -> UsherError {
        UsherError(
            status: 429, errorKey: .rateLimitExceeded, title: "Too many requests",
            detail: detail, retryAfter: retryAfter)
    }
}

/// One invalid field of a request: which (a JSON path such as `groups[1].id`) and why.
public struct FieldError: Sendable, Equatable, Codable {
    public var field: String
    public var message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }
}

/// Collects field errors while a request is checked, so the answer lists every problem at once.
public struct Validator: Sendable {
    public private(set) var errors: [FieldError] = []

    public init() {}

    public mutating func add(_ field: String, _ message: String) {
        errors.append(FieldError(field, message))
    }

    public mutating func check(_ condition: Bool, _ field: String, _ message: String) {
        if !condition { add(field, message) }
    }

    /// Checks an optional free-text value: present values must be within `max` characters and
    /// free of control characters (which have no place in names and break e-mail headers).
    public mutating func text(_ value: String?, _ field: String, max: Int, required: Bool = false) {
        guard let value else {
            if required { add(field, "is required") }
            return
        }
        if required && value.trimmingCharacters(in: .whitespaces).isEmpty {
            add(field, "must not be empty")
        } else if let problem = PlainText.problem(value, max: max) {
            add(field, problem)
        }
    }

    public func finish() throws {
        if !errors.isEmpty { throw UsherError.validation(errors) }
    }
}
