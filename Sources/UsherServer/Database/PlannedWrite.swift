import Fluent
import Foundation
import Logging
import SQLKit

/// A write decided before it runs: the statements of one transaction, and the reads whose rows
/// decide — or refuse — what follows. Everything that can be worked out without the database
/// (ids, JSON, the email, the event's data) is worked out before, so the transaction holds
/// SQLite's one write lock only for its statements.
///
/// A plan's reads must not depend on its own writes (PostgreSQL runs the writes after the
/// reads, in one statement); they see the database as the transaction found it.
///
/// One plan, two ways to run it, the same statements either way: `SQLDatabase.run(_:)` inside
/// an ordinary transaction (PostgreSQL, and SQLite in a bulk job's batch), and
/// `SQLiteGroupCommit`, which runs many plans in one SQLite transaction on its own thread.
struct PlannedWrite: Sendable {
    enum Step: Sendable {
        case run(PlannedStatement)
        /// The rows of a read go to `then`, which refuses by throwing or answers with the
        /// statements that follow (none, or one per row).
        case read(PlannedStatement, then: @Sendable ([any SQLRow]) throws -> [PlannedStatement])
        /// A statement written differently for each database (the event log's append takes an
        /// advisory lock on PostgreSQL; SQLite has one writer anyway).
        case perDialect(sqlite: PlannedStatement, postgres: PlannedStatement)
    }

    private(set) var steps: [Step] = []

    mutating func run(_ statement: PlannedStatement) { steps.append(.run(statement)) }

    mutating func read(_ statement: PlannedStatement, then: @escaping @Sendable ([any SQLRow]) throws -> [PlannedStatement]) {
        steps.append(.read(statement, then: then))
    }

    mutating func run(sqlite: PlannedStatement, postgres: PlannedStatement) {
        steps.append(.perDialect(sqlite: sqlite, postgres: postgres))
    }

    mutating func append(_ other: PlannedWrite) { steps += other.steps }

    /// Whether every read is a SELECT (`Database.write` runs such a plan without a transaction on PostgreSQL).
    var readsOnlyRead: Bool {
        steps.allSatisfy { step in
            guard case .read(let statement, _) = step else { return true }
            return statement.sql.drop { $0.isWhitespace }.uppercased().hasPrefix("SELECT")
        }
    }
}

/// SQL with `?` for each value, in order. The text is the same on both databases (Usher's SQL
/// is portable); the values are bound the way SQLKit binds them.
struct PlannedStatement: Sendable {
    var sql: String
    var binds: [any Encodable & Sendable]

    init(_ sql: String, _ binds: [any Encodable & Sendable] = []) {
        self.sql = sql
        self.binds = binds
    }

    /// `INSERT INTO table (columns) VALUES (?, …)`.
    static func insert(into table: String, _ values: [(key: String, value: any Encodable & Sendable)]) -> PlannedStatement {
        let columns = values.map(\.key).joined(separator: ", ")
        let marks = Array(repeating: "?", count: values.count).joined(separator: ", ")
        return PlannedStatement("INSERT INTO \(table) (\(columns)) VALUES (\(marks))", values.map(\.value))
    }

    /// The statement for SQLKit, which writes `$1…` on PostgreSQL.
    var query: SQLQueryString {
        var query = SQLQueryString("")
        var values = binds.makeIterator()
        for (index, part) in sql.split(separator: "?", omittingEmptySubsequences: false).enumerated() {
            if index > 0, let value = values.next() { query.appendInterpolation(bind: value) }
            query.appendLiteral(String(part))
        }
        return query
    }
}

extension SQLDatabase {
    /// Runs a plan in the caller's transaction. On PostgreSQL its writes go last, as one
    /// statement (data-modifying `WITH`): one round trip instead of one per row, one statement
    /// for the database to parse, and the event log's lock held for that statement only.
    func run(_ plan: PlannedWrite) async throws {
        let postgres = dialect.name != "sqlite"
        var writes: [PlannedStatement] = []
        func write(_ statement: PlannedStatement) async throws {
            if postgres { writes.append(statement) } else { try await raw(statement.query).run() }
        }
        for step in plan.steps {
            switch step {
            case .run(let statement):
                try await write(statement)
            case .perDialect(let sqlite, let postgresStatement):
                try await write(postgres ? postgresStatement : sqlite)
            case .read(let statement, let then):
                for next in try then(try await raw(statement.query).all()) { try await write(next) }
            }
        }
        if !writes.isEmpty { try await raw(PlannedStatement.together(writes).query).run() }
    }
}

extension PlannedStatement {
    /// PostgreSQL: several writes as one statement, each but the last a data-modifying `WITH`
    /// (all of them run, against the same snapshot; constraints are checked at its end).
    static func together(_ writes: [PlannedStatement]) -> PlannedStatement {
        guard writes.count > 1 else { return writes[0] }
        let ctes = writes.dropLast().enumerated().map { "w\($0.offset) AS (\($0.element.sql))" }.joined(separator: ", ")
        return PlannedStatement("WITH \(ctes) \(writes.last!.sql)", writes.flatMap(\.binds))
    }
}

extension SQLiteDirectConnection {
    /// The same on the group committer's thread, without a thread switch per statement. Each
    /// statement goes to the debug log as SQLiteNIO's do: the SQL, never its values.
    func run(_ plan: PlannedWrite, logger: Logger) throws {
        func execute(_ statement: PlannedStatement) throws -> [SQLiteDirectRow] {
            logger.debug("\(statement.sql)", metadata: ["binds": "[redacted]"])
            return try self.execute(statement.sql, statement.binds)
        }
        for step in plan.steps {
            switch step {
            case .run(let statement):
                _ = try execute(statement)
            case .read(let statement, let then):
                for next in try then(try execute(statement)) { _ = try execute(next) }
            case .perDialect(let sqlite, _):
                _ = try execute(sqlite)
            }
        }
    }
}

extension Database {
    /// Commits a plan: on SQLite through the group committer when there is one (many plans,
    /// one transaction), otherwise in a transaction of its own.
    ///
    /// On PostgreSQL without BEGIN and COMMIT: the plan's reads, then its writes as one
    /// statement, which is atomic and commits on its own — two round trips instead of four.
    /// The guarantees are those of the transaction it replaces: at READ COMMITTED a read in a
    /// transaction locks nothing either, and the unique indexes refuse what a rule read missed.
    func write(_ plan: PlannedWrite, groupCommit: SQLiteGroupCommit?) async throws {
        if isSQLite, let groupCommit {
            let logger = self.logger
            try await OperationsSpans.transaction(sqlite: true) { _ in try await groupCommit.commit(plan, logger: logger) }(self)
        } else if isSQLite || inTransaction {
            try await write { tx in try await tx.sql.run(plan) }
        } else {
            // A read that writes (UPDATE … RETURNING) would commit alone: such a plan needs a transaction.
            assert(plan.readsOnlyRead, "a plan whose reads write must run in a transaction")
            try await OperationsSpans.transaction(sqlite: false) { db in try await db.sql.run(plan) }(self)
        }
    }

    /// Several plans as one group-commit transaction (a bulk job's batch): each one's outcome,
    /// timed and traced as every transaction is.
    func commit(_ plans: [PlannedWrite], groupCommit: SQLiteGroupCommit) async throws -> [Result<Void, any Error>] {
        let logger = self.logger
        return try await OperationsSpans.transaction(sqlite: true) { _ in try await groupCommit.commit(plans, logger: logger) }(self)
    }
}
