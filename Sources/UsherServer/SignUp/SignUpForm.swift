import Foundation
import UsherCore

/// The sign-up form as the policy shapes it (SPEC: the invitee's journey, step 2), and what the
/// invitee submitted, checked. Plain Swift, so tests can exercise it without a server.
struct SignUpForm: Sendable {
    var invitedEmail: EmailAddress
    var prefill: Profile
    var fields: RegistrationFields
    var options: AccountInvitationOptions

    var emailEditable: Bool { options.allowEmailMismatch }
    var passwordAllowed: Bool { !options.forceUsingExternalLogin }

    struct Submission: Sendable {
        var email: EmailAddress
        var emailVerified: Bool
        var profile: Profile
        var password: String?
    }

    /// Reads the posted form. Read-only and hidden fields come from the invitation, whatever
    /// was posted: the form cannot be used to change what the administrator fixed. Each refusal
    /// is a sentence in `strings`' language, shown under its field.
    func read(_ posted: [String: String], passwordPolicy: PasswordPolicy = PasswordPolicy(), strings: PageStrings = .english) throws
        -> Submission
    {
        var validator = Validator()
        var missing = Validator()
        let profile = fields.submitted(posted, keeping: prefill, into: &missing)
        for error in missing.errors { validator.add(error.field, strings.fieldErrors.required) }
        profile.validate(into: &validator)

        var email = invitedEmail
        var verified = true
        if emailEditable, let raw = posted["email"]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
            if let chosen = EmailAddress(raw) {
                // SPEC rule 6: another address than the invited one is not verified by the link.
                let accepted = try InvitationRules.acceptedEmail(invited: invitedEmail, chosen: chosen, options: options)
                email = accepted.email
                verified = accepted.verified
            } else {
                validator.add("email", strings.fieldErrors.invalidEmail)
            }
        }

        var password: String?
        if passwordAllowed {
            let p = posted["password"] ?? ""
            if let problem = passwordPolicy.check(password: p, confirmation: posted["passwordConfirmation"] ?? "", email: email.value) {
                validator.add("password", strings.passwordProblem(problem))
            }
            password = p
        } else {
            validator.add("password", strings.fieldErrors.externalOnly)
        }
        try validator.finish()
        return Submission(email: email, emailVerified: verified, profile: profile.normalized, password: password)
    }
}
