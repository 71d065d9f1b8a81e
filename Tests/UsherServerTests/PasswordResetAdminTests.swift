import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Issue 23's administrator actions: `POST …/accounts/{id}/passwordReset` → 202 with the email
/// queued, `POST …/accounts/{id}/signOut` → 204 with every session and refresh token ended.
@Suite struct PasswordResetAdminTests {
    typealias Browser = OIDCFlowTests.Browser

    @Test(arguments: TestDatabase.available)
    func anAdministratorSendsAResetEmailAndSignsAnAccountOutEverywhere(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let c = try await SelfServiceCustomer.make(t)
            let path = "/admin/api/v1/identityStores/default/accounts/\(c.accountId)"
            let sent = try await t.send(.POST, path + "/passwordReset", token: c.f.token)
            #expect(sent.status == .accepted, "\(sent.body)")
            let email = try #require(try await c.emails().first)
            #expect(email.kind == PasswordReset.linkKind)
            _ = try c.linkToken(email, path: "/password/reset")

            var laptop = Browser()
            var phone = Browser()
            let refresh = try await c.signIn(&laptop)
            _ = try await c.signIn(&phone)
            #expect(try await c.isSignedIn(laptop))
            #expect(try await c.isSignedIn(phone))
            let out = try await t.send(.POST, path + "/signOut", token: c.f.token)
            #expect(out.status == .noContent, "\(out.body)")
            #expect(try await !c.isSignedIn(laptop))
            #expect(try await !c.isSignedIn(phone))
            #expect(try await c.refresh(refresh)["error"] as? String == "invalid_grant")
            let actions = try await c.auditActions()
            #expect(actions.contains("account.password_reset_requested") && actions.contains("account.signed_out"))

            // Unknown accounts, and tokens without write:account.
            let unknown = "/admin/api/v1/identityStores/default/accounts/\(UUID().uuidString)"
            #expect(try await t.send(.POST, unknown + "/passwordReset", token: c.f.token).status == .notFound)
            #expect(try await t.send(.POST, unknown + "/signOut", token: c.f.token).status == .notFound)
            let reader = try await t.token(scopes: ["read:account"])
            #expect(try await t.send(.POST, path + "/passwordReset", token: reader).status == .forbidden)
            #expect(try await t.send(.POST, path + "/signOut", token: reader).status == .forbidden)
            #expect(try await c.emails().count == 1)
        }
    }

    /// The console's two buttons on an account: the same actions, behind the console's CSRF token.
    @Test(arguments: TestDatabase.available)
    func theConsoleOffersBothActionsOnAnAccountsPage(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let c = try await SelfServiceCustomer.make(t)
            var laptop = Browser()
            _ = try await c.signIn(&laptop)
            let admin = try await ConsoleBrowser.signIn(t)
            let path = "/admin/accounts/default/\(c.accountId)"
            let page = try await admin.get(path)
            #expect(page.body.contains("id=\"send-password-reset\"") && page.body.contains("id=\"sign-out-everywhere\""))
            let csrf = try c.csrf(page)
            let forged = try await t.send(.POST, path + "/sign-out", headers: admin.cookieHeader, form: "csrf=forged")
            #expect(forged.status == .forbidden)
            #expect(try await c.isSignedIn(laptop))

            let reset = try await t.send(.POST, path + "/password-reset", headers: admin.cookieHeader, form: "csrf=\(csrf)")
            #expect(reset.headers.first(name: .location) == path + "?done=passwordReset")
            #expect(try await c.emails().map(\.kind) == [PasswordReset.linkKind])
            let out = try await t.send(.POST, path + "/sign-out", headers: admin.cookieHeader, form: "csrf=\(csrf)")
            #expect(out.headers.first(name: .location) == path + "?done=signedOut")
            #expect(try await !c.isSignedIn(laptop))
            #expect(try await admin.get(path + "?done=signedOut").body.contains("Signed out everywhere"))
        }
    }

    /// The email speaks the account's language (its locale, with the usual fallbacks).
    @Test(arguments: TestDatabase.available)
    func theEmailSpeaksTheAccountsLanguage(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let created = try await t.send(
                .POST, "/admin/api/v1/identityStores/default/accounts",
                json: #"{"email":"hans@example.com","password":"a long test password","locale":"de"}"#,
                token: token)
            let id = try #require(created["id"] as? String, "\(created.body)")
            #expect(
                try await t.send(.POST, "/admin/api/v1/identityStores/default/accounts/\(id)/passwordReset", token: token).status
                    == .accepted)
            struct Row: Decodable {
                var subject: String
                var language: String
            }
            let email = try #require(
                try await t.app.db.sql.raw("SELECT subject, language FROM outbox WHERE recipient = 'hans@example.com'").first(
                    decoding: Row.self))
            #expect(email.language == "de-DE" && email.subject == "Passwort für default zurücksetzen")
        }
    }

    /// An account that signs in only with an upstream provider is told so instead of getting a link.
    @Test(arguments: TestDatabase.available)
    func anAccountWithoutPasswordButWithAProviderIsToldHowItSignsIn(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let created = try await t.send(
                .POST, "/admin/api/v1/identityStores/default/accounts", json: #"{"email":"fed@example.com"}"#, token: token)
            let id = try #require(created["id"] as? String)
            let provider = UUID()
            try await t.app.db.sql.insertRow(
                into: "external_login_providers",
                [
                    "id": provider, "name": "Acme ID", "issuer": "https://id.acme.test", "client_id": "c", "client_secret": "s",
                    "scopes": "openid",
                    "claim_mapping": "{}", "created_at": Date(),
                ])
            try await t.app.db.sql.insertRow(
                into: "external_identities",
                [
                    "id": UUID(), "account_id": UUID(uuidString: id)!, "provider_id": provider, "issuer": "https://id.acme.test",
                    "subject": "s1",
                    "email": "fed@example.com", "created_at": Date(),
                ])
            let sent = try await t.send(.POST, "/admin/api/v1/identityStores/default/accounts/\(id)/passwordReset", token: token)
            #expect(sent.status == .accepted, "\(sent.body)")
            struct Row: Decodable {
                var kind: String
                var text_body: String
                var link_secret: String?
            }
            let emails = try await t.app.db.sql.raw("SELECT kind, text_body, link_secret FROM outbox WHERE recipient = 'fed@example.com'")
                .all(decoding: Row.self)
            #expect(emails.map(\.kind) == [PasswordReset.externalNoticeKind])
            #expect(emails.first?.text_body.contains("Acme ID") == true)
            #expect(emails.first?.link_secret == nil)
            #expect(try await t.app.db.sql.raw("SELECT token_hash FROM password_resets").all().isEmpty)
        }
    }
}

