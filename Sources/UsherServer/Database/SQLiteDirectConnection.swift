import FluentKit
import Foundation
import NIOCore
import SQLKit
import SQLiteKit
import VaporCSQLite

/// One SQLite connection driven synchronously from the thread that calls it, with its
/// statements prepared once and kept (docs/performance.md, "Group commit").
///
/// SQLiteNIO runs every statement on a thread pool and answers on an event loop: two thread
/// switches per statement, and inside SQLite's one write lock those switches were most of an
/// invitation's time. The group committer runs a whole transaction on its own thread through
/// this instead. It is the same SQLite library as SQLiteNIO's (its vendored `VaporCSQLite`):
/// two copies of SQLite in one process must never open the same file, because each would
/// drop the other's POSIX locks.
///
/// Not thread-safe: one thread at a time (`SQLiteGroupCommit` owns it on its single thread;
/// `SQLiteReads` lends each to one read at a time).
final class SQLiteDirectConnection: @unchecked Sendable {
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    private let encoder = SQLiteDataEncoder()

    /// `readOnly`: a connection of `SQLiteReads`, which never writes.
    init(path: String, readOnly: Bool = false) throws {
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX
        let status = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK else {
            let message = handle.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "cannot open"
            sqlite_nio_sqlite3_close(handle)
            handle = nil
            throw SQLiteDirectError(code: status, message: "\(path): \(message)")
        }
        sqlite_nio_sqlite3_extended_result_codes(handle, 1)
        // Usher's own writers queue in memory (SQLiteWriteLock); this is for anyone else.
        sqlite_nio_sqlite3_busy_timeout(handle, 5_000)
        // The settings every Usher connection has (DatabaseSetup.prepareSQLite).
        // temp_store: each write of a group has its savepoint, whose journal of changed pages
        // would otherwise go to a temporary file (a write system call per page).
        for pragma in ["PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON", "PRAGMA temp_store = MEMORY"] {
            try execute(pragma, [])
        }
    }

    deinit { close() }

    func close() {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        statements = [:]
        if let handle { sqlite_nio_sqlite3_close_v2(handle) }
        handle = nil
    }

