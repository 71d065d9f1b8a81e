import Foundation
import Mustache
import UsherCore

/// The invitation email: who invites, to which application, the link, and until when it works,
/// in the invitation's language (with a fallback to its language part, then en-US).
enum InvitationEmail {
    /// `template`: `email/invitation`, or `email/reminder` for the same invitation again.
    static func compose(
        invitation: InvitationModel, applicationName: String, inviter: String, link: String, recipientName: String?, templates: Templates,
        template: String = "email/invitation"
    ) throws -> ComposedEmail {
        let language = invitation.language
        let context = InvitationEmailContext(
            applicationName: applicationName, inviterName: inviter, recipientName: recipientName ?? "",
            hasRecipientName: recipientName != nil,
            email: invitation.email, link: link, lang: language, validUntil: DateText.long(invitation.validUntil, language: language))
        let subject = templates.render(templates.localized(template, language: language, suffix: "subject"), context)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let text = templates.render(templates.localized(template, language: language, suffix: "text"), context)
        let html = templates.render(templates.localized(template, language: language, suffix: "html"), context)
        guard !subject.contains("\r"), !subject.contains("\n") else {
            throw UsherError.badRequest(
                .emailInvalidSubject, "The invitation email's subject would span several lines; check the subject template.")
        }
        return ComposedEmail(to: invitation.email, toName: recipientName, subject: subject, text: text, html: html, language: language)
    }
}

/// The variables of `email/invitation.<lang>.{subject,text,html}`; operators' translations use
/// these names.
struct InvitationEmailContext {
    var applicationName: String
    var inviterName: String
    var recipientName: String
    var hasRecipientName: Bool
    var email: String
    var link: String
    var lang: String
    /// The last day the link works, written out in the email's language.
    var validUntil: String
}

/// The variables by name without reflection: Mustache looks up a struct's fields with `Mirror`
/// on every `{{name}}`, and each invitation renders three templates (docs/performance.md).
extension InvitationEmailContext: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "applicationName": applicationName
        case "inviterName": inviterName
        case "recipientName": recipientName
        case "hasRecipientName": hasRecipientName
        case "email": email
        case "link": link
        case "lang": lang
        case "validUntil": validUntil
        default: nil
        }
    }
}
