import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Issue 23's account page: only for a signed-in customer, every form CSRF-protected, the
/// current password asked again for the sensitive changes.
@Suite struct AccountPageTests {
    typealias Browser = OIDCFlowTests.Browser

    func post(_ c: SelfServiceCustomer, _ browser: Browser, _ path: String, _ fields: [(String, String)]) async throws -> TestApp.Reply {
        let page = try await c.t.send(.GET, "/account", headers: browser.header)
        return try await c.t.send(.POST, path, headers: browser.header, form: c.flows.query([("csrf", try c.csrf(page))] + fields))
    }

    struct Row: Decodable {
        var email: String?
        var email_verified: Bool
        var pending_email: String?
        var given_name: String?
    }

    func row(_ c: SelfServiceCustomer) async throws -> Row? {
        try await c.t.app.db.sql.raw(
            "SELECT email, email_verified, pending_email, given_name FROM accounts WHERE id = \(bind: UUID(uuidString: c.accountId)!)"
        ).first(decoding: Row.self)
    }

    @Test(arguments: TestDatabase.available)
    func onlyASignedInCustomerSeesTheirPageAndEveryFormNeedsItsToken(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let c = try await SelfServiceCustomer.make(t)
            let anonymous = try await t.send(.GET, "/account", headers: ["Accept": "text/html"])
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.body.contains("Sign in to see your account"))
            #expect(try await t.send(.POST, "/account/profile", form: "givenName=Mallory").status == .unauthorized)

            var browser = Browser()
            _ = try await c.signIn(&browser)
            let page = try await t.send(.GET, "/account", headers: browser.header)
            #expect(page.status == .ok)
            #expect(page.body.contains(c.email) && page.body.contains("value=\"Carol\""))
            #expect(page.body.contains("this browser"))
            for path in [
                "/account/profile", "/account/password", "/account/email", "/account/verification", "/account/sessions/end-others",
                "/account/delete",
            ] {
                let forged = try await t.send(
                    .POST, path, headers: browser.header, form: "csrf=forged&givenName=Mallory&confirmation=DELETE&currentPassword=x")
                #expect(forged.status == .forbidden, "\(path)")
            }
            #expect(try await row(c)?.given_name == "Carol")

            let saved = try await post(
                c, browser, "/account/profile", [("givenName", "Caroline"), ("familyName", "Jones"), ("locale", "en-GB")])
            #expect(saved.status == .seeOther)
            #expect(saved.headers.first(name: .location) == "/account?done=profileSaved")
            #expect(try await row(c)?.given_name == "Caroline")
            let bad = try await post(c, browser, "/account/profile", [("givenName", String(repeating: "x", count: 201))])
            #expect(bad.status == .badRequest && bad.body.contains("Given name"))
            #expect(try await row(c)?.given_name == "Caroline")
        }
    }

    @Test(arguments: TestDatabase.available)
    func changingThePasswordNeedsTheCurrentOneAndSignsOutTheOtherBrowsers(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let c = try await SelfServiceCustomer.make(t)
            var here = Browser()
            var there = Browser()
            _ = try await c.signIn(&here)
            let refresh = try await c.signIn(&there)
            let new = "another long password"
            let wrong = try await post(
                c, here, "/account/password", [("currentPassword", "not it at all"), ("password", new), ("passwordConfirmation", new)])
            #expect(wrong.status == .badRequest && wrong.body.contains("current password is not right"))
            #expect(try await c.isSignedIn(there))

            let changed = try await post(
                c, here, "/account/password",
                [("currentPassword", SelfServiceCustomer.password), ("password", new), ("passwordConfirmation", new)])
            #expect(changed.status == .seeOther, "\(changed.body)")
            #expect(try await c.isSignedIn(here))
            #expect(try await !c.isSignedIn(there))
            #expect(try await c.refresh(refresh)["error"] as? String == "invalid_grant")
            var desk = Browser()
            _ = try await c.signIn(&desk, password: new)
            #expect(try await c.auditActions().contains("account.password_changed"))

            // Signing out the other browsers from the page.
            let ended = try await post(c, here, "/account/sessions/end-others", [])
            #expect(ended.status == .seeOther)
            #expect(try await !c.isSignedIn(desk))
            #expect(try await c.isSignedIn(here))
        }
    }

    /// A new address takes effect only through the link sent to it; the old address is told.
    @Test(arguments: TestDatabase.available)
    func anEmailChangeWaitsForTheNewAddressesLink(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let c = try await SelfServiceCustomer.make(t)
            var browser = Browser()
            _ = try await c.signIn(&browser)
            let wrong = try await post(
                c, browser, "/account/email", [("email", "carol.new@example.com"), ("currentPassword", "nope nope nope")])
            #expect(wrong.status == .badRequest)
            #expect(try await c.emails(to: "carol.new@example.com").isEmpty)

            let asked = try await post(
                c, browser, "/account/email", [("email", "carol.new@example.com"), ("currentPassword", SelfServiceCustomer.password)])
            #expect(asked.status == .seeOther, "\(asked.body)")
            #expect(try await row(c)?.email == c.email)
            #expect(try await row(c)?.pending_email == "carol.new@example.com")
            let notice = try #require(try await c.emails().last)
            #expect(notice.kind == "email_change_notice" && notice.text_body.contains("carol.new@example.com") && notice.link_secret == nil)
            let link = try #require(try await c.emails(to: "carol.new@example.com").first)
            let token = try c.linkToken(link, path: "/email/verify")
            try await EmailVerification.verify(token: token, on: t.app.db, now: Date())
            let after = try #require(try await row(c))
            #expect(after.email == "carol.new@example.com" && after.email_verified && after.pending_email == nil)
            #expect(try await c.eventTypes().suffix(2) == ["account.email_verified", "account.email_changed"])
        }
    }

    @Test(arguments: TestDatabase.available)
    func deletingTheAccountNeedsTheWordAndThePassword(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let c = try await SelfServiceCustomer.make(t)
            var browser = Browser()
            _ = try await c.signIn(&browser)
            let noWord = try await post(
                c, browser, "/account/delete", [("confirmation", "yes"), ("currentPassword", SelfServiceCustomer.password)])
            #expect(noWord.status == .badRequest)
            let noPassword = try await post(
                c, browser, "/account/delete", [("confirmation", "DELETE"), ("currentPassword", "wrong wrong")])
            #expect(noPassword.status == .badRequest)
            #expect(try await row(c) != nil)
            let deleted = try await post(
                c, browser, "/account/delete", [("confirmation", "DELETE"), ("currentPassword", SelfServiceCustomer.password)])
            #expect(deleted.status == .ok && deleted.body.contains("Your account is deleted"))
            #expect(try await row(c) == nil)
            #expect(try await c.auditActions().contains("account.deleted"))
            #expect(try await c.eventTypes().last == "account.deleted")
            browser.absorb(deleted)
            #expect(try await t.send(.GET, "/account", headers: browser.header).status == .unauthorized)
        }
    }
}
