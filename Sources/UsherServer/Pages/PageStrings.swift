import Foundation
import UsherCore

/// Every word the customer pages and their emails show, in one place per language (issue 22
/// item 5): the keys are this struct's properties, so a language that leaves one out does not
/// compile. Pages read them as `{{t.signUp.title}}` (a context's `t`); a value with a `{name}`
/// placeholder is filled in Swift (`PageStrings.fill`) before it reaches a template. The email
/// texts hold Mustache variables instead (`{{applicationName}}`), because they are baked into
/// the email templates when the templates load (`CustomerEmailTemplates`).
struct PageStrings: Sendable {
    struct Common: Sendable {
        var email: String
        var username: String
        var emailOrUsername: String
        var password: String
        var forgotPassword: String
        var passwordHint: String
        var fixFields: String
        var requiredMark: String  // read by screen readers after a required field's label
        var continueTo: String  // {app}
        var signInTo: String  // {app}
        var continueWith: String  // {provider}
        var theApplication: String
    }

    struct ProfileLabels: Sendable {
        var givenName: String
        var familyName: String
        var displayName: String
        var phoneNumber: String
        var locale: String
    }

    struct FieldErrors: Sendable {
        var required: String
        var invalidEmail: String
        var passwordTooShort: String  // {n}
        var passwordTooLong: String  // {n}
        var passwordMismatch: String
        var passwordContainsEmail: String
        var passwordCommon: String
        var externalOnly: String
        var emailUnusable: String
    }

    struct SignUp: Sendable {
        var title: String
        var lead: String  // {app}
        var confirmPassword: String
        var createAccount: String
        var alreadyHaveAccount: String
        var acceptedTitle: String
        var acceptedLead: String  // {app}
    }

    struct SignIn: Sendable {
        var title: String
        var lead: String  // {app}
        var signIn: String
        var wrongCredentials: String
    }

    struct Refusals: Sendable {
        var unknownTitle: String
        var unknownDetail: String
        var revokedTitle: String
        var revokedDetail: String
        var replacedTitle: String
        var replacedDetail: String
        var usedTitle: String
        var usedDetail: String
        var expiredTitle: String
        var expiredDetail: String
        var otherApplicationTitle: String
        var otherApplicationDetail: String
        var haveAccount: String
    }

    struct Expired: Sendable {
        var title: String
        var expiredOn: String  // {date}
        var ask: String
        var button: String
        var alreadyAsked: String
        var sentTitle: String
        var sent: String
    }

    struct PasswordReset: Sendable {
        var forgotTitle: String
        var forgotLead: String  // {identifier} {app}
        var enterEmail: String
        var sendLink: String
        var backToSignIn: String
        var sentTitle: String
        var sentLead: String  // {app} {minutes}
        var sentHint: String
        var resetTitle: String
        var resetLead: String  // {account}
        var newPassword: String
        var confirmNewPassword: String
        var setPassword: String
        var doneTitle: String
        var doneLead: String
        var manageAccount: String
    }

    struct Verification: Sendable {
        var confirmTitle: String
        var confirmLead: String  // {email}
        var confirmButton: String
        var verifiedTitle: String
        var verifiedLead: String  // {email}
        var verifiedContinueLead: String  // {email} {app}
        var firstTitle: String
        var firstLead: String  // {app}
        var resendButton: String
        var resent: String
    }

    struct Account: Sendable {
        var title: String
        var notVerified: String
        var profile: String
        var saveProfile: String
        var emailHeading: String
        var pendingEmail: String  // {email}
        var resendVerification: String
        var newEmail: String
        var currentPassword: String
        var changeEmail: String
        var passwordHeading: String
        var noPasswordYet: String
        var newPassword: String
        var confirmNewPassword: String
        var changePassword: String
        var identitiesHeading: String
        var linkedOn: String  // {date}
        var unlink: String  // {provider}
        var noIdentities: String
        var sessionsHeading: String
        var signedInOn: String  // {date}
        var thisBrowser: String
        var signOut: String
        var signOutEverywhereElse: String
        var deleteHeading: String
        var deleteWarning: String
        var typeToConfirm: String  // {word}
        var deleteButton: String
        var deletedTitle: String
        var deletedLead: String
        var profileSaved: String
        var passwordChanged: String
        var emailChangeSent: String
        var verificationSent: String
        var sessionEnded: String
        var otherSessionsEnded: String
        var identityUnlinked: String
    }

