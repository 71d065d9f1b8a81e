import Fluent
import Foundation
import SQLKit
import UsherCore

/// A customer's signed-in browsers and the refresh tokens of their applications: listed on the
/// account page, ended there, by a password reset, and by the administrator's "sign out
/// everywhere" (`POST …/accounts/{id}/signOut`).
enum AccountSessions {
    struct Row: Decodable, Sendable {
        var id_hash: String
        var created_at: Date
        var auth_time: Date
        var expires_at: Date
    }

    /// The account's unexpired browser sessions, newest first.
    static func list(accountId: UUID, on db: any Database, now: Date) async throws -> [Row] {
        try await db.sql.raw(
            """
            SELECT id_hash, created_at, auth_time, expires_at FROM sessions
            WHERE kind = 'customer' AND subject_id = \(bind: accountId) AND expires_at > \(bind: now)
            ORDER BY created_at DESC, id_hash
            """
        ).all(decoding: Row.self)
    }

    /// Ends every browser session of the account (but `keeping`, the one in use, if given) and
    /// revokes every refresh token, in the caller's transaction. Returns how many sessions ended.
    @discardableResult
    static func endAll(accountId: UUID, keeping: String? = nil, on tx: any Database, now: Date) async throws -> Int {
        struct Ended: Decodable { var id_hash: String }
        let ended: [Ended]
        if let keeping {
            ended = try await tx.sql.raw(
                """
                DELETE FROM sessions WHERE kind = 'customer' AND subject_id = \(bind: accountId) AND id_hash <> \(bind: keeping)
                RETURNING id_hash
                """
            ).all(decoding: Ended.self)
        } else {
            ended = try await tx.sql.raw(
                "DELETE FROM sessions WHERE kind = 'customer' AND subject_id = \(bind: accountId) RETURNING id_hash"
            ).all(decoding: Ended.self)
        }
        try await tx.sql.raw(
            "UPDATE refresh_tokens SET revoked_at = \(bind: now) WHERE account_id = \(bind: accountId) AND revoked_at IS NULL"
        ).run()
        return ended.count
    }

    /// Ends one session of the account (a browser it no longer trusts). False when it had none such.
    static func end(accountId: UUID, sessionHash: String, on tx: any Database) async throws -> Bool {
        struct Ended: Decodable { var id_hash: String }
        return try await !tx.sql.raw(
            """
            DELETE FROM sessions WHERE kind = 'customer' AND subject_id = \(bind: accountId) AND id_hash = \(bind: sessionHash)
            RETURNING id_hash
            """
        ).all(decoding: Ended.self).isEmpty
    }
}
