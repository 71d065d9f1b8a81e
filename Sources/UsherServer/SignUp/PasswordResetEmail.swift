import Fluent
import Foundation
import UsherCore

/// The emails of customer self-service (password reset, the notice to an account that signs in
/// with another provider, the notice of an email change, email verification): composed in the account's language
/// (or a fallback of it) and queued in the outbox in the caller's transaction, with the link's
/// token sealed apart from the stored text as an invitation's is (OutboxLinkSealer).
struct CustomerEmail: Sendable {
    let context: UsherContext

    /// `base` names the templates (`email/password-reset` → `.en-US.subject`, `.text`, `.html`).
    func compose(_ base: String, to address: String, language: String, values: CustomerEmailContext) throws -> ComposedEmail {
        let templates = context.templates
        let names = ["subject", "text", "html"].map { templates.localized(base, language: language, suffix: $0) }
        // The language of the template found, which may be a fallback of the account's.
        let tag = names[2].dropFirst(base.count + 1).split(separator: ".").first.map(String.init) ?? "en-US"
        var values = values
        values.lang = tag
        let subject = templates.render(names[0], values).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !subject.contains("\r"), !subject.contains("\n") else {
            throw UsherError.badRequest(.emailInvalidSubject, "The email's subject would span several lines; check the subject template.")
        }
        return ComposedEmail(
            to: address, toName: nil, subject: subject, text: templates.render(names[1], values), html: templates.render(names[2], values),
            language: tag)
    }

    /// Queues `email`; `linkToken` is the secret in its link (nil for a notice without one).
    func queue(_ email: ComposedEmail, kind: String, linkToken: String?, store: String, on tx: any Database, now: Date) async throws {
        try await tx.sql.raw(try queueStatement(email, kind: kind, linkToken: linkToken, store: store, now: now).query).run()
    }

    /// The same outbox row as a statement of a planned write (a sign-up).
    func queueStatement(_ email: ComposedEmail, kind: String, linkToken: String?, store: String, now: Date) throws -> PlannedStatement {
        // A notice has no link: a fresh token that appears nowhere in it stands in, and nothing is kept.
        let message = try Outbox.message(
            email, linkToken: linkToken ?? SecretToken.generate(), sealer: OutboxLinkSealer(secrets: context.secrets),
            invitationId: nil, store: store, retryPeriod: context.config.mailRetryPeriod, now: now)
        message.kind = kind
        if linkToken == nil { message.linkSecret = nil }
        return message.insertStatement
    }
}

/// The variables of the self-service emails (`email/password-reset.<lang>.*`,
/// `email/password-reset-external.<lang>.*`, `email/email-change-notice.<lang>.*`,
/// `email/email-verification.<lang>.*`, `email/account-exists.<lang>.*`).
struct CustomerEmailContext {
    /// Nil when there is no application to name: the emails that can say so speak of "your account".
    var applicationName: String?
    var email: String
    /// Empty for a notice that carries no link.
    var link: String = ""
    /// How long the link works, in minutes (password reset).
    var minutes: Int = 0
    /// The upstream providers an account signs in with (the notice sent instead of a reset link).
    var providers: String = ""
    /// The address an email change is going to (the notice to the old address).
    var newEmail: String = ""
    var lang: String = "en-US"
}
