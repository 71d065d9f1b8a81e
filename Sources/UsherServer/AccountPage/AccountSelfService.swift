import Fluent
import Foundation
import SQLKit
import UsherCore

/// What a signed-in customer does on `/account` (issue 23), one function per use case. Each
/// change lands in one transaction with its audit row and its emails. Security: the changes
/// Auth0 and Okta guard with the current password (password, email, deleting the account) ask
/// for it here too, and wrong guesses slow down as wrong sign-ins do.
struct AccountSelfService {
    let db: any Database
    let context: UsherContext
    /// The language of the field errors it throws: the account page's (AccountPageRefusal).
    var strings: PageStrings = .english

    private func customer(_ account: AccountModel) -> Actor {
        Actor(kind: .customer, id: account.id!.idString, displayName: account.email ?? account.username ?? "")
    }

    /// The signed-in account, or 401 when the session's account is gone.
    static func account(of session: CustomerSession, on db: any Database) async throws -> AccountModel {
        guard let account = try await AccountModel.find(session.accountId, on: db) else { throw AccountPageRoutes.signInRequired }
        return account
    }

    // MARK: Profile

    /// Saves the fields `fields` lets the customer change; the others keep their value whatever
    /// was posted (AccountProfileFields).
    func updateProfile(_ account: AccountModel, form: [String: String], fields: RegistrationFields, now: Date) async throws {
        let current = Profile(
            givenName: account.givenName, familyName: account.familyName, displayName: account.displayName,
            phoneNumber: account.phoneNumber, locale: account.locale)
        var validator = Validator()
        var missing = Validator()
        let profile = fields.submitted(form, keeping: current, into: &missing)
        for error in missing.errors { validator.add(error.field, strings.fieldErrors.required) }
        profile.validate(into: &validator)
        guard validator.errors.isEmpty else { throw UsherError.validation(validator.errors) }
        let clean = profile.normalized
        account.givenName = clean.givenName
        account.familyName = clean.familyName
        account.displayName = clean.displayName
        account.phoneNumber = clean.phoneNumber
        account.locale = clean.locale
        account.updatedAt = now
        try await db.write { tx in
            try await account.save(on: tx)
            try await Audit.record(
                on: tx, actor: customer(account), action: .accountUpdated, store: account.store, targetType: "account",
                targetId: account.id!.idString, details: ["via": "accountPage"], at: now)
        }
    }

    // MARK: Password

    /// Re-authentication: the current password, if the account has one. Wrong guesses count as
    /// failed sign-ins of this account from this address (growing waits, never a lock-out).
    func confirmPassword(_ account: AccountModel, _ presented: String?, clientAddress: String) async throws {
        guard let hash = account.passwordHash else { return }
        let limiter = context.rateLimiter
        let reservations = try await SignInAttempts.reserve(
            limiter, [(RateLimiter.signInPerAccount, "account-page|" + account.id!.idString + "|" + clientAddress)], on: db)
        let presented = presented ?? ""
        guard presented.count <= 256, try await context.passwords.verify(presented, against: hash).isValid else {
            throw AccountPageRefusal.wrongPassword.error
        }
        try await SignInAttempts.release(limiter, reservations, on: db)
    }

    /// A new password; every other session and refresh token ends, this browser stays signed in.
    func changePassword(
        _ account: AccountModel, current: String?, new: String, confirmation: String, keeping session: String, clientAddress: String,
        now: Date
    ) async throws {
        try await confirmPassword(account, current, clientAddress: clientAddress)
        if let problem = PasswordPolicy().check(password: new, confirmation: confirmation, email: account.email) {
            throw UsherError.validation([FieldError("password", strings.passwordProblem(problem))])
        }
        let hash = try await context.passwords.hash(new)
        let accountId = account.id!
        try await db.write { tx in
            try await tx.sql.raw(
                "UPDATE accounts SET password_hash = \(bind: hash), updated_at = \(bind: now) WHERE id = \(bind: accountId)"
            ).run()
            // Reset links asked for earlier would undo this change: they end too.
            try await tx.sql.raw(
                "UPDATE password_resets SET used_at = \(bind: now) WHERE account_id = \(bind: accountId) AND used_at IS NULL"
            )
            .run()
            try await AccountSessions.endAll(accountId: accountId, keeping: session, on: tx, now: now)
            try await Audit.record(
                on: tx, actor: customer(account), action: .accountPasswordChanged, store: account.store, targetType: "account",
                targetId: accountId.idString, details: ["via": "accountPage"], at: now)
            try await EventLog.account(.accountPasswordChanged, id: accountId, on: tx, at: now)
        }
    }

    // MARK: Email

