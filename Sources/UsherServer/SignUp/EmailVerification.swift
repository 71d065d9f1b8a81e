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

    init(_ submission: SignUpForm.Submission, store: IdentityStoreModel) {
        if store.supportsEmail, !submission.emailVerified {
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

    /// The address the account row holds apart until its link is used.
    var pendingEmail: EmailAddress? {
        switch self {
        case .identifier: nil
        case .pending(let email): email
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
    /// Nil when there is none to name (an account page without one): the emails say "your account".
    let applicationName: String?
    /// The invitation's language: the emails speak it when a template for it exists.
    let language: String

    // MARK: At sign-up

    /// What every sign-up sends (SignUpService: a password, or an upstream identity whose
    /// address the invitation and the provider did not both vouch for): the emails name the
    /// application and speak the language the account will have (PageLanguage).
    static func atSignUp(_ form: SignUpPages.Context, profile: Profile, context: UsherContext) -> EmailVerification {
        EmailVerification(
            context: context, applicationName: form.application.name,
            language: PageLanguage.tag(signingUpWith: profile, invitation: form.invitation))
    }

    /// Runs in the caller's transaction, after the account row exists (sending again). Free or
    /// taken, a pending address costs the same work and queues one email to that address: its
    /// owner either gets the link or hears that someone tried; the invitee sees neither.
    func afterSignUp(_ address: SignUpAddress, accountId: UUID, store: String, on tx: any Database, now: Date) async throws {
        if case .pending(let email) = address {
            try await tx.sql.raw("UPDATE accounts SET pending_email = \(bind: email.value) WHERE id = \(bind: accountId)").run()
        }
        try await tx.sql.run(try emails(for: address, accountId: accountId, store: store, now: now))
    }

    /// The email `address` gets, as steps of a planned write: a sign-up's, where the account's
    /// row (with its pending address, `SignUpAddress.pendingEmail`) is written in the same plan.
    /// Both emails are composed before the plan runs; a read in it picks one.
    func emails(for address: SignUpAddress, accountId: UUID, store: String, now: Date) throws -> PlannedWrite {
        var plan = PlannedWrite()
        switch address {
        case .identifier(_, verified: true):
            break
        case .identifier(let email, verified: false):
            for statement in try link(to: email, accountId: accountId, store: store, now: now) { plan.run(statement) }
        case .pending(let email):
            let link = try link(to: email, accountId: accountId, store: store, now: now)
            // Nothing else when it is taken: no link, nothing about the invitee or the new account.
            let notice = try mail.queueStatement(
                try compose("email/account-exists", to: email, link: nil), kind: Self.noticeKind, linkToken: nil, store: store, now: now)
            plan.read(AccountService.emailTakenRead(email, store: store)) { rows in rows.isEmpty ? link : [notice] }
        }
        return plan
    }

    /// "Send the link again" (the confirm-first page and the account page): a new link to the
    /// pending address, or to the unverified email; nothing when there is nothing to verify.
    /// Earlier links keep working until one of them is used — emails arrive out of order, and
    /// all of them went to the same mailbox — and using one retires the others (`verify`).
    /// A pending address that another account took meanwhile gets its owner's notice instead,
    /// as at sign-up, so the answer says nothing about it. Security: at most
    /// `RateLimiter.accountEmailsPerAccount` per account (429 past it).
    static func sendAgain(_ account: AccountModel, applicationName: String?, context: UsherContext, on db: any Database, now: Date)
        async throws
    {
        let address: SignUpAddress
        if let pending = try await AccountSelfService.pendingEmail(account.id!, on: db).flatMap(EmailAddress.init) {
            address = .pending(pending)
        } else if let email = account.email.flatMap(EmailAddress.init), !account.emailVerified {
            address = .identifier(email, verified: false)
        } else {
            return
        }
        try await context.rateLimiter.hit(RateLimiter.accountEmailsPerAccount, key: account.id!.idString, on: db, now: now)
        let language = try await PageLanguage.tag(of: account, on: db) ?? LanguageTag.defaultTag
        try await db.write { tx in
            let verification = EmailVerification(context: context, applicationName: applicationName, language: language)
            try await verification.afterSignUp(address, accountId: account.id!, store: account.store, on: tx, now: now)
        }
        context.mailWakeUp()
    }

    /// A new link's row and its email.
    private func link(to email: EmailAddress, accountId: UUID, store: String, now: Date) throws -> [PlannedStatement] {
        let (token, row) = Self.links.issueStatement(
            ["account_id": accountId, "store": store, "email": email.value, "email_key": email.normalized], lifetime: Self.lifetime,
            now: now)
        let link = context.config.publicURL + "/email/verify?token=" + token
        let queued = try mail.queueStatement(
            try compose("email/email-verification", to: email, link: link), kind: Self.linkKind, linkToken: token, store: store, now: now)
        return [row, queued]
    }

    /// Composed as the other self-service emails are (CustomerEmail), in the invitation's language.
    private func compose(_ base: String, to email: EmailAddress, link: String?) throws -> ComposedEmail {
        try mail.compose(
            base, to: email.value, language: language,
            values: CustomerEmailContext(applicationName: applicationName, email: email.value, link: link ?? ""))
    }

    private var mail: CustomerEmail { CustomerEmail(context: context) }

    // MARK: Following the link

    struct Link: LinkTokenRow {
        var account_id: UUID
        var store: String
        var email: String
        var email_key: String
        var expires_at: Date
        var used_at: Date?
    }

    /// The link's row if it can still verify; a clear refusal otherwise. Reads only (GET).
    static func usable(token: String, on db: any Database, now: Date) async throws -> Link {
        try await links.usable(token: token, on: db, now: now)
    }

    /// Uses the link: the address becomes the account's verified email. Single use even when
    /// two submits race (the claim is one conditional UPDATE); a refusal changes nothing.
    @discardableResult
    static func verify(token: String, on db: any Database, now: Date) async throws -> Link {
        try await db.write { tx in
            let link = try await links.claim(token: token, on: tx, now: now, otherwise: superseded)
            // The account's other links (sent again, or at sign-up) have nothing left to do.
            try await links.retireAll(accountId: link.account_id, on: tx, now: now)
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

    /// The links' rows: token hashes, single use, expiry (LinkTokens), and what each refusal says
    /// (SPEC rule 12: clear, and nothing changed).
    static let links = LinkTokens<Link>(
        table: "email_verifications", prefix: tokenPrefix, columns: "account_id, store, email, email_key, expires_at, used_at",
        unknown: .verificationLinkUnknown, used: .verificationLinkUsed, expired: .verificationLinkExpired)

    static var unknownLink: UsherError { links.unknown }

    static func refusal(_ link: Link, now: Date) -> UsherError? { links.refusal(link, now: now) }

    static let addressTaken = PageRefusal.verificationAddressTaken.error

    static let superseded = PageRefusal.verificationSuperseded.error
}
