import Foundation
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// The console pages a person is glad to use (issue 22): group member counts, destructive
/// actions that ask first, SAML2 creation and application editing, the duplicate invitation's
/// link, an invitation detail that reads well, and a mailbox whose links open a new tab.
@Suite struct ConsolePagesTests {
    func csrf(_ page: TestApp.Reply) throws -> String {
        try #require(
            page.body.components(separatedBy: #"name="csrf" value=""#).dropFirst().first?.components(separatedBy: "\"").first,
            "\(page.body.prefix(500))")
    }

    func form(_ items: [(String, String)]) -> String {
        items.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
    }

    @Test(arguments: TestDatabase.available)
    func groupsShowTheirMembersAndDeletingOneAsksFirst(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let vip = try await t.group(token: token, name: "VIP")
            _ = try await t.group(token: token, name: "Empty")
            for email in ["a@example.com", "b@example.com"] {
                let account = try #require(
                    try await t.send(
                        .POST, "/admin/api/v1/identityStores/default/accounts", json: #"{"email":"\#(email)"}"#, token: token)["id"]
                        as? String)
                let joined = try await t.send(
                    .POST, "/admin/api/v1/identityStores/default/groups/\(vip)/members", json: #"{"id":"\#(account)"}"#, token: token)
                #expect(joined.status == .noContent)
            }
            let console = try await ConsoleBrowser.signIn(t)
            let page = try await console.get("/admin/groups")
            #expect(page.body.contains("<tr><td>VIP</td><td></td><td>2</td>"), "\(page.body)")
            #expect(page.body.contains("<tr><td>Empty</td><td></td><td>0</td>"))
            // The API's list counts them too, as its get does.
            let listed = try await t.send(.GET, "/admin/api/v1/identityStores/default/groups", token: token).jsonArray
            #expect(listed.first { $0["name"] as? String == "VIP" }?["memberCount"] as? Int == 2)

            let path = "/admin/groups/default/\(vip)/delete"
            let asked = try await t.send(.POST, path, headers: console.cookieHeader, form: form([("csrf", try csrf(page))]))
            #expect(asked.status == .ok)
            #expect(asked.body.contains(#"<h1 id="confirm-question">Delete the group VIP?</h1>"#))
            #expect(asked.body.contains("Its 2 members leave it"))
            #expect(asked.body.contains(#"<form method="post" action="\#(path)""#) && asked.body.contains(#"name="confirm" value="yes""#))
            #expect(try await t.count("groups") == 2)
            let deleted = try await t.send(
                .POST, path, headers: console.cookieHeader, form: form([("csrf", try csrf(page)), ("confirm", "yes")]))
            #expect(deleted.status == .seeOther)
            #expect(try await t.count("groups") == 1)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aSAML2ApplicationIsCreatedWithoutAnEmptyClientAndApplicationsAreEditedThroughTheAPIsUpdate(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let console = try await ConsoleBrowser.signIn(t)
            let list = try await console.get("/admin/applications")
            let saml = try await t.send(
                .POST, "/admin/applications", headers: console.cookieHeader,
                form: form([("csrf", try csrf(list)), ("name", "Legacy"), ("store", "default"), ("protocol", "saml2")]))
            #expect(saml.status == .created)
            #expect(saml.body.contains("Application Legacy created. A SAML2 application has no OIDC client or secret."))
            #expect(!saml.body.contains("Client id"))

            let group = try await t.group(token: token, name: "Staff")
            let f = try await t.oidcApplication(token: token, name: "Shop", loginUrl: nil)
            let path = "/admin/applications/\(f.applicationId)"
            let page = try await console.get(path)
            #expect(page.body.contains(#"<form method="post" action="\#(path)" id="application-form">"#))
            #expect(page.body.contains("none — invitations need one"))
            #expect(page.body.contains(#"name="clientId0" value="\#(f.clientId)""#))

            // Refused as the API refuses, beside the client, with what was typed kept.
            let refused = try await t.send(
                .POST, path, headers: console.cookieHeader,
                form: form([
                    ("csrf", try csrf(page)), ("name", "Shop"), ("policy", f.policyId), ("clientId0", f.clientId),
                    ("redirectUris0", "https://shop.example.com/callback\nnot a uri"), ("loginUrl0", ""),
                ]))
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains("Redirect URI 2:"), "\(refused.body)")
            #expect(refused.body.contains("not a uri</textarea>"))
            var view = try await t.send(.GET, "/admin/api/v1/applications/\(f.applicationId)", token: token)
            #expect((view["clients"] as? [[String: Any]])?.first?["redirectUris"] as? [String] == ["https://shop.example.com/callback"])

            let saved = try await t.send(
                .POST, path, headers: console.cookieHeader,
                form: form([
                    ("csrf", try csrf(page)), ("name", "Web Shop"), ("policy", f.policyId), ("group[]", group),
                    ("clientId0", f.clientId), ("redirectUris0", "https://shop.example.com/callback\r\nhttps://shop.example.com/cb2"),
                    ("loginUrl0", "https://shop.example.com/login"),
                ]))
            #expect(saved.status == .seeOther, "\(saved.body)")
            view = try await t.send(.GET, "/admin/api/v1/applications/\(f.applicationId)", token: token)
            #expect(view["name"] as? String == "Web Shop")
            #expect((view["groups"] as? [[String: Any]])?.map { $0["id"] as? String } == [group])
            let client = try #require((view["clients"] as? [[String: Any]])?.first)
            #expect(client["clientId"] as? String == f.clientId)
            #expect(client["redirectUris"] as? [String] == ["https://shop.example.com/callback", "https://shop.example.com/cb2"])
            #expect(client["loginUrl"] as? String == "https://shop.example.com/login")
            // Now it can be invited to.
            #expect(try await t.invite(f, email: "new@example.com").status == .created)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aDuplicateInvitationLinksToThePendingOneAndItsPageReadsWell(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let console = try await ConsoleBrowser.signIn(t)
            let formPage = try await console.get("/admin/invite?store=default")
            func send(_ key: String) async throws -> TestApp.Reply {
                try await t.send(
                    .POST, "/admin/invite", headers: console.cookieHeader,
                    form: form([
                        ("csrf", try csrf(formPage)), ("store", "default"), ("applicationId", f.applicationId),
                        ("email", "grace@example.com"), ("language", "de-DE"), ("action", "send"), ("idempotencyKey", key),
                    ]))
            }
            let sent = try await send("console_first")
            #expect(sent.status == .seeOther)
            let location = try #require(sent.headers.first(name: .location)?.components(separatedBy: "?").first)
            let id = try #require(location.split(separator: "/").last.map(String.init))

            let duplicate = try await send("console_second")
            #expect(duplicate.status == .conflict)
            #expect(duplicate.body.contains(#"<a href="/admin/invitations/default/\#(id)" id="existing-invitation">"#), "\(duplicate.body)")

            let detail = try await console.get(location)
            #expect(
                detail.body.contains(#/Invited by admin@usher\.test on \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} UTC</p>/#),
                "\(detail.body)")
            #expect(!detail.body.contains("administrator:"))
            #expect(detail.body.contains("Deutsch (de-DE)") && detail.body.contains("(sent once)"))
            // No empty error after the delivery state, no Account row before there is an account.
            #expect(!detail.body.contains("</td></tr> — ") && !detail.body.contains(#"id="delivery-status">queued — "#))
            #expect(!detail.body.contains(#"id="invitation-account""#))
            // The audit log names people too, not raw ids.
            let audit = try await console.get("/admin/audit")
            #expect(audit.body.contains("admin@usher.test (administrator)") && !audit.body.contains("administrator:"), "\(audit.body)")
        }
    }

    @Test(arguments: TestDatabase.available)
    func theMailboxOpensTheEmailsLinksInANewTab(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            #expect(try await t.invite(f, email: "ada@example.com").status == .created)
            let console = try await ConsoleBrowser.signIn(t)
            let list = try await console.get("/admin/mailbox")
            let mailPath = try #require(
                list.body.components(separatedBy: #"<a href="/admin/mailbox/"#).dropFirst().first?.components(separatedBy: "\"").first)
            let mail = try await console.get("/admin/mailbox/" + mailPath)
            #expect(mail.status == .ok)
            #expect(mail.body.contains(#"sandbox="allow-popups allow-popups-to-escape-sandbox""#))
            // In srcdoc the markup is escaped once: every anchor of the email opens a new tab.
            #expect(mail.body.contains("&lt;a target=&quot;_blank&quot; rel=&quot;noopener noreferrer&quot;"))
            // The plain text's link is a link, to the application's login URL, escaped.
            #expect(
                mail.body.contains(#"<a href="https://shop.example.com/login?iss="#)
                    && mail.body.contains(#"target="_blank" rel="noopener noreferrer">https://shop.example.com/login?iss="#),
                "\(mail.body)")
        }
    }

    @Test func mailboxTextIsCutAtEachWebAddressAndAnchorsGetANewTab() {
        let parts = MailboxRendering.textParts("Open https://a.example/x?a=1&b=<2> now, or (https://b.example/y).\nBye")
        #expect(parts.map(\.text) == ["Open ", "https://a.example/x?a=1&b=", "<2> now, or (", "https://b.example/y", ").\nBye"])
        #expect(parts.map(\.url) == [nil, "https://a.example/x?a=1&b=", nil, "https://b.example/y", nil])
        #expect(MailboxRendering.textParts("javascript:alert(1) ftp://x").allSatisfy { $0.url == nil })
        #expect(
            MailboxRendering.linksOpenInNewTab(#"<p><A HREF="x" target="_self">a</A><abbr>b</abbr><a>c</a></p>"#)
                == #"<p><a target="_blank" rel="noopener noreferrer" HREF="x" target="_self">a</A><abbr>b</abbr><a target="_blank" rel="noopener noreferrer">c</a></p>"#
        )
    }
}