/// With no SMTP server the console's Mailbox is the delivery: a reset link shows there while it
/// works (the sweep keeps it sealed meanwhile), and `[hidden]` once it is used.
@Suite struct PasswordResetMailboxTests {
    @Test(arguments: TestDatabase.available)
    func theLocalMailboxShowsAResetLinkWhileItWorks(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let c = try await SelfServiceCustomer.make(t)
            #expect(
                try await t.send(.POST, "/admin/api/v1/identityStores/default/accounts/\(c.accountId)/passwordReset", token: c.f.token)
                    .status == .accepted)
            _ = try await t.app.usher.outbox?.runOnce()
            try await Outbox.dropDeadLinks(now: Date(), on: t.app.db)
            let email = try #require(try await c.emails().first)
            let token = try c.linkToken(email, path: "/password/reset")
            let admin = try await ConsoleBrowser.signIn(t)
            let shown = try await admin.get("/admin/mailbox/\(email.id.uuidString.lowercased())")
            #expect(shown.body.contains("/password/reset?token=\(token)"), "\(shown.body)")
            // The API never shows it.
            let api = try await t.send(.GET, "/admin/api/v1/mailbox?to=\(c.email)", token: c.f.token)
            #expect(!api.body.contains(token))

            _ = try await PasswordReset.reset(token: token, passwordHash: "x", flow: nil, on: t.app.db, now: Date())
            let after = try await admin.get("/admin/mailbox/\(email.id.uuidString.lowercased())")
            #expect(!after.body.contains(token))
            // A day later the sweep forgets the sealed link.
            try await Outbox.dropDeadLinks(now: Date().addingTimeInterval(SelfServiceLinks.keptInMailbox + 60), on: t.app.db)
            #expect(try await c.emails().first?.link_secret == nil)
        }
    }
}
