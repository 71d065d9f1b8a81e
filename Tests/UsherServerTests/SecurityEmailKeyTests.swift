import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Issue 14, item 6: one mailbox, one account — whatever Unicode form or domain spelling.
@Suite struct SecurityEmailKeyTests {
    static let accounts = "/admin/api/v1/identityStores/default/accounts"

    static func json(_ object: [String: Any]) -> String {
        String(data: try! JSONSerialization.data(withJSONObject: object), encoding: .utf8)!
    }

    @Test(arguments: TestDatabase.available)
    func spellingsOfOneMailboxMakeOneAccount(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            for (first, second) in [
                ("jos\u{00E9}@example.com", "jose\u{0301}@example.com"),
                ("anna@b\u{00FC}cher.example", "anna@xn--bcher-kva.example"),
                ("Max@M\u{00DC}NCHEN.example", "max@xn--mnchen-3ya.example"),
            ] {
                let a = try await t.send(.POST, Self.accounts, json: Self.json(["email": first]), token: token)
                #expect(a.status == .created, "\(a.body)")
                let b = try await t.send(.POST, Self.accounts, json: Self.json(["email": second]), token: token)
                #expect(b.status == .conflict, "\(second): \(b.body)")
                #expect(b.errorKey == "account.emailExists")
            }
            #expect(try await t.count("accounts") == 3)
        }
    }

    /// Rule 5 can no longer be sidestepped by inviting another spelling of a customer's address.
    @Test(arguments: TestDatabase.available)
    func ruleFiveHoldsForEverySpelling(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            #expect(
                try await t.send(.POST, Self.accounts, json: Self.json(["email": "jos\u{00E9}@b\u{00FC}cher.example"]), token: token).status
                    == .created)
            let r = try await t.send(
                .POST, "/admin/api/v1/identityStores/default/invite",
                json: Self.json(["clientId": f.clientId, "email": "JOSE\u{0301}@xn--bcher-kva.example"]), token: token)
            #expect(r.status == .conflict)
            #expect(r.errorKey == "account.emailExists")
            #expect(try await t.count("invitations") == 0)
        }
    }

    @Test(arguments: TestDatabase.available)
    func addressesThatCannotBeNormalisedAreRefused(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            for email in ["anna@xn--zz9.example", "anna@xn--bcher-kva-.example", "a\u{200B}b@example.com"] {
                let r = try await t.send(.POST, Self.accounts, json: Self.json(["email": email]), token: token)
                #expect(r.status == .badRequest, "\(email): \(r.body)")
            }
            #expect(try await t.count("accounts") == 0)
        }
    }

    /// Rows keyed the old way (lower-cased only) are rekeyed; two that turn out to be one
    /// mailbox are reported and the second keeps its old key.
    @Test(arguments: TestDatabase.available)
    func theMigrationRekeysAndReportsCollisions(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let sql = t.app.db.sql
            let nfc = UUID()
            let nfd = UUID()
            let idn = UUID()
            let now = Date()
            for (id, email, created) in [
                (nfc, "jos\u{00E9}@example.com", now), (nfd, "jose\u{0301}@example.com", now.addingTimeInterval(1)),
                (idn, "anna@B\u{00FC}cher.example", now.addingTimeInterval(2)),
            ] {
                try await sql.raw(
                    """
                    INSERT INTO accounts (id, store, email, email_key, metadata, email_verified, created_at, updated_at)
                    VALUES (\(bind: id), 'default', \(bind: email), \(bind: email.lowercased()), '{}', \(bind: true), \(bind: created), \(bind: created))
                    """
                ).run()
            }
            let collisions = try await M005_NormalizedEmailKeys.rekey(
                .init(table: "accounts", scope: "store", uniqueOnlyWhere: nil), on: sql)
            #expect(collisions == [.init(kept: nfc.idString, other: nfd.idString)])
            struct Row: Decodable {
                var id: UUID
                var email_key: String
            }
            let keys = Dictionary(
                uniqueKeysWithValues: try await sql.raw("SELECT id, email_key FROM accounts").all(decoding: Row.self).map {
                    ($0.id, $0.email_key)
                })
            #expect(keys[nfc] == "jos\u{00E9}@example.com")
            #expect(keys[nfd] == "jose\u{0301}@example.com".lowercased())
            #expect(keys[idn] == "anna@xn--bcher-kva.example")
            // A second run changes nothing and reports the same pair.
            #expect(
                try await M005_NormalizedEmailKeys.rekey(.init(table: "accounts", scope: "store", uniqueOnlyWhere: nil), on: sql).count == 1
            )
        }
    }
}
