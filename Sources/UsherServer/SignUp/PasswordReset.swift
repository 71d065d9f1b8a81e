import Fluent
import Foundation
import SQLKit
import UsherCore

/// Forgotten passwords (issue 23): a random token of 256 bits, of which only the SHA-256 is
/// stored, valid once and for 30 minutes (USHER_PASSWORD_RESET_MINUTES). Opening the link (GET)
/// changes nothing; only its form's POST sets the password (PasswordResetPages). Using it ends
/// every session and refresh token of the account and every other reset link it had.
struct PasswordReset: Sendable {
    static let tokenPrefix = "pr_"
    /// The default lifetime; the configured one is `context.config.passwordResetLifetime`.
    static let lifetime: TimeInterval = 30 * 60
    static let linkKind = "password_reset"
    static let externalNoticeKind = "password_reset_external"

    let context: UsherContext

    /// Where the request came from: the client and sign-in flow the customer started at.
    struct Origin: Sendable {
        var clientId: String?
        var flowId: String?
        static let none = Origin(clientId: nil, flowId: nil)
    }

    // MARK: Asking for a link

    /// "Forgot password?": the account `identifier` names in `store`, if any, gets an email.
    /// Security: the caller answers the same whatever happens here, and nothing here tells it
    /// whether an account exists (no enumeration).
    func forgot(identifier: String, store: IdentityStoreModel, origin: Origin, on db: any Database, now: Date) async throws {
        guard let account = try await SignInPages.account(named: identifier, in: store, on: db) else { return }
        try await db.write { tx in
            try await send(
                to: account, origin: origin, by: Actor(kind: .customer, id: account.id!.idString, displayName: ""), on: tx, now: now)
        }
    }

    /// Queues the reset email of `account` in the caller's transaction (the customer's request
    /// and the administrator's action share it). An account that signs in only with an upstream
    /// provider gets a notice saying so instead of a link. False when the account has no email.
    @discardableResult
    func send(to account: AccountModel, origin: Origin, by actor: Actor, on tx: any Database, now: Date) async throws -> Bool {
        guard let address = account.email.flatMap(EmailAddress.init) else { return false }
        let accountId = account.id!
        let language = try await PageLanguage.tag(of: account, on: tx) ?? LanguageTag.defaultTag
        let applicationName = try await Self.applicationName(clientId: origin.clientId, store: account.store, on: tx)
        let mail = CustomerEmail(context: context)
        var values = CustomerEmailContext(applicationName: applicationName, email: address.value)
        if account.passwordHash == nil {
            let providers = try await Self.providerNames(accountId: accountId, on: tx)
            if !providers.isEmpty {
                values.providers = providers.joined(separator: ", ")
                let notice = try mail.compose("email/password-reset-external", to: address.value, language: language, values: values)
                try await mail.queue(notice, kind: Self.externalNoticeKind, linkToken: nil, store: account.store, on: tx, now: now)
                try await audit(account, by: actor, details: ["sent": "externalNotice"], on: tx, now: now)
                return true
            }
        }
        let token = try await Self.links.issue(
            ["account_id": accountId, "store": account.store, "client_id": origin.clientId, "flow_id": origin.flowId],
            lifetime: context.config.passwordResetLifetime, on: tx, now: now)
        values.link = context.config.publicURL + "/password/reset?token=" + token
        values.minutes = Int(context.config.passwordResetLifetime / 60)
        let email = try mail.compose("email/password-reset", to: address.value, language: language, values: values)
        try await mail.queue(email, kind: Self.linkKind, linkToken: token, store: account.store, on: tx, now: now)
        try await audit(account, by: actor, details: ["sent": "link"], on: tx, now: now)
        return true
    }

    private func audit(_ account: AccountModel, by actor: Actor, details: [String: String], on tx: any Database, now: Date) async throws {
        try await Audit.record(
            on: tx, actor: actor, action: .accountPasswordResetRequested, store: account.store, targetType: "account",
            targetId: account.id!.idString, details: details, at: now)
        try await EventLog.account(.accountPasswordResetRequested, id: account.id!, on: tx, at: now)
    }

