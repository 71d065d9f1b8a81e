import UsherCore
import Vapor

/// A console form: what it posted, and how a service's refusal reads on it. The pages are thin
/// over the services and hold no rule, so a refusal's words come from the service's `UsherError`;
/// this is the one place that turns them into the lines a form shows.
enum ConsoleForm {
    /// The posted fields. A body that is not a form reads as no fields: the service then refuses
    /// what is missing, in the words the admin API uses.
    static func fields(of req: Request) -> [String: String] {
        (try? req.content.decode([String: String].self)) ?? [:]
    }

    /// Every field's refusal on one line ("name: is required; store: …"), or the detail when the
    /// refusal names no field: for a form that shows one message above it.
    static func refusal(_ error: UsherError) -> String {
        error.fieldErrors.isEmpty ? error.detail : error.fieldErrors.map(line).joined(separator: "; ")
    }

    /// The first field's refusal, or the detail: for a small form that shows one line beside its
    /// inputs.
    static func firstRefusal(_ error: UsherError) -> String {
        error.fieldErrors.first.map(line) ?? error.detail
    }

    /// The refusals of the field `prefix` and of the fields under it (`metadata.givenName`,
    /// `groups[0].id`), joined, for the form to show beside that input; nil when it has none.
    static func refusals(_ errors: [FieldError], under prefix: String) -> String? {
        let matching = errors.filter { $0.field == prefix || $0.field.hasPrefix(prefix + ".") || $0.field.hasPrefix(prefix + "[") }
        return matching.isEmpty ? nil : matching.map(\.message).joined(separator: "; ")
    }

    private static func line(_ error: FieldError) -> String { "\(error.field): \(error.message)" }
}
