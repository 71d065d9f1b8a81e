import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import SQLKit

extension Database {
    var sql: any SQLDatabase { self as! any SQLDatabase }

    var isSQLite: Bool { sql.dialect.name == "sqlite" }

    /// Runs `body` in one transaction: everything it writes lands together or not at all.
    ///
    /// Every write in Usher goes through here. On PostgreSQL it is an ordinary transaction. On
    /// SQLite, which has a single writer, the transaction begins IMMEDIATE (it takes the write
    /// lock up front, so a read-then-write transaction can never fail half-way with
    /// SQLITE_BUSY), and writers of this process queue for the lock in memory instead of
    /// spinning in SQLite's busy handler.
    func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        let body = OperationsSpans.transaction(sqlite: isSQLite, body)  // a span and a duration (docs/operations.md)
        guard isSQLite else {
            return try await transaction(body)
        }
        return try await SQLiteWriteLock.shared.withLock {
            try await self.withConnection { connection in
                // Per connection, and the pool opens connections on its own: without this, a
                // connection that never ran prepareSQLite syncs the disk on every commit.
                try await connection.sql.raw("PRAGMA synchronous = NORMAL").run()
                try await connection.sql.raw("BEGIN IMMEDIATE").run()
                do {
                    let result = try await body(connection)
                    try await connection.sql.raw("COMMIT").run()
                    return result
                } catch {
                    try? await connection.sql.raw("ROLLBACK").run()
                    throw error
                }
            }
        }
    }
}

extension Database {
    /// One statement that writes. A single statement is atomic on its own, so it needs no
    /// BEGIN/COMMIT around it; on SQLite it still waits its turn for the one writer. The email
    /// worker's claims and outcomes run here: fewer statements under the write lock means
    /// invitations wait less for it.
    func writeStatement<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        guard isSQLite else { return try await body(sql) }
        return try await SQLiteWriteLock.shared.withLock {
            try await self.withConnection { connection in
                try await connection.sql.raw("PRAGMA synchronous = NORMAL").run()
                return try await body(connection.sql)
            }
        }
    }
}

extension SQLDatabase {
    /// `INSERT INTO table (columns) VALUES (binds)` written directly. Fluent's `create` reflects
    /// over the model's properties (Mirror) on every call; on the invitation path that was a
    /// seventh of the CPU time, so the rows written on every invitation go in this way.
    func insertRow(into table: String, _ values: KeyValuePairs<String, any Encodable & Sendable>) async throws {
        try await insertRow(into: table, Array(values))
    }

    /// The same with the columns in a list built up in code (LinkTokens adds its own to the caller's).
    func insertRow(into table: String, _ values: [(key: String, value: any Encodable & Sendable)]) async throws {
        try await raw(PlannedStatement.insert(into: table, values).query).run()
    }
}

extension Error {
    /// A unique or foreign-key constraint refused the write: someone else got there first.
    var isConstraintViolation: Bool {
        (self as? any DatabaseError)?.isConstraintFailure ?? false
    }
}

/// First come, first served: the one SQLite writer of this process.
actor SQLiteWriteLock {
    static let shared = SQLiteWriteLock()

    private var locked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func withLock<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        if !locked {
            locked = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty {
            locked = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}

/// JSON text columns.
enum JSONText {
    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(value)).flatMap { String(data: $0, encoding: .utf8) } ?? "null"
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) -> T? {
        try? JSONDecoder().decode(type, from: Data(text.utf8))
    }
}

enum DatabaseSetup {
    /// Settings SQLite needs to serve a web server well. WAL persists in the file; synchronous
    /// applies to one connection, so `write` repeats it (foreign keys are on for every
    /// connection through SQLiteConfiguration).
    static func prepareSQLite(_ db: any Database) async throws {
        try await db.sql.raw("PRAGMA journal_mode = WAL").run()
        try await db.sql.raw("PRAGMA synchronous = NORMAL").run()
        try await db.sql.raw("PRAGMA foreign_keys = ON").run()
    }

    /// Refreshes the statistics SQLite's planner uses. Without them it may walk a million rows
    /// in created order to find one email instead of using the email index. `analysis_limit`
    /// samples each index, so this stays in milliseconds on large tables. PostgreSQL's
    /// autovacuum does the same on its own.
    static func refreshSQLiteStatistics(_ db: any Database) async throws {
        guard db.isSQLite else { return }
        try await db.sql.raw("PRAGMA analysis_limit = 1000").run()
        try await db.sql.raw("PRAGMA optimize = 0x10002").run()
    }
}

// MARK: SQL logs without bound values

extension DatabaseConfigurationFactory {
    /// Security: the SQL drivers log every statement at debug level with its bound values, and
    /// Fluent every query with its input and filter values; those values are emails with their
    /// invitation links, token hashes, session ids and customers' data. This keeps the statements
    /// in the debug log (they help) and replaces the values with "[redacted]", whatever the log
    /// level (docs/security.md: no secrets in logs).
    var redactingBoundValues: DatabaseConfigurationFactory {
        let base = self
        return DatabaseConfigurationFactory { BoundValueRedactingConfiguration(base: base.make()) }
    }
}

struct BoundValueRedactingConfiguration: DatabaseConfiguration {
    var base: any DatabaseConfiguration

    var middleware: [any AnyModelMiddleware] {
        get { base.middleware }
        set { base.middleware = newValue }
    }

    func makeDriver(for databases: Databases) -> any DatabaseDriver {
        BoundValueRedactingDriver(base: base.makeDriver(for: databases))
    }
}

/// Hands every database it makes a logger that drops bound values (see `redactingBoundValues`).
struct BoundValueRedactingDriver: DatabaseDriver {
    let base: any DatabaseDriver

    func makeDatabase(with context: DatabaseContext) -> any Database {
        var logger = context.logger
        logger.handler = BoundValueRedactingLogHandler(wrapping: logger.handler)
        return base.makeDatabase(
            with: DatabaseContext(
                configuration: context.configuration, logger: logger, eventLoop: context.eventLoop, history: context.history,
                pageSizeLimit: context.pageSizeLimit, shouldTrace: context.shouldTrace))
    }

    func shutdown() { base.shutdown() }
    func shutdownAsync() async { await base.shutdownAsync() }
}

/// Passes every log event on, with the values of SQL statements (`binds`) and Fluent queries
/// (`input`, `filters`) replaced.
struct BoundValueRedactingLogHandler: LogHandler {
    static let redactedKeys: Set<String> = ["binds", "input", "filters"]
    var base: any LogHandler

    init(wrapping base: any LogHandler) {
        // Never wrap twice (a database made from another one's context).
        self.base = (base as? BoundValueRedactingLogHandler)?.base ?? base
    }

    func log(event: LogEvent) {
        var event = event
        if var metadata = event.metadata, metadata.keys.contains(where: Self.redactedKeys.contains) {
            for key in Self.redactedKeys where metadata[key] != nil { metadata[key] = "[redacted]" }
            event.metadata = metadata
        }
        base.log(event: event)
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { base.metadataProvider }
        set { base.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }
}
