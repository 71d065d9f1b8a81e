import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor

@testable import UsherServer

/// The console's Webhooks page: create (the secret shown once), disable and enable, choose event
/// types, rotate the secret, see deliveries and retry one; every form needs the session's CSRF token.
@Suite struct WebhookConsoleTests {
    func csrf(_ page: TestApp.Reply) throws -> String {
        let raw = try #require(
            page.body.components(separatedBy: #"name="csrf" value=""#).dropFirst().first?.components(separatedBy: "\"").first)
        return raw.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    func enc(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }

    @Test(arguments: TestDatabase.available)
    func theWebhooksPageManagesEndpoints(_ db: TestDatabase) async throws {
        try await TestApp.with(db, configure: WebhookTests.privateOK) { t in
            let console = try await ConsoleBrowser.signIn(t)
            let page = try await console.get("/admin/webhooks")
            #expect(page.status == .ok)
            #expect(page.body.contains("No webhooks yet") && page.body.contains(#"name="event:invitation.*""#))
            let token = try csrf(page)
            // Without the CSRF token: refused, nothing created.
            let forged = try await t.send(
                .POST, "/admin/webhooks", headers: console.cookieHeader, form: "url=\(enc("http://127.0.0.1:9/x"))&\(enc("event:*"))=on")
            #expect(forged.status == .forbidden)
            #expect(try await t.count("webhook_endpoints") == 0)
            // A private address without the switch would be refused; here the switch is on, so http to loopback works.
            let created = try await t.send(
                .POST, "/admin/webhooks", headers: console.cookieHeader,
                form: "csrf=\(token)&url=\(enc("http://127.0.0.1:9/x"))&description=crm&\(enc("event:invitation.accepted"))=on&enabled=on")
            #expect(created.status == .ok, "\(created.body.prefix(400))")
            #expect(created.body.contains("whsec_"))
            let api = try await t.token()
            let list = try await t.send(.GET, "/admin/api/v1/webhooks", token: api).decode([WebhookEndpointView].self)
            #expect(list.count == 1 && list[0].events == ["invitation.accepted"] && list[0].enabled)
            let id = list[0].id
            #expect(!(try await console.get("/admin/webhooks")).body.contains("whsec_"))

            // Disable, then choose other event types.
            #expect(
                try await t.send(.POST, "/admin/webhooks/\(id)", headers: console.cookieHeader, form: "csrf=\(token)&setEnabled=false")
                    .status
                    == .seeOther)
            let saved = try await t.send(
                .POST, "/admin/webhooks/\(id)", headers: console.cookieHeader,
                form: "csrf=\(token)&description=crm&\(enc("event:invitation.*"))=on&\(enc("event:account.created"))=on")
            #expect(saved.status == .seeOther, "\(saved.body.prefix(300))")
            let after = try await t.send(.GET, "/admin/api/v1/webhooks/\(id)", token: api).decode(WebhookEndpointView.self)
            #expect(!after.enabled && Set(after.events) == ["invitation.*", "account.created"])
            #expect(
                try await t.send(.POST, "/admin/webhooks/\(id)", headers: console.cookieHeader, form: "csrf=\(token)&setEnabled=true")
                    .status
                    == .seeOther)

            // A delivery shows on the page with its attempt, and can be retried.
            let f = try await t.oidcApplication(token: api)
            _ = try await t.invite(f, email: "console-hook@example.com")
            let receiver = WebhookTests.FakeReceiver([503])
            let w = WebhookWorker(
                db: t.app.db, sender: receiver, owner: "test", settings: t.app.webhooks.settings, secrets: t.app.usher.secrets,
                logger: t.app.logger)
            try await w.runOnce()
            let detail = try await console.get("/admin/webhooks/\(id)")
            #expect(detail.body.contains("invitation.created") && detail.body.contains("503"))
            let deliveryId = try await t.send(.GET, "/admin/api/v1/webhooks/\(id)/deliveries", token: api).decode(
                [WebhookDeliveryView].self)[0].id
            let retried = try await t.send(
                .POST, "/admin/webhooks/\(id)/deliveries/\(deliveryId)/retry", headers: console.cookieHeader, form: "csrf=\(token)")
            #expect(retried.status == .seeOther)

            // Rotate: a new secret shown once on the page.
            // Rotate and delete ask first; only the confirmed post acts.
            let asked = try await t.send(
                .POST, "/admin/webhooks/\(id)/rotateSecret", headers: console.cookieHeader, form: "csrf=\(token)")
            #expect(asked.status == .ok && asked.body.contains(#"id="confirm-action""#) && !asked.body.contains("whsec_"))
            let rotated = try await t.send(
                .POST, "/admin/webhooks/\(id)/rotateSecret", headers: console.cookieHeader, form: "csrf=\(token)&confirm=yes")
            #expect(rotated.status == .ok && rotated.body.contains("whsec_"))
            #expect(
                try await t.send(.POST, "/admin/webhooks/\(id)/delete", headers: console.cookieHeader, form: "csrf=\(token)").status
                    == .ok)
            #expect(try await t.count("webhook_endpoints") == 1)
            #expect(
                try await t.send(
                    .POST, "/admin/webhooks/\(id)/delete", headers: console.cookieHeader, form: "csrf=\(token)&confirm=yes"
                ).status == .seeOther)
            #expect(try await t.count("webhook_endpoints") == 0)
        }
    }
}