    /// The new address becomes the account's email only when its owner follows the link sent to
    /// it (EmailVerification); the old address is told. Security: a taken address is handled as at
    /// sign-up — its owner is told instead — so the answer never says whether it has an account.
    func requestEmailChange(
        _ account: AccountModel, session: CustomerSession, to raw: String, current: String?, clientAddress: String, now: Date
    ) async throws {
        guard let email = EmailAddress(raw.trimmingCharacters(in: .whitespaces)) else {
            throw UsherError.validation([FieldError("email", strings.fieldErrors.invalidEmail)])
        }
        guard email.normalized != account.email.map(EmailAddress.normalize) else {
            throw AccountPageRefusal.emailUnchanged.error
        }
        try await confirmPassword(account, current, clientAddress: clientAddress)
        try await context.rateLimiter.hit(RateLimiter.accountEmailsPerAccount, key: account.id!.idString, on: db, now: now)
        let applicationName = try await Self.applicationName(of: session, on: db)
        let old = account.email
        let language = try await PageLanguage.tag(of: account, on: db) ?? LanguageTag.defaultTag
        try await db.write { tx in
            let verification = EmailVerification(context: context, applicationName: applicationName, language: language)
            try await verification.afterSignUp(.pending(email), accountId: account.id!, store: account.store, on: tx, now: now)
            if let old {
                let mail = CustomerEmail(context: context)
                let values = CustomerEmailContext(applicationName: applicationName, email: old, newEmail: email.value)
                let notice = try mail.compose("email/email-change-notice", to: old, language: language, values: values)
                try await mail.queue(notice, kind: "email_change_notice", linkToken: nil, store: account.store, on: tx, now: now)
            }
            try await Audit.record(
                on: tx, actor: customer(account), action: .accountEmailChangeRequested, store: account.store, targetType: "account",
                targetId: account.id!.idString, at: now)
        }
        context.mailWakeUp()
    }

    /// Sends the verification link again (EmailVerification.sendAgain).
    func resendVerification(_ account: AccountModel, session: CustomerSession, now: Date) async throws {
        let applicationName = try await Self.applicationName(of: session, on: db)
        try await EmailVerification.sendAgain(account, applicationName: applicationName, context: context, on: db, now: now)
    }

    /// The application the account page's emails name: the one the session was started for.
    /// Nil when it was started for none — then the emails speak of "your account", because the
    /// identity store's name is no application's.
    static func applicationName(of session: CustomerSession, on db: any Database) async throws -> String? {
        guard let clientId = session.clientId, let client = try await OIDCClientModel.find(clientId, on: db) else { return nil }
        return try await ApplicationModel.find(client.applicationId, on: db)?.name
    }

    /// The address waiting for its verification link, if any (`accounts.pending_email`).
    static func pendingEmail(_ accountId: UUID, on db: any Database) async throws -> String? {
        struct Row: Decodable { var pending_email: String? }
        return try await db.sql.raw("SELECT pending_email FROM accounts WHERE id = \(bind: accountId)").first(decoding: Row.self)?
            .pending_email
    }

    // MARK: Sessions

    func endSession(_ account: AccountModel, sessionHash: String, now: Date) async throws {
        try await db.write { tx in
            guard try await AccountSessions.end(accountId: account.id!, sessionHash: sessionHash, on: tx) else { return }
            try await Audit.record(
                on: tx, actor: customer(account), action: .accountSignedOut, store: account.store, targetType: "account",
                targetId: account.id!.idString, details: ["sessions": "1"], at: now)
        }
    }

    /// Signs out every other browser and revokes every refresh token; this browser stays.
    func endOtherSessions(_ account: AccountModel, keeping session: String, now: Date) async throws {
        try await db.write { tx in
            let ended = try await AccountSessions.endAll(accountId: account.id!, keeping: session, on: tx, now: now)
            try await Audit.record(
                on: tx, actor: customer(account), action: .accountSignedOut, store: account.store, targetType: "account",
                targetId: account.id!.idString, details: ["sessions": String(ended), "refreshTokens": "revoked"], at: now)
        }
    }

    // MARK: Deleting the account

    static let deleteConfirmation = "DELETE"

    /// Whether the account's store lets its customers delete their own account (`selfService.accountDeletion`).
    static func deletionAllowed(_ account: AccountModel, on db: any Database) async throws -> Bool {
        try await IdentityStoreModel.find(account.store, on: db)?.allowsAccountDeletion ?? false
    }

    /// Deletes the account for good (sessions, tokens, memberships, identities with it), audited;
    /// refused (and nothing asked or changed) where the store switched deletion off.
    func delete(_ account: AccountModel, current: String?, confirmation: String, clientAddress: String) async throws {
        guard try await Self.deletionAllowed(account, on: db) else { throw AccountPageRefusal.deletionDisabled.error }
        guard confirmation.trimmingCharacters(in: .whitespaces) == Self.deleteConfirmation else {
            throw AccountPageRefusal.confirmDelete.error
        }
        try await confirmPassword(account, current, clientAddress: clientAddress)
        try await AccountService(db: db, passwords: nil).delete(store: account.store, id: account.id!.idString, by: customer(account))
    }
}
