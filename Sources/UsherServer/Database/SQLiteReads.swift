import FluentKit
import Logging
import NIOConcurrencyHelpers
import NIOCore
import SQLKit

/// The reads every admin API request makes before it writes (its client, its store, its
/// application), run on the calling thread through connections of their own.
///
/// Through SQLiteNIO each read is two thread switches (to its thread pool and back to the event
/// loop), and at a few hundred invitations a second those switches cost more than the reads.
/// An indexed read in WAL mode takes microseconds, so running it where the request already runs
/// is cheaper than handing it off. Outside any transaction only: a read here sees what is
/// committed, never the caller's own uncommitted writes.
final class SQLiteReads: Sendable {
    private let path: String
    private let idle = NIOLockedValueBox<[SQLiteDirectConnection]>([])
    /// Connections kept for reuse; a burst beyond opens (and then closes) more.
    private let keep: Int

    init(path: String, keep: Int = System.coreCount * 2) {
        self.path = path
        self.keep = keep
    }

    func read(_ statement: PlannedStatement, logger: Logger) throws -> [SQLiteDirectRow] {
        let connection = try idle.withLockedValue { $0.popLast() } ?? SQLiteDirectConnection(path: path, readOnly: true)
        defer {
            let kept = idle.withLockedValue { connections in
                guard connections.count < keep else { return false }
                connections.append(connection)
                return true
            }
            if !kept { connection.close() }
        }
        logger.debug("\(statement.sql)", metadata: ["binds": "[redacted]"])
        return try connection.execute(statement.sql, statement.binds)
    }

    func close() {
        for connection in idle.withLockedValue({ connections in
            defer { connections = [] }
            return connections
        }) { connection.close() }
    }
}

extension UsherContext {
    /// A read outside any transaction: on SQLite's file through `SQLiteReads`, otherwise (and
    /// inside a transaction, where `db` is the transaction) through `db`.
    func read(_ statement: PlannedStatement, on db: any Database) async throws -> [any SQLRow] {
        if let reads = groupCommit?.reads, db.isSQLite, !db.inTransaction { return try reads.read(statement, logger: db.logger) }
        return try await db.sql.raw(statement.query).all()
    }
}

extension Database {
    /// A read outside any transaction, through `context.read` when the caller holds the context.
    func rows(_ statement: PlannedStatement, context: UsherContext?) async throws -> [any SQLRow] {
        if let context { return try await context.read(statement, on: self) }
        return try await sql.raw(statement.query).all()
    }
}