    /// The dead ends of the emailed links (password reset, email verification): the title says
    /// which dead end, the detail what to do; each says nothing was changed (SPEC rule 12).
    struct LinkRefusals: Sendable {
        var unknownTitle: String
        var usedTitle: String
        var expiredTitle: String
        var resetUnknown: String
        var resetUsed: String
        var resetExpired: String
        var verificationUnknown: String
        var verificationUsed: String
        var verificationExpired: String
        var supersededTitle: String
        var superseded: String
        var addressTakenTitle: String
        var addressTaken: String
    }

    /// A form or page that waited too long, and a rate limit.
    struct Interruptions: Sendable {
        var formExpiredTitle: String
        var formExpired: String
        var pageExpiredTitle: String
        var signInPageExpired: String
        var confirmPageExpired: String
        var tooManyTitle: String
        var waitSeconds: String  // {n}
        var waitMinutes: String  // {n}
    }

    /// The self-service emails. Mustache variables: `{{applicationName}}`, `{{minutes}}`,
    /// `{{providers}}`, `{{email}}`, `{{newEmail}}`.
    struct Emails: Sendable {
        var greeting: String
        var linkIntro: String
        var verificationSubject: String
        var verificationLead: String
        var verificationAction: String
        var verificationExpiry: String
        var verificationIgnore: String
        var accountExistsSubject: String
        var accountExistsLead: String
        var accountExistsFooter: String
        var emailChangeSubject: String
        var emailChangeLead: String
        var emailChangeFooter: String
        /// The same emails for an account page without an application to name (its session was
        /// started for none): they speak of "your account" instead.
        var verificationSubjectNeutral: String
        var verificationLeadNeutral: String
        var accountExistsSubjectNeutral: String
        var accountExistsLeadNeutral: String
        var emailChangeSubjectNeutral: String
        var emailChangeLeadNeutral: String
        var resetSubject: String
        var resetAsked: String
        var resetAction: String
        var resetExpiry: String
        var resetIgnore: String
        var resetExternalSubject: String
        var resetExternalLead: String
        var resetExternalIgnore: String
    }

    /// What the account page says when one of its forms is refused (AccountPageRefusal).
    struct AccountRefusals: Sendable {
        var wrongPassword: String
        var emailUnchanged: String
        var confirmDelete: String  // {word}
        var lastSignInMethod: String
        var deletionDisabled: String
    }

    var common: Common
    var profile: ProfileLabels
    var fieldErrors: FieldErrors
    var signUp: SignUp
    var signIn: SignIn
    var refusals: Refusals
    var expired: Expired
    var passwordReset: PasswordReset
    var verification: Verification
    var account: Account
    var linkRefusals: LinkRefusals
    var interruptions: Interruptions
    var emails: Emails
    var accountRefusals: AccountRefusals

    /// `text` with each `{name}` replaced by its value.
    static func fill(_ text: String, _ values: [String: String]) -> String {
        values.reduce(text) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
    }

    func label(_ attribute: ProfileAttribute) -> String {
        switch attribute {
        case .givenName: profile.givenName
        case .familyName: profile.familyName
        case .displayName: profile.displayName
        case .phoneNumber: profile.phoneNumber
        case .locale: profile.locale
        }
    }

    /// A refused password, as a sentence.
    func passwordProblem(_ problem: PasswordPolicy.Problem) -> String {
        switch problem {
        case .tooShort(let n): Self.fill(fieldErrors.passwordTooShort, ["n": String(n)])
        case .tooLong(let n): Self.fill(fieldErrors.passwordTooLong, ["n": String(n)])
        case .mismatch: fieldErrors.passwordMismatch
        case .containsEmail: fieldErrors.passwordContainsEmail
        case .common: fieldErrors.passwordCommon
        }
    }

    /// The title and detail of an invitation link's dead end.
    func refusal(_ refusal: InvitationLinkRefusal) -> (title: String, detail: String) {
        switch refusal {
        case .unknown: (refusals.unknownTitle, refusals.unknownDetail)
        case .revoked: (refusals.revokedTitle, refusals.revokedDetail)
        case .replaced: (refusals.replacedTitle, refusals.replacedDetail)
        case .used: (refusals.usedTitle, refusals.usedDetail)
        case .expired: (refusals.expiredTitle, refusals.expiredDetail)
        case .otherApplication: (refusals.otherApplicationTitle, refusals.otherApplicationDetail)
        }
    }
}
