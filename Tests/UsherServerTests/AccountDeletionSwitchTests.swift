import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Issue 23: a store's `selfService.accountDeletion`. On (the default) the account page offers
/// Delete; off, it offers none and a delete request is refused with a readable page, the account
/// untouched. Set through the admin API and the console's Identity stores page.
@Suite struct AccountDeletionSwitchTests {
    typealias Browser = OIDCFlowTests.Browser

    func selfService(_ reply: TestApp.Reply) -> [String: Any]? { reply["selfService"] as? [String: Any] }

    func accountExists(_ c: SelfServiceCustomer) async throws -> Bool {
        try await c.t.app.db.sql.raw("SELECT id FROM accounts WHERE id = \(bind: UUID(uuidString: c.accountId)!)")
            .first() != nil
    }

    @Test(arguments: TestDatabase.available)
    func theAdminAPIReadsAndSetsTheSwitch(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let store = try await t.send(.GET, "/admin/api/v1/identityStores/default", token: token)
            #expect(selfService(store)?["accountDeletion"] as? Bool == true, "\(store.body)")

            let off = try await t.send(
                .PATCH, "/admin/api/v1/identityStores/default", json: #"{"selfService":{"accountDeletion":false}}"#, token: token)
            #expect(off.status == .ok && selfService(off)?["accountDeletion"] as? Bool == false, "\(off.body)")
            let read = try await t.send(.GET, "/admin/api/v1/identityStores/default", token: token)
            #expect(selfService(read)?["accountDeletion"] as? Bool == false)
            // Other fields left out keep the switch as it is.
            let described = try await t.send(.PATCH, "/admin/api/v1/identityStores/default", json: #"{"description":"Shop"}"#, token: token)
            #expect(selfService(described)?["accountDeletion"] as? Bool == false)

            for bad in [
                #"{"selfService":{"accountDeletion":"no"}}"#, #"{"selfService":{"deleteAccounts":true}}"#, #"{"selfService":true}"#,
            ] {
                let refused = try await t.send(.PATCH, "/admin/api/v1/identityStores/default", json: bad, token: token)
                #expect(refused.status == .badRequest, "\(bad)")
                #expect(refused.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            }
            #expect(
                selfService(try await t.send(.GET, "/admin/api/v1/identityStores/default", token: token))?["accountDeletion"] as? Bool
                    == false)

            let created = try await t.send(
                .POST, "/admin/api/v1/identityStores",
                json: #"{"name":"kept","identifiers":["EMAIL"],"selfService":{"accountDeletion":false}}"#, token: token)
            #expect(created.status == .created && selfService(created)?["accountDeletion"] as? Bool == false, "\(created.body)")
            let plain = try await t.send(
                .POST, "/admin/api/v1/identityStores", json: #"{"name":"plain","identifiers":["EMAIL"]}"#, token: token)
            #expect(selfService(plain)?["accountDeletion"] as? Bool == true)
        }
    }

    @Test(arguments: TestDatabase.available)
    func offTheAccountPageHasNoDeleteAndRefusesOne(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let c = try await SelfServiceCustomer.make(t)
            var browser = Browser()
            _ = try await c.signIn(&browser)
            #expect(try await t.send(.GET, "/account", headers: browser.header).body.contains(#"id="delete-account""#))

            let token = try await t.token()
            _ = try await t.send(
                .PATCH, "/admin/api/v1/identityStores/default", json: #"{"selfService":{"accountDeletion":false}}"#, token: token)
            let page = try await t.send(.GET, "/account", headers: browser.header)
            #expect(page.status == .ok)
            #expect(!page.body.contains(#"id="delete-account""#) && !page.body.contains("Delete your account"))

            let refused = try await t.send(
                .POST, "/account/delete", headers: browser.header,
                form: c.flows.query([
                    ("csrf", try c.csrf(page)), ("confirmation", "DELETE"), ("currentPassword", SelfServiceCustomer.password),
                ]))
            #expect(refused.status == .forbidden)
            #expect(refused.body.contains("Your account cannot be deleted here") || refused.body.contains("Ask your administrator"))
            #expect(try await accountExists(c))
            #expect(try await c.isSignedIn(browser))
            #expect(try await !c.auditActions().contains("account.deleted"))
            #expect(try await !c.eventTypes().contains("account.deleted"))

            // Back on, the same request deletes the account.
            _ = try await t.send(
                .PATCH, "/admin/api/v1/identityStores/default", json: #"{"selfService":{"accountDeletion":true}}"#, token: token)
            let again = try await t.send(.GET, "/account", headers: browser.header)
            let deleted = try await t.send(
                .POST, "/account/delete", headers: browser.header,
                form: c.flows.query([
                    ("csrf", try c.csrf(again)), ("confirmation", "DELETE"), ("currentPassword", SelfServiceCustomer.password),
                ]))
            #expect(deleted.status == .ok && deleted.body.contains("Your account is deleted"))
            #expect(try await !accountExists(c))
        }
    }

    @Test(arguments: TestDatabase.available)
    func theConsolesStoresPageSetsTheSwitchWithItsCSRFToken(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let console = try await ConsoleBrowser.signIn(t)
            let page = try await console.get("/admin/stores")
            #expect(page.status == .ok)
            let ticked = #"id="account-deletion-default" name="accountDeletion" style="width:auto" checked"#
            #expect(page.body.contains(ticked), "\(page.body)")
            let csrf = try #require(
                page.body.components(separatedBy: #"name="csrf" value=""#).dropFirst().first?.components(separatedBy: "\"").first)
            let token = csrf.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let api = try await t.token()

            let forged = try await t.send(.POST, "/admin/stores/default", headers: console.cookieHeader, form: "description=x")
            #expect(forged.status == .forbidden)
            let unchanged = try await t.send(.GET, "/admin/api/v1/identityStores/default", token: api)
            #expect(selfService(unchanged)?["accountDeletion"] as? Bool == true)

            // The box left unticked: off.
            let saved = try await t.send(
                .POST, "/admin/stores/default", headers: console.cookieHeader, form: "csrf=\(token)&description=Shop")
            #expect(saved.status == .seeOther, "\(saved.body.prefix(300))")
            let off = try await t.send(.GET, "/admin/api/v1/identityStores/default", token: api)
            #expect(selfService(off)?["accountDeletion"] as? Bool == false && off["description"] as? String == "Shop")
            let shown = try await console.get("/admin/stores?notice=saved")
            #expect(shown.body.contains("Identity store saved.") && shown.body.contains(#"id="account-deletion-default""#))
            #expect(!shown.body.contains(ticked))

            let on = try await t.send(
                .POST, "/admin/stores/default", headers: console.cookieHeader, form: "csrf=\(token)&description=Shop&accountDeletion=on")
            #expect(on.status == .seeOther)
            #expect(
                selfService(try await t.send(.GET, "/admin/api/v1/identityStores/default", token: api))?["accountDeletion"] as? Bool == true
            )
            let unknown = try await t.send(
                .POST, "/admin/stores/nope", headers: console.cookieHeader, form: "csrf=\(token)&accountDeletion=on")
            #expect(unknown.status == .notFound && unknown.body.contains("No identity store named"))
        }
    }
}
