import Foundation
import UsherCore

/// The account page's own refusals (issue 23: its forms answer in the customer's language). As
/// with PageRefusal, one owner words both: the thrown error carries the English words (the
/// problem+json shape, the logs), the page shows PageStrings' in the account's language.
enum AccountPageRefusal: CaseIterable {
    case wrongPassword, emailUnchanged, confirmDelete, lastSignInMethod, deletionDisabled

    /// The error thrown for this refusal, in English.
    var error: UsherError {
        let detail = text(.english)
        return switch self {
        case .wrongPassword:
            UsherError(
                status: 400, errorKey: .accountPageWrongPassword, title: "Wrong password", detail: detail,
                fieldErrors: [FieldError("currentPassword", "is not right")])
        case .emailUnchanged:
            UsherError(
                status: 400, errorKey: .requestInvalid, title: "Invalid request", detail: detail,
                fieldErrors: [FieldError("email", "is already your email address")])
        case .confirmDelete:
            UsherError(
                status: 400, errorKey: .requestInvalid, title: "Invalid request", detail: detail,
                fieldErrors: [FieldError("confirmation", "must be \(AccountSelfService.deleteConfirmation) to delete your account")])
        case .lastSignInMethod:
            UsherError(status: 400, errorKey: .accountLastSignInMethod, title: "This is your only way to sign in", detail: detail)
        case .deletionDisabled:
            UsherError(status: 403, errorKey: .accountDeletionDisabled, title: "Your account cannot be deleted here", detail: detail)
        }
    }

    /// The refusal `error` stands for, if it is one of these (told apart by key and English detail).
    init?(_ error: UsherError) {
        guard let match = Self.allCases.first(where: { $0.error.errorKey == error.errorKey && $0.error.detail == error.detail })
        else { return nil }
        self = match
    }

    /// The sentence in `strings`' language.
    func text(_ strings: PageStrings) -> String {
        let r = strings.accountRefusals
        return switch self {
        case .wrongPassword: r.wrongPassword
        case .emailUnchanged: r.emailUnchanged
        case .confirmDelete: PageStrings.fill(r.confirmDelete, ["word": AccountSelfService.deleteConfirmation])
        case .lastSignInMethod: r.lastSignInMethod
        case .deletionDisabled: r.deletionDisabled
        }
    }

    /// What the page says for any refusal of its forms, in `strings`' language: one of the above,
    /// a rate limit (how long to wait), or each field to correct with its label (the services
    /// word field errors in the page's language, AccountSelfService.strings).
    static func formError(_ error: UsherError, _ strings: PageStrings) -> String {
        if let refusal = AccountPageRefusal(error) { return refusal.text(strings) }
        if let refusal = PageRefusal(error) { return refusal.text(strings, retryAfter: error.retryAfter).detail }
        guard !error.fieldErrors.isEmpty else { return error.detail }
        return error.fieldErrors.map { "\(AccountPageView.label($0.field, strings)): \($0.message)" }.joined(separator: " ")
    }
}
