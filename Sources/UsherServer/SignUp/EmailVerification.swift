import Fluent
import Foundation
import SQLKit
import UsherCore

/// What a sign-up does with the address the invitee submitted (SPEC rules 4 and 6).
enum SignUpAddress: Sendable {
    /// The account's email from the start: the invited address (the link proves it), an
    /// address an upstream provider vouches for, or any address in a store without EMAIL
    /// identifiers (there it is a profile attribute and reserves nothing).
    case identifier(EmailAddress, verified: Bool)
    /// Security (issue 14, item 14): an address nothing has proved yet, in a store where an
    /// email is an identifier. It is held apart as the account's pending address whether or
    /// not another account has it, so nothing the invitee sees — the answer, the ID token, a
    /// sign-in with it — depends on that. Only its verification link makes it the email.
    case pending(EmailAddress)

    init(_ submission: SignUpForm.Submission, store: IdentityStoreModel, holdUnproven: Bool) {
        if holdUnproven, store.supportsEmail, !submission.emailVerified {
            self = .pending(submission.email)
        } else {
            self = .identifier(submission.email, verified: submission.emailVerified)
        }
    }

    /// The email the account row gets at sign-up (its `email_key` with it).
    var accountEmail: EmailAddress? {
        switch self {
        case .identifier(let email, _): email
        case .pending: nil
        }
    }
}

/// Email verification links (issue 23): a random token of 256 bits, of which only the SHA-256
/// is stored, valid 24 hours and once. Opening the link (GET) changes nothing; only its page's
/// POST verifies (EmailVerificationPages).
struct EmailVerification: Sendable {
    static let tokenPrefix = "ev_"
    static let lifetime: TimeInterval = 24 * 3600
    static let linkKind = "email_verification"
    static let noticeKind = "account_exists_notice"

    let context: UsherContext
    let applicationName: String
    /// The invitation's language: the emails speak it when a template for it exists.
    let language: String

    // MARK: At sign-up

    /// Runs in the sign-up's transaction, after the account row exists. Free or taken, a pending
    /// address costs the same work and queues one email to that address: its owner either gets
    /// the link or hears that someone tried; the invitee sees neither.
    func afterSignUp(_ address: SignUpAddress, accountId: UUID, store: String, on tx: any Database, now: Date) async throws {
        switch address {
        case .identifier(_, verified: true):
            return
        case .identifier(let email, verified: false):
            try await sendLink(to: email, accountId: accountId, store: store, on: tx, now: now)
        case .pending(let email):
            try await tx.sql.raw("UPDATE accounts SET pending_email = \(bind: email.value) WHERE id = \(bind: accountId)").run()
            if try await AccountService.emailTaken(email, store: store, on: tx) {
                // Nothing else: no link, nothing about the invitee or the new account.
                let notice = try compose("email/account-exists", to: email, link: nil)
                try await queue(notice, kind: Self.noticeKind, linkToken: nil, store: store, on: tx, now: now)
            } else {
                try await sendLink(to: email, accountId: accountId, store: store, on: tx, now: now)
            }
        }
    }

    private func sendLink(to email: EmailAddress, accountId: UUID, store: String, on tx: any Database, now: Date) async throws {
        let token = SecretToken.generate(prefix: Self.tokenPrefix)
        try await tx.sql.insertRow(
            into: "email_verifications",
            [
                "token_hash": SecretToken.hash(token), "account_id": accountId, "store": store, "email": email.value,
                "email_key": email.normalized, "created_at": now, "expires_at": now.addingTimeInterval(Self.lifetime),
            ])
        let link = context.config.publicURL + "/email/verify?token=" + token
        try await queue(
            try compose("email/email-verification", to: email, link: link), kind: Self.linkKind, linkToken: token, store: store, on: tx,
            now: now)
    }

    private func compose(_ base: String, to email: EmailAddress, link: String?) throws -> ComposedEmail {
        let templates = context.templates
        let names = ["subject", "text", "html"].map { templates.localized(base, language: language, suffix: $0) }
        // The language of the template found, which may be a fallback of the invitation's.
        let tag = names[2].dropFirst(base.count + 1).split(separator: ".").first.map(String.init) ?? "en-US"
        let values = EmailVerificationEmailContext(applicationName: applicationName, email: email.value, link: link ?? "", lang: tag)
        let subject = templates.render(names[0], values).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !subject.contains("\r"), !subject.contains("\n") else {
            throw UsherError.badRequest(.emailInvalidSubject, "The email's subject would span several lines; check the subject template.")
        }
        return ComposedEmail(
            to: email.value, toName: nil, subject: subject, text: templates.render(names[1], values),
            html: templates.render(names[2], values), language: tag)
    }

    private func queue(_ email: ComposedEmail, kind: String, linkToken: String?, store: String, on tx: any Database, now: Date) async throws
    {
        // The link's token is sealed apart from the stored text, as an invitation's is (OutboxLinkSealer).
        // A notice has no link: a fresh token that appears nowhere in it stands in, and nothing is kept.
        let message = try Outbox.message(
            email, linkToken: linkToken ?? SecretToken.generate(), sealer: OutboxLinkSealer(secrets: context.secrets),
            invitationId: nil, store: store, retryPeriod: context.config.mailRetryPeriod, now: now)
        message.kind = kind
        if linkToken == nil { message.linkSecret = nil }
        try await message.insert(on: tx)
    }

