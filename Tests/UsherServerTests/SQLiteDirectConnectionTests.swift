import Foundation
import Testing

@testable import UsherServer

/// The group committer's and the direct reads' connection (issue 21): statements prepared once
/// stay compiled, and a call can never run with a value left bound from the call before.
@Suite struct SQLiteDirectConnectionTests {
    func connection() throws -> SQLiteDirectConnection {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("direct-\(UUID().uuidString).sqlite").path
        // Usher's connections open the database its migrations made; an empty file is an empty database.
        FileManager.default.createFile(atPath: path, contents: nil)
        let connection = try SQLiteDirectConnection(path: path)
        try connection.execute("CREATE TABLE things (id TEXT PRIMARY KEY, kind INTEGER NOT NULL, name TEXT NOT NULL)", [])
        for (id, kind) in [("a", 0), ("b", 1), ("c", 7)] {
            try connection.execute("INSERT INTO things (id, kind, name) VALUES (?, ?, ?)", [id, kind, "thing \(id)"])
        }
        return connection
    }

    /// The shape of the invitation's target read (a join on the key, the key bound): SQLite's
    /// planner looks at the bound value, which marks the statement to be compiled again
    /// whenever its bindings are cleared.
    static let joined = "SELECT a.name FROM things a JOIN things b ON b.id = a.id WHERE a.id = ?"
    static let read = "SELECT name FROM things WHERE id = ? AND kind = ?"

    @Test func aStatementRunAgainIsNotCompiledAgain() throws {
        let db = try connection()
        for id in ["a", "c", "b", "c"] {
            #expect(try db.execute(Self.joined, [id]).count == 1)
        }
        #expect(db.timesCompiledAgain(Self.joined) == 0)
    }

    @Test func aCallWithTooFewValuesIsRefused() throws {
        let db = try connection()
        _ = try db.execute(Self.read, ["c", 7])
        #expect(throws: SQLiteDirectError.self) { try db.execute(Self.read, ["c"]) }
        #expect(try db.execute(Self.read, ["a", 0]).count == 1)
    }
}
