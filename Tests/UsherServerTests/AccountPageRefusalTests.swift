import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Issue 23: the account page's refusals speak the account's language, as its other words do
/// (AccountPageRefusal, PageStrings.accountRefusals and the field errors).
@Suite struct AccountPageRefusalTests {
    typealias Browser = OIDCFlowTests.Browser

    func post(_ c: SelfServiceCustomer, _ browser: Browser, _ path: String, _ fields: [(String, String)]) async throws -> TestApp.Reply {
        let page = try await c.t.send(.GET, "/account", headers: browser.header)
        return try await c.t.send(.POST, path, headers: browser.header, form: c.flows.query([("csrf", try c.csrf(page))] + fields))
    }

    func speak(_ c: SelfServiceCustomer, _ language: PageLanguage) async throws {
        try await c.t.app.db.sql.raw(
            "UPDATE accounts SET locale = \(bind: language.rawValue) WHERE id = \(bind: UUID(uuidString: c.accountId)!)"
        ).run()
    }

    /// The alert's text as the page shows it (none of these words needs HTML escaping).
    func alert(_ reply: TestApp.Reply) -> String? {
        reply.body.firstMatch(of: /<div class="alert" role="alert" id="form-error">([^<]*)<\/div>/).map { String($0.1) }
    }

    @Test(arguments: TestDatabase.available)
    func everyLanguageHasTheRefusal(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let c = try await SelfServiceCustomer.make(t)
            var browser = Browser()
            _ = try await c.signIn(&browser)
            for language in PageLanguage.allCases {
                try await speak(c, language)
                let same = try await post(c, browser, "/account/email", [("email", c.email), ("currentPassword", "")])
                #expect(same.status == .badRequest)
                #expect(same.body.contains(#"<html lang="\#(language.rawValue)""#), "\(language)")
                #expect(alert(same) == language.strings.accountRefusals.emailUnchanged, "\(language)")
            }
        }
    }

    /// A German account: its own refusals, the field errors with their labels, and a limit's wait.
    @Test(arguments: TestDatabase.available)
    func aGermanAccountIsRefusedInGerman(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let c = try await SelfServiceCustomer.make(t)
            var browser = Browser()
            _ = try await c.signIn(&browser)
            try await speak(c, .german)
            let de = PageStrings.german

            let wrong = try await post(
                c, browser, "/account/password",
                [
                    ("currentPassword", "not it at all"), ("password", "another long password"),
                    ("passwordConfirmation", "another long password"),
                ])
            #expect(wrong.status == .badRequest)
            #expect(alert(wrong) == de.accountRefusals.wrongPassword)

            let short = try await post(
                c, browser, "/account/password",
                [("currentPassword", SelfServiceCustomer.password), ("password", "short"), ("passwordConfirmation", "short")])
            #expect(alert(short) == "\(de.account.newPassword): \(de.passwordProblem(.tooShort(10)))", "\(short.body)")

            let invalid = try await post(c, browser, "/account/email", [("email", "not an address")])
            #expect(alert(invalid) == "\(de.account.newEmail): \(de.fieldErrors.invalidEmail)")

            let delete = try await post(c, browser, "/account/delete", [("confirmation", "nope"), ("currentPassword", "")])
            #expect(delete.status == .badRequest)
            #expect(alert(delete) == PageStrings.fill(de.accountRefusals.confirmDelete, ["word": "DELETE"]))

            // The thrown errors keep their English words for everything but the page.
            #expect(AccountPageRefusal.wrongPassword.error.detail == PageStrings.english.accountRefusals.wrongPassword)
            #expect(AccountPageRefusal(AccountPageRefusal.deletionDisabled.error) == .deletionDisabled)
        }
    }

    /// A limit on the page says, in the account's language, how long to wait (PageRefusal).
    @Test(arguments: TestDatabase.available)
    func aLimitSaysHowLongToWaitInTheAccountsLanguage(_ db: TestDatabase) async throws {
        try await TestApp.with(db, configure: { $0.rateLimitsEnabled = true }) { t in
            let c = try await SelfServiceCustomer.make(t)
            var browser = Browser()
            _ = try await c.signIn(&browser)
            try await speak(c, .spanish)
            try await t.app.db.sql.raw("UPDATE accounts SET email_verified = \(bind: false)").run()
            // Five verification emails an hour per account, then 429.
            for _ in 0..<5 { #expect(try await post(c, browser, "/account/verification", []).status == .seeOther) }
            let limited = try await post(c, browser, "/account/verification", [])
            #expect(limited.status == .tooManyRequests)
            let wait = Int(try #require(limited.headers.first(name: .retryAfter)))
            #expect(alert(limited) == PageRefusal.tooManyRequests.text(.spanish, retryAfter: wait).detail, "\(limited.body)")
        }
    }
}