    // MARK: Following the link

    struct Link: Decodable, Sendable {
        var account_id: UUID
        var store: String
        var email: String
        var email_key: String
        var expires_at: Date
        var used_at: Date?
    }

    /// The link's row if it can still verify; a clear refusal otherwise. Reads only (GET).
    static func usable(token: String, on db: any Database, now: Date) async throws -> Link {
        guard let link = try await find(token: token, on: db) else { throw unknownLink }
        if let refusal = refusal(link, now: now) { throw refusal }
        return link
    }

    /// Uses the link: the address becomes the account's verified email. Single use even when
    /// two submits race (the claim is one conditional UPDATE); a refusal changes nothing.
    @discardableResult
    static func verify(token: String, on db: any Database, now: Date) async throws -> Link {
        guard let hash = hash(token) else { throw unknownLink }
        return try await db.write { tx in
            let claimed = try await tx.sql.raw(
                """
                UPDATE email_verifications SET used_at = \(bind: now)
                WHERE token_hash = \(bind: hash) AND used_at IS NULL AND expires_at > \(bind: now)
                RETURNING account_id, store, email, email_key, expires_at, used_at
                """
            ).first(decoding: Link.self)
            guard let link = claimed else {
                guard let found = try await find(token: token, on: tx) else { throw unknownLink }
                throw refusal(found, now: now) ?? superseded
            }
            struct Account: Decodable {
                var email: String?
                var pending_email: String?
            }
            guard
                let account = try await tx.sql.raw("SELECT email, pending_email FROM accounts WHERE id = \(bind: link.account_id)")
                    .first(decoding: Account.self)
            else { throw superseded }
            var changed = false
            if account.email.flatMap(EmailAddress.init)?.normalized == link.email_key {
                try await tx.sql.raw(
                    "UPDATE accounts SET email_verified = \(bind: true), updated_at = \(bind: now) WHERE id = \(bind: link.account_id)"
                ).run()
            } else if account.pending_email.flatMap(EmailAddress.init)?.normalized == link.email_key {
                // The address was free at sign-up; it must still be free now.
                let taken =
                    try await tx.sql.raw(
                        """
                        SELECT 1 AS taken FROM accounts WHERE store = \(bind: link.store) AND email_key = \(bind: link.email_key) AND id <> \(bind: link.account_id) LIMIT 1
                        """
                    ).first() != nil
                if taken { throw addressTaken }
                do {
                    try await tx.sql.raw(
                        """
                        UPDATE accounts SET email = \(bind: link.email), email_key = \(bind: link.email_key), email_verified = \(bind: true),
                          pending_email = NULL, updated_at = \(bind: now) WHERE id = \(bind: link.account_id)
                        """
                    ).run()
                } catch let error where error.isConstraintViolation {
                    throw addressTaken  // another account took it a moment ago
                }
                changed = true
            } else {
                throw superseded
            }
            try await Audit.record(
                on: tx, actor: Actor(kind: .customer, id: link.account_id.idString, displayName: link.email),
                action: .accountEmailVerified, store: link.store, targetType: "account",
                targetId: link.account_id.idString, details: ["email": link.email], at: now)
            try await EventLog.account(.accountEmailVerified, id: link.account_id, on: tx, at: now)
            if changed { try await EventLog.account(.accountEmailChanged, id: link.account_id, on: tx, at: now) }
            return link
        }
    }

    private static func hash(_ token: String) -> String? {
        guard token.hasPrefix(tokenPrefix), token.count < 100 else { return nil }
        return SecretToken.hash(token)
    }

    private static func find(token: String, on db: any Database) async throws -> Link? {
        guard let hash = hash(token) else { return nil }
        return try await db.sql.raw(
            """
            SELECT account_id, store, email, email_key, expires_at, used_at FROM email_verifications WHERE token_hash = \(bind: hash)
            """
        ).first(decoding: Link.self)
    }

    // MARK: Refusals (SPEC rule 12: clear, and nothing changed)

    static let unknownLink = UsherError(
        status: 404, errorKey: .emailVerificationUnknown, title: "This link is not valid",
        detail: "Check that you opened the whole link from the email. Nothing was changed.")

    static func refusal(_ link: Link, now: Date) -> UsherError? {
        if link.used_at != nil {
            return UsherError(
                status: 410, errorKey: .emailVerificationUsed, title: "This link has already been used",
                detail: "Each verification link works once, and this one was used already. Nothing was changed.")
        }
        if link.expires_at <= now {
            return UsherError(
                status: 410, errorKey: .emailVerificationExpired, title: "This link has expired",
                detail: "Verification links work for 24 hours. Nothing was changed.")
        }
        return nil
    }

    static let addressTaken = UsherError(
        status: 409, errorKey: .emailVerificationAddressTaken, title: "This address belongs to another account",
        detail:
            "Since you signed up, this email address became the address of another account, so it cannot become yours. Nothing was changed. Sign in with that account, or use another address."
    )

    static let superseded = UsherError(
        status: 410, errorKey: .emailVerificationSuperseded, title: "This link is no longer valid",
        detail: "The account no longer uses this email address. Nothing was changed.")
}

/// The variables of the verification emails (`email/email-verification.<lang>.*` and the
/// notices composed the same way).
struct EmailVerificationEmailContext {
    var applicationName: String
    var email: String
    /// Empty for a notice that carries no link.
    var link: String
    var lang: String
}