    /// Runs one statement and returns its rows. `sql` uses `?` placeholders; the values are
    /// encoded exactly as SQLKit encodes them for SQLite, so what one path writes the other reads.
    @discardableResult
    func execute(_ sql: String, _ binds: [any Encodable & Sendable]) throws -> [SQLiteDirectRow] {
        let statement = try prepared(sql)
        // No sqlite3_clear_bindings: every call binds every parameter again, and clearing marks
        // a statement whose plan looked at a bound value (`expmask`) expired, so SQLite compiled
        // the invitation's target read again on every call (issue 21: 1.7 % of the CPU).
        defer { sqlite_nio_sqlite3_reset(statement) }
        // So a value can never stay bound from the call before.
        guard binds.count == Int(sqlite_nio_sqlite3_bind_parameter_count(statement)) else {
            throw SQLiteDirectError(
                code: SQLITE_RANGE,
                message: "\(binds.count) values for \(sqlite_nio_sqlite3_bind_parameter_count(statement)) parameters in: \(sql)")
        }
        for (index, value) in binds.enumerated() {
            try bind(try encoder.encode(value), at: Int32(index + 1), in: statement)
        }
        var rows: [SQLiteDirectRow] = []
        var columns: [String]?
        while true {
            let status = sqlite_nio_sqlite3_step(statement)
            if status == SQLITE_DONE { return rows }
            guard status == SQLITE_ROW else { throw error(status) }
            let names = columns ?? Self.columnNames(statement)
            columns = names
            var values: [SQLiteData] = []
            values.reserveCapacity(names.count)
            for index in 0..<Int32(names.count) { values.append(Self.value(statement, index)) }
            rows.append(SQLiteDirectRow(columns: names, values: values))
        }
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw error(status) }
        statements[sql] = statement
        return statement
    }

    /// How often SQLite had to compile `sql` again since it was first prepared here (its
    /// `SQLITE_STMTSTATUS_REPREPARE`): the tests hold it at zero.
    func timesCompiledAgain(_ sql: String) -> Int {
        statements[sql].map { Int(sqlite_nio_sqlite3_stmt_status($0, SQLITE_STMTSTATUS_REPREPARE, 0)) } ?? 0
    }

    private func bind(_ data: SQLiteData, at index: Int32, in statement: OpaquePointer) throws {
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        let status: Int32
        switch data {
        case .integer(let value): status = sqlite_nio_sqlite3_bind_int64(statement, index, Int64(value))
        case .float(let value): status = sqlite_nio_sqlite3_bind_double(statement, index, value)
        case .null: status = sqlite_nio_sqlite3_bind_null(statement, index)
        case .text(let value):
            status = sqlite_nio_sqlite3_bind_text64(statement, index, value, UInt64(value.utf8.count), transient, UInt8(SQLITE_UTF8))
        case .blob(let buffer):
            status = buffer.withUnsafeReadableBytes {
                sqlite_nio_sqlite3_bind_blob64(statement, index, $0.baseAddress, UInt64($0.count), transient)
            }
        }
        guard status == SQLITE_OK else { throw error(status) }
    }

    private static func columnNames(_ statement: OpaquePointer) -> [String] {
        (0..<sqlite_nio_sqlite3_column_count(statement)).map { String(cString: sqlite_nio_sqlite3_column_name(statement, $0)) }
    }

    private static func value(_ statement: OpaquePointer, _ index: Int32) -> SQLiteData {
        switch sqlite_nio_sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER: return .integer(Int(sqlite_nio_sqlite3_column_int64(statement, index)))
        case SQLITE_FLOAT: return .float(sqlite_nio_sqlite3_column_double(statement, index))
        case SQLITE_TEXT: return .text(String(cString: sqlite_nio_sqlite3_column_text(statement, index)))
        case SQLITE_BLOB:
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, index))
            var buffer = ByteBufferAllocator().buffer(capacity: count)
            if let bytes = sqlite_nio_sqlite3_column_blob(statement, index) {
                buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: count))
            }
            return .blob(buffer)
        default: return .null
        }
    }

    private func error(_ status: Int32) -> SQLiteDirectError {
        SQLiteDirectError(code: status, message: handle.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "")
    }
}

/// An SQLite result code with SQLite's message. A refused constraint reads as one to the
/// callers that already tell "someone else got there first" apart (`isConstraintViolation`).
struct SQLiteDirectError: Error, CustomStringConvertible, DatabaseError {
    var code: Int32
    var message: String

    var description: String { "SQLite error \(code): \(message)" }
    var isSyntaxError: Bool { code & 0xff == SQLITE_ERROR }
    var isConnectionClosed: Bool { code & 0xff == SQLITE_MISUSE || code & 0xff == SQLITE_CANTOPEN }
    var isConstraintFailure: Bool { code & 0xff == SQLITE_CONSTRAINT }
}

/// A row read by `SQLiteDirectConnection`, readable as any SQLKit row.
struct SQLiteDirectRow: SQLRow, Sendable {
    var columns: [String]
    var values: [SQLiteData]

    var allColumns: [String] { columns }
    func contains(column: String) -> Bool { columns.contains(column) }

    func decodeNil(column: String) throws -> Bool {
        try value(column) == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        try SQLiteDataDecoder().decode(D.self, from: value(column))
    }

    private func value(_ column: String) throws -> SQLiteData {
        guard let index = columns.firstIndex(of: column) else {
            throw DecodingError.keyNotFound(
                SQLCodingKey(stringValue: column), .init(codingPath: [], debugDescription: "no column '\(column)' in the row"))
        }
        return values[index]
    }
}

private struct SQLCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
