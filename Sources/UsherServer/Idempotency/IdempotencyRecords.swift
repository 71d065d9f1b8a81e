import Crypto
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import UsherCore
import Vapor

/// The first answer to each `Idempotency-Key`, per scope (an API client, or an administrator in
/// the console), for 24 hours: the same key with the same request answers it again and changes
/// nothing; with another request it is 422; while the first is still running, 409.
///
/// Kept in the database, not in memory, so every instance behind a load balancer honours a key
/// another instance saw. A claim is one row under a unique index: two requests with one key can
/// never both go ahead, whichever instances they reach.
struct IdempotencyRecords: Sendable {
    let db: any Database

    static let lifetime: TimeInterval = 24 * 3600
    /// A first request still running after this long died with its process; its key is free
    /// again. (The change itself is guarded by its own rules: a second pending invitation for
    /// the same email is refused whatever the key says.)
    static let abandonedAfter: TimeInterval = 120
    /// How long a repeat waits for a first request still running: until that one is taken for
    /// abandoned, so a slow first request (a busy single SQLite writer) is never answered "still
    /// running" to the same person's second click.
    static let patience: Duration = .seconds(abandonedAfter)

    /// The answer a key keeps: status, JSON body (without secrets: see `run`) and Location.
    struct Answer: Sendable, Equatable {
        var status: Int
        var body: String?
        var location: String?
    }

    enum Claim: Sendable, Equatable {
        /// This request is the first with its key: make the change, then `complete` or `release`.
        case claimed
        /// A request with this key and the same content was answered before.
        case replay(Answer)
    }

