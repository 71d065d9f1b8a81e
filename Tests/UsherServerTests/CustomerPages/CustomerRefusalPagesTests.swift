import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Issues 22 item 5 and 23: an emailed link's dead end, an expired form and a rate limit speak
/// the customer's language over HTTP — the account's for its links, else the browser's — while
/// the API's problem+json keeps its English words.
@Suite struct CustomerRefusalPagesTests {
    typealias Browser = OIDCFlowTests.Browser

    /// A German account's used reset link: the refusal page is German, under `lang="de-DE"`, even
    /// for a browser that prefers English, and a forged form on that link is refused in German too.
    @Test(arguments: TestDatabase.available)
    func aGermanAccountsUsedResetLinkIsRefusedInGerman(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let c = try await SelfServiceCustomer.make(t)
            try await t.app.db.sql.raw("UPDATE accounts SET locale = 'de-DE' WHERE email = \(bind: c.email)").run()
            var browser = Browser()
            #expect(try await c.forgot(c.email, browser: &browser).status == .ok)
            let token = try c.linkToken(try #require(try await c.emails().first), path: "/password/reset")
            var english = browser.header
            english.add(name: .acceptLanguage, value: "en-US,en;q=0.9")
            english.add(name: .accept, value: "text/html")
            let form = try await t.send(.GET, "/password/reset?token=\(token)", headers: english)
            #expect(form.status == .ok && form.body.contains(#"lang="de-DE""#), "\(form.body)")
            let password = PasswordResetTests.newPassword
            let done = try await t.send(
                .POST, "/password/reset", headers: english,
                form: c.flows.query([
                    ("token", token), ("csrf", try c.csrf(form)), ("password", password), ("passwordConfirmation", password),
                ]))
            #expect(done.status == .ok || done.status == .seeOther, "\(done.status) \(done.body)")

            let used = try await t.send(.GET, "/password/reset?token=\(token)", headers: english)
            #expect(used.status == .gone)
            #expect(used.body.contains(#"<html lang="de-DE">"#), "\(used.body)")
            #expect(used.body.contains("Dieser Link wurde bereits verwendet"), "\(used.body)")
            #expect(used.body.contains("Es wurde nichts geändert."))
            #expect(!used.body.contains("This link has already been used"))

            let forged = try await t.send(
                .POST, "/password/reset", headers: english,
                form: c.flows.query([("token", token), ("csrf", "forged"), ("password", password), ("passwordConfirmation", password)]))
            #expect(forged.status == .forbidden)
            #expect(
                forged.body.contains(#"<html lang="de-DE">"#) && forged.body.contains("Dieses Formular ist abgelaufen"), "\(forged.body)")

            // The API caller of the same refusal still reads the English problem.
            let api = try await t.send(.GET, "/password/reset?token=\(token)", headers: ["Accept": "application/json"])
            #expect(api.status == .gone)
            #expect(api["errorKey"] as? String == "passwordReset.used" && api["title"] as? String == "This link has already been used")
        }
    }

    /// A link never issued belongs to no account: the browser's language answers.
    @Test(arguments: TestDatabase.available)
    func anUnknownVerificationLinkSpeaksTheBrowsersLanguage(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let unknown = try await t.send(
                .GET, "/email/verify?token=ev_nothing", headers: ["Accept": "text/html", "Accept-Language": "fr-CH, en;q=0.5"])
            #expect(unknown.status == .notFound)
            #expect(unknown.body.contains(#"<html lang="fr-FR">"#) && unknown.body.contains("Ce lien n’est pas valide"), "\(unknown.body)")
        }
    }
}