    static func applicationName(clientId: String?, store: String, on db: any Database) async throws -> String {
        if let clientId, let client = try await OIDCClientModel.find(clientId, on: db),
            let app = try await ApplicationModel.find(client.applicationId, on: db)
        {
            return app.name
        }
        return store
    }

    static func providerNames(accountId: UUID, on db: any Database) async throws -> [String] {
        let identities = try await ExternalIdentityModel.query(on: db).filter(\.$accountId == accountId).all()
        guard !identities.isEmpty else { return [] }
        let providers = try await ExternalLoginProviderModel.query(on: db).filter(\.$id ~~ identities.map(\.providerId)).all()
        return providers.map(\.name).sorted()
    }

    // MARK: Following the link

    struct Link: LinkTokenRow {
        var account_id: UUID
        var store: String
        var client_id: String?
        var flow_id: String?
        var expires_at: Date
        var used_at: Date?
    }

    /// The link's row if it can still be used; a clear refusal otherwise. Reads only (GET).
    static func usable(token: String, on db: any Database, now: Date) async throws -> Link {
        try await links.usable(token: token, on: db, now: now)
    }

    /// What a successful reset leaves: the new session's token and, when the sign-in flow it was
    /// asked from is still open in this browser, the authorization code that finishes it.
    struct Outcome: Sendable {
        var link: Link
        var sessionToken: String
        var code: String?
    }

    /// Uses the link: the account gets `passwordHash`, and loses every session, refresh token and
    /// other reset link. Single use even when two submits race (one conditional UPDATE claims it);
    /// a refusal changes nothing. A new session starts, and `flow` (if given) gets its code.
    static func reset(token: String, passwordHash: String, flow: LoginFlowModel?, on db: any Database, now: Date) async throws -> Outcome {
        try await db.write { tx in
            let link = try await links.claim(token: token, on: tx, now: now, otherwise: unknownLink)
            try await tx.sql.raw(
                "UPDATE accounts SET password_hash = \(bind: passwordHash), updated_at = \(bind: now) WHERE id = \(bind: link.account_id)"
            ).run()
            try await links.retireAll(accountId: link.account_id, on: tx, now: now)
            try await AccountSessions.endAll(accountId: link.account_id, on: tx, now: now)
            try await Audit.record(
                on: tx, actor: Actor(kind: .customer, id: link.account_id.idString, displayName: ""), action: .accountPasswordChanged,
                store: link.store, targetType: "account", targetId: link.account_id.idString, details: ["via": "reset"], at: now)
            try await EventLog.account(.accountPasswordChanged, id: link.account_id, on: tx, at: now)
            let (sessionToken, session) = try await CustomerSession.start(
                accountId: link.account_id, store: link.store, clientId: link.client_id, on: tx, now: now)
            try await tx.sql.raw("UPDATE accounts SET last_sign_in_at = \(bind: now) WHERE id = \(bind: link.account_id)").run()
            var code: String?
            if let flow, flow.id == link.flow_id {
                code = try await AuthorizationCodes.finish(
                    flow: flow, accountId: link.account_id, authTime: now, sessionHash: session.idHash, on: tx)
            }
            return Outcome(link: link, sessionToken: sessionToken, code: code)
        }
    }

    /// The links' rows: token hashes, single use, expiry (LinkTokens), and what each refusal says
    /// (SPEC rule 12: clear, and nothing changed).
    static let links = LinkTokens<Link>(
        table: "password_resets", prefix: tokenPrefix, columns: "account_id, store, client_id, flow_id, expires_at, used_at",
        unknown: .resetLinkUnknown, used: .resetLinkUsed, expired: .resetLinkExpired)

    static var unknownLink: UsherError { links.unknown }

    static func refusal(_ link: Link, now: Date) -> UsherError? { links.refusal(link, now: now) }
}
