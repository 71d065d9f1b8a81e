import Fluent
import Foundation
import SQLKit
import UsherCore
import Vapor

/// What every emailed one-use link's row says besides what it is for.
protocol LinkTokenRow: Decodable, Sendable {
    var account_id: UUID { get }
    var expires_at: Date { get }
    var used_at: Date? { get }
}

/// A table of emailed links that work once and for a while (`password_resets`,
/// `email_verifications`). The rules are the same for each, so they live here once:
/// - the token is 256 random bits with a prefix naming the link's kind; only its SHA-256 is
///   stored (a leaked table opens nothing), and a token without the prefix is not looked up;
/// - opening the link reads only (`usable`); using it is one conditional UPDATE … RETURNING
///   (`claim`), so two submits that race cannot both use it;
/// - a link that cannot be used says which dead end it is (unknown, used, expired), and
///   nothing is changed (SPEC rule 12).
/// Every function takes `now:`: tests move the clock instead of waiting.
struct LinkTokens<Row: LinkTokenRow>: Sendable {
    let table: String
    let prefix: String
    /// The columns `Row` decodes, in the SELECT and RETURNING lists.
    let columns: String
    let unknown: UsherError
    let used: UsherError
    let expired: UsherError

    /// Each kind of link has its own refusals (PageRefusal words them, in every language).
    init(table: String, prefix: String, columns: String, unknown: PageRefusal, used: PageRefusal, expired: PageRefusal) {
        self.table = table
        self.prefix = prefix
        self.columns = columns
        self.unknown = unknown.error
        self.used = used.error
        self.expired = expired.error
    }

    /// Writes a new link's row (`values`, the token's hash, when it was made and when it
    /// expires) and returns the token: the one place it exists in clear, for the email.
    func issue(
        _ values: KeyValuePairs<String, any Encodable & Sendable>, lifetime: TimeInterval, on tx: any Database, now: Date
    ) async throws -> String {
        let (token, statement) = issueStatement(values, lifetime: lifetime, now: now)
        try await tx.sql.raw(statement.query).run()
        return token
    }

    /// The same row as a statement of a planned write (a sign-up), with its token.
    func issueStatement(
        _ values: KeyValuePairs<String, any Encodable & Sendable>, lifetime: TimeInterval, now: Date
    ) -> (token: String, statement: PlannedStatement) {
        let token = SecretToken.generate(prefix: prefix)
        let row: [(key: String, value: any Encodable & Sendable)] =
            [(key: "token_hash", value: SecretToken.hash(token))] + Array(values)
            + [(key: "created_at", value: now), (key: "expires_at", value: now.addingTimeInterval(lifetime))]
        return (token, .insert(into: table, row))
    }

    /// The link's row if it can still be used; its refusal otherwise. Reads only (GET).
    func usable(token: String, on db: any Database, now: Date) async throws -> Row {
        guard let row = try await find(token: token, on: db) else { throw unknown }
        if let refusal = refusal(row, now: now) { throw refusal }
        return row
    }

    /// Uses the link in the caller's transaction: marks it used if it is unused and unexpired
    /// (one statement, so only one of two racing claims wins) and returns its row. A link that
    /// cannot be used throws its refusal; `otherwise` when the row is gone or still looks
    /// usable (the claim lost to nothing it can name).
    func claim(token: String, on tx: any Database, now: Date, otherwise: UsherError) async throws -> Row {
        guard let hash = hash(token) else { throw unknown }
        let claimed = try await tx.sql.raw(
            """
            UPDATE \(unsafeRaw: table) SET used_at = \(bind: now)
            WHERE token_hash = \(bind: hash) AND used_at IS NULL AND expires_at > \(bind: now)
            RETURNING \(unsafeRaw: columns)
            """
        ).first(decoding: Row.self)
        if let claimed { return claimed }
        guard let found = try await find(token: token, on: tx) else { throw unknown }
        throw refusal(found, now: now) ?? otherwise
    }

    /// Marks every unused link of the account used (a newer step made them moot).
    func retireAll(accountId: UUID, on tx: any Database, now: Date) async throws {
        try await tx.sql.raw(
            "UPDATE \(unsafeRaw: table) SET used_at = \(bind: now) WHERE account_id = \(bind: accountId) AND used_at IS NULL"
        ).run()
    }

    /// Why the link cannot be used, or nil when it can.
    func refusal(_ row: Row, now: Date) -> UsherError? {
        if row.used_at != nil { return used }
        if row.expires_at <= now { return expired }
        return nil
    }

    private func hash(_ token: String) -> String? {
        guard token.hasPrefix(prefix), token.count < 100 else { return nil }
        return SecretToken.hash(token)
    }

    /// The link's row whatever its state, nil for a token never issued. Reads only.
    func find(token: String, on db: any Database) async throws -> Row? {
        guard let hash = hash(token) else { return nil }
        return try await db.sql.raw(
            "SELECT \(unsafeRaw: columns) FROM \(unsafeRaw: table) WHERE token_hash = \(bind: hash)"
        ).first(decoding: Row.self)
    }
}

extension Request {
    /// Speaks the language of the account an emailed link belongs to (PageLanguage.tag), before
    /// the link is checked, so that its refusal page (used, expired) speaks it too. A token never
    /// issued leaves the browser's language.
    func choosePageLanguage<Row>(forLink token: String, in links: LinkTokens<Row>) async throws {
        guard let row = try await links.find(token: token, on: db), let account = try await AccountModel.find(row.account_id, on: db)
        else { return }
        choosePageLanguage(try await PageLanguage.tag(of: account, on: db))
    }
}
