import Fluent
import Foundation
import SQLKit
import UsherCore

/// Recomputes every stored email key with the normalisation of `EmailAddress` (NFC local part,
/// IDNA A-label domain). Before it, `josé` in NFC and in NFD, or `bücher.example` and
/// `xn--bcher-kva.example`, were different keys: the same mailbox could hold several accounts.
///
/// Rows that now collide are not merged (which account is the right one is a person's
/// decision): the first keeps the new key, the others keep their old one, and the operator is
/// told which ids to look at. Until then the old keys behave as before.
struct M005_NormalizedEmailKeys: AsyncMigration {
    var name: String { "M005_NormalizedEmailKeys" }

    /// A table with email keys; `scope` is what the key is unique within.
    struct Keyed {
        var table: String
        var scope: String?
        var uniqueOnlyWhere: String?
    }

    private static let tables = [
        Keyed(table: "accounts", scope: "store", uniqueOnlyWhere: nil),
        Keyed(table: "administrators", scope: nil, uniqueOnlyWhere: nil),
        Keyed(table: "invitations", scope: "store", uniqueOnlyWhere: "status = '\(InvitationStatus.pending.rawValue)'"),
    ]

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for keyed in Self.tables {
            let collisions = try await Self.rekey(keyed, on: sql)
            for collision in collisions {
                database.logger.warning(
                    "Two \(keyed.table) rows are one mailbox: \(collision.kept) keeps the address, \(collision.other) keeps its old key until an administrator merges or deletes one of them",
                    metadata: ["table": .string(keyed.table), "kept": .string(collision.kept), "other": .string(collision.other)])
            }
        }
    }

    func revert(on database: any Database) async throws {}

    struct Collision: Equatable {
        var kept: String
        var other: String
    }

    /// Rekeys one table, returning the rows that could not take their new key.
    static func rekey(_ keyed: Keyed, on sql: any SQLDatabase) async throws -> [Collision] {
        let scopeColumn = keyed.scope.map { ", \($0) AS scope" } ?? ", '' AS scope"
        let unique = keyed.uniqueOnlyWhere.map { "CASE WHEN \($0) THEN 1 ELSE 0 END" } ?? "1"
        let rows = try await sql.raw(
            """
            SELECT id, email, email_key\(unsafeRaw: scopeColumn), \(unsafeRaw: unique) AS is_unique
            FROM \(ident: keyed.table) WHERE email IS NOT NULL ORDER BY created_at, id
            """
        ).all()
        struct Row {
            var id: UUID
            var key: String?
            var newKey: String
            var scope: String
            var isUnique: Bool
        }
        var decoded: [Row] = []
        for row in rows {
            let email = try row.decode(column: "email", as: String.self)
            decoded.append(
                Row(
                    id: try row.decode(column: "id", as: UUID.self), key: try row.decode(column: "email_key", as: String?.self),
                    newKey: EmailAddress.normalize(email), scope: try row.decode(column: "scope", as: String.self),
                    isUnique: try row.decode(column: "is_unique", as: Int.self) == 1))
        }
        // Keys compare as the database compares them, byte for byte: Swift's String equality is
        // canonical equivalence, under which the NFD and NFC spellings are already equal.
        func slot(_ scope: String, _ key: String) -> [UInt8] { Array(scope.utf8) + [0] + Array(key.utf8) }
        // The keys that stay taken: every unique row's current key, until it moves.
        var owner: [[UInt8]: UUID] = [:]
        for row in decoded where row.isUnique { if let key = row.key { owner[slot(row.scope, key)] = row.id } }
        var collisions: [Collision] = []
        for row in decoded where row.key.map({ Array($0.utf8) }) != Array(row.newKey.utf8) {
            let target = slot(row.scope, row.newKey)
            if row.isUnique, let holder = owner[target], holder != row.id {
                collisions.append(Collision(kept: holder.idString, other: row.id.idString))
                continue
            }
            try await sql.raw("UPDATE \(ident: keyed.table) SET email_key = \(bind: row.newKey) WHERE id = \(bind: row.id)").run()
            if row.isUnique {
                if let old = row.key { owner[slot(row.scope, old)] = nil }
                owner[target] = row.id
            }
        }
        return collisions
    }
}