    /// What identifies a request's content: its method, path and body bytes.
    static func fingerprint(method: HTTPMethod, path: String, body: ByteBuffer?) -> String {
        var hasher = SHA256()
        hasher.update(data: Data("\(method.rawValue) \(path)\n".utf8))
        if let body { hasher.update(data: Data(body.readableBytesView)) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    func claim(scope: String, key: IdempotencyKey, fingerprint: String, now: Date) async throws -> Claim {
        try await db.write { tx in
            let sql = tx.sql
            let abandoned = now.addingTimeInterval(-Self.abandonedAfter)
            try await sql.raw(
                """
                DELETE FROM idempotency_keys WHERE scope = \(bind: scope) AND idem_key = \(bind: key.value)
                AND (expires_at <= \(bind: now) OR (state = 'running' AND created_at <= \(bind: abandoned)))
                """
            ).run()
            let claimed = try await sql.raw(
                """
                INSERT INTO idempotency_keys (id, scope, idem_key, fingerprint, state, created_at, expires_at)
                VALUES (\(bind: UUID()), \(bind: scope), \(bind: key.value), \(bind: fingerprint), 'running', \(bind: now),
                \(bind: now.addingTimeInterval(Self.lifetime)))
                ON CONFLICT (scope, idem_key) DO NOTHING RETURNING id
                """
            ).all()
            if !claimed.isEmpty { return .claimed }
            let row = try await sql.raw(
                """
                SELECT fingerprint, state, response_status, response_body, response_location FROM idempotency_keys
                WHERE scope = \(bind: scope) AND idem_key = \(bind: key.value)
                """
            ).first(decoding: Row.self)
            return try Self.replay(row, fingerprint: fingerprint)
        }
    }

    /// The same claim as a planned write, committed on SQLite with whatever else waits for the
    /// writer (one thread switch instead of two for each of its five statements): a sign-up
    /// form's submission. Elsewhere, and without a group committer, `claim` as above.
    func claim(scope: String, key: IdempotencyKey, fingerprint: String, now: Date, groupCommit: SQLiteGroupCommit?) async throws
        -> Claim
    {
        guard db.isSQLite, let groupCommit else { return try await claim(scope: scope, key: key, fingerprint: fingerprint, now: now) }
        let claim = NIOLockedValueBox<Claim?>(nil)
        var plan = PlannedWrite()
        plan.run(
            PlannedStatement(
                """
                DELETE FROM idempotency_keys WHERE scope = ? AND idem_key = ?
                AND (expires_at <= ? OR (state = 'running' AND created_at <= ?))
                """, [scope, key.value, now, now.addingTimeInterval(-Self.abandonedAfter)]))
        plan.read(
            PlannedStatement(
                """
                INSERT INTO idempotency_keys (id, scope, idem_key, fingerprint, state, created_at, expires_at)
                VALUES (?, ?, ?, ?, 'running', ?, ?) ON CONFLICT (scope, idem_key) DO NOTHING RETURNING id
                """, [UUID(), scope, key.value, fingerprint, now, now.addingTimeInterval(Self.lifetime)])
        ) { rows in
            if !rows.isEmpty { claim.withLockedValue { $0 = .claimed } }
            return []
        }
        plan.read(
            PlannedStatement(
                """
                SELECT fingerprint, state, response_status, response_body, response_location FROM idempotency_keys
                WHERE scope = ? AND idem_key = ?
                """, [scope, key.value])
        ) { rows in
            guard claim.withLockedValue({ $0 }) == nil else { return [] }
            let answer = try Self.replay(try rows.first?.decode(model: Row.self), fingerprint: fingerprint)
            claim.withLockedValue { $0 = answer }
            return []
        }
        try await db.write(plan, groupCommit: groupCommit)
        return claim.withLockedValue { $0 } ?? .claimed
    }

    /// What a key someone else claimed answers: the first answer, or why there is none to give.
    private static func replay(_ row: Row?, fingerprint: String) throws -> Claim {
        guard let row else { throw inProgress }
        guard row.fingerprint == fingerprint else {
            throw UsherError(
                status: 422, errorKey: .idempotencyKeyReused, title: "Idempotency key reused",
                detail: "This Idempotency-Key was used for a different request in the last 24 hours. Use a new key for a new request.")
        }
        guard row.state == "done", let status = row.response_status else { throw inProgress }
        return .replay(Answer(status: status, body: row.response_body, location: row.response_location))
    }

    /// Keeps the answer of the request that claimed `key`.
    func complete(scope: String, key: IdempotencyKey, answer: Answer) async throws {
        let statement = Self.completeStatement(scope: scope, key: key, answer: answer)
        try await db.writeStatement { sql in try await sql.raw(statement.query).run() }
    }

    /// The same as a statement of the request's own planned write (a sign-up's acceptance), so
    /// that the answer is kept if and only if the change commits.
    static func completeStatement(scope: String, key: IdempotencyKey, answer: Answer) -> PlannedStatement {
        PlannedStatement(
            """
            UPDATE idempotency_keys SET state = 'done', response_status = ?, response_body = ?, response_location = ?
            WHERE scope = ? AND idem_key = ?
            """, [answer.status, answer.body, answer.location, scope, key.value])
    }

    /// Whether a request with `key` is still running (a read: no write lock).
    func isRunning(scope: String, key: IdempotencyKey) async throws -> Bool {
        struct State: Decodable { var state: String }
        let row = try await db.sql.raw(
            "SELECT state FROM idempotency_keys WHERE scope = \(bind: scope) AND idem_key = \(bind: key.value)"
        ).first(decoding: State.self)
        return row?.state == "running"
    }

    /// Frees `key` after its request failed, so that sending it again tries again.
    func release(scope: String, key: IdempotencyKey) async throws {
        try await db.writeStatement { sql in
            try await sql.raw("DELETE FROM idempotency_keys WHERE scope = \(bind: scope) AND idem_key = \(bind: key.value)").run()
        }
    }

    static let inProgress = UsherError(
        status: 409, errorKey: .idempotencyInProgress, title: "Request in progress",
        detail: "A request with this Idempotency-Key is still being processed. Wait a moment, then send it again to get its answer.")

    private struct Row: Decodable {
        var fingerprint: String
        var state: String
        var response_status: Int?
        var response_body: String?
        var response_location: String?
    }
}
