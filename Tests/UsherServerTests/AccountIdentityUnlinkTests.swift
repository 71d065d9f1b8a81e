import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Issue 23: unlinking an external identity on /account, only while the account keeps another
/// way to sign in (a password or another identity); CSRF-protected and audited.
@Suite struct AccountIdentityUnlinkTests {
    typealias Browser = OIDCFlowTests.Browser
    let pages = AccountPageTests()

    func link(_ t: TestApp, accountId: String, subject: String, provider: UUID) async throws -> UUID {
        let id = UUID()
        try await t.app.db.sql.insertRow(
            into: "external_identities",
            [
                "id": id, "account_id": UUID(uuidString: accountId)!, "provider_id": provider, "issuer": "https://id.acme.test",
                "subject": subject, "email": "carol@example.com", "created_at": Date(),
            ])
        return id
    }

    func identities(_ t: TestApp) async throws -> [UUID] {
        struct Row: Decodable { var id: UUID }
        return try await t.app.db.sql.raw("SELECT id FROM external_identities").all(decoding: Row.self).map(\.id)
    }

    @Test(arguments: TestDatabase.available)
    func anIdentityIsUnlinkedOnlyWhileAnotherWayToSignInRemains(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let c = try await SelfServiceCustomer.make(t)
            let provider = UUID()
            try await t.app.db.sql.insertRow(
                into: "external_login_providers",
                [
                    "id": provider, "name": "Acme ID", "issuer": "https://id.acme.test", "client_id": "c", "client_secret": "s",
                    "scopes": "openid", "claim_mapping": "{}", "created_at": Date(),
                ])
            let first = try await link(t, accountId: c.accountId, subject: "s1", provider: provider)
            let second = try await link(t, accountId: c.accountId, subject: "s2", provider: provider)
            var browser = Browser()
            _ = try await c.signIn(&browser)
            let page = try await t.send(.GET, "/account", headers: browser.header)
            #expect(page.body.components(separatedBy: "Unlink Acme ID").count == 3)

            // Without the page's CSRF token: refused, nothing changed.
            let forged = try await t.send(
                .POST, "/account/identities/unlink", headers: browser.header,
                form: c.flows.query([("csrf", "forged"), ("identity", first.idString)]))
            #expect(forged.status == .forbidden)
            #expect(try await identities(t).count == 2)

            // With a password kept: unlinked, and audited.
            let unlinked = try await pages.post(c, browser, "/account/identities/unlink", [("identity", first.idString)])
            #expect(unlinked.status == .seeOther)
            #expect(try await identities(t) == [second])
            #expect(try await c.auditActions().contains("account.identity_unlinked"))

            // The last identity of an account without a password stays, and the page offers nothing.
            try await t.app.db.sql.raw("UPDATE accounts SET password_hash = NULL").run()
            let onlyOne = try await t.send(.GET, "/account", headers: browser.header)
            #expect(onlyOne.status == .ok && !onlyOne.body.contains("Unlink Acme ID"))
            let refused = try await pages.post(c, browser, "/account/identities/unlink", [("identity", second.idString)])
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains("Set a password first, or link another sign-in provider"))
            #expect(try await identities(t) == [second])
        }
    }

    /// Another account's identity is not touched through this account's page.
    @Test(arguments: TestDatabase.available)
    func anotherAccountsIdentityIsNotTouched(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let c = try await SelfServiceCustomer.make(t)
            let provider = UUID()
            try await t.app.db.sql.insertRow(
                into: "external_login_providers",
                [
                    "id": provider, "name": "Acme ID", "issuer": "https://id.acme.test", "client_id": "c", "client_secret": "s",
                    "scopes": "openid", "claim_mapping": "{}", "created_at": Date(),
                ])
            let other = try await t.send(
                .POST, "/admin/api/v1/identityStores/default/accounts", json: #"{"email":"dave@example.com"}"#, token: c.f.token)
            let theirs = try await link(t, accountId: try #require(other["id"] as? String), subject: "d1", provider: provider)
            var browser = Browser()
            _ = try await c.signIn(&browser)
            _ = try await pages.post(c, browser, "/account/identities/unlink", [("identity", theirs.idString)])
            #expect(try await identities(t) == [theirs])
            #expect(try await !c.auditActions().contains("account.identity_unlinked"))
        }
    }
}
