import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Issue 14, item 1: HTML escaping that holds for every string, in every page and email.
@Suite struct SecurityEscapingTests {
    /// What the security review injected: a grapheme cluster that hides `"`, `<` or `>` from an
    /// escaper comparing characters, followed by markup that redirects or posts elsewhere.
    static func hostile(_ cluster: String) -> String {
        "x\(cluster)><meta http-equiv=refresh content=0;url=//evil.example><form action=https://evil.example>\(cluster)"
    }

    static let clusters = ["\"\u{0301}", ">\u{0301}", "<\u{0301}", "\u{0600}<", "\u{0D4E}<", "\u{0D4E}\"", "'\u{0301}"]

    /// Whether `html` holds any markup character that did not come from the template itself.
    static func leaks(_ html: String) -> Bool {
        html.contains("<meta http-equiv") || html.contains("<form action=https://evil")
            || clusters.contains { html.contains($0) }
    }

    /// Every variable a template names, so that each can be filled with hostile text.
    static func variables(in template: String) -> Set<String> {
        Set(template.matches(of: /\{\{[#^\/]?\s*([A-Za-z0-9_.]+)\s*\}\}/).map { String($0.1) })
    }

    @Test(arguments: clusters)
    func everyBuiltInHTMLTemplateEscapesEveryVariable(_ cluster: String) throws {
        let templates = try Templates.load(overrideDirectory: nil)
        var checked = 0
        for (name, text) in BuiltInTemplates.all where !name.hasSuffix(".text") && !name.hasSuffix(".subject") {
            let context = Dictionary(uniqueKeysWithValues: Self.variables(in: text).map { ($0, Self.hostile(cluster) as Any) })
            let html = templates.render(name, context)
            #expect(!html.isEmpty, "\(name) rendered nothing")
            #expect(!Self.leaks(html), "\(name) wrote hostile text raw")
            checked += 1
        }
        #expect(checked >= 10)
    }

    @Test func anOperatorsTemplateIsEscapedToo() throws {
        let directory = NSTemporaryDirectory() + "usher-templates-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/page", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "<p title=\"{{name}}\">{{name}}</p>".write(toFile: directory + "/page/custom.mustache", atomically: true, encoding: .utf8)
        let templates = try Templates.load(overrideDirectory: directory)
        let html = templates.render("page/custom", ["name": Self.hostile("\"\u{0301}")])
        #expect(!Self.leaks(html))
        #expect(html.hasPrefix("<p title=\"x&quot;\u{0301}&gt;&lt;meta"))
    }

    @Test(arguments: TestDatabase.available)
    func theConsoleSignInPageKeepsANextLinkInert(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            for cluster in Self.clusters {
                let next = "/admin/accounts" + Self.hostile(cluster)
                let page = try await t.send(
                    .GET, "/admin/signin?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
                #expect(page.status == .ok)
                #expect(!Self.leaks(page.body))
                #expect(page.body.components(separatedBy: "<form").count == 2, "one form only")
                let csp = page.headers.first(name: "Content-Security-Policy") ?? ""
                #expect(csp.contains("form-action 'self';"), "\(csp)")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func namesThatHideMarkupAreRefusedAndChangeNothing(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            for cluster in Self.clusters {
                let name = "Shop\(cluster)meta"
                let json = try String(data: JSONSerialization.data(withJSONObject: ["name": name]), encoding: .utf8)!
                let group = try await t.send(.POST, "/admin/api/v1/identityStores/default/groups", json: json, token: token)
                #expect(group.status == .badRequest)
                #expect(group.fieldNames == ["name"])
                let app = try await t.send(.PATCH, "/admin/api/v1/applications/\(f.applicationId)", json: json, token: token)
                #expect(app.status == .badRequest)
                let invitation = try await t.send(
                    .POST, "/admin/api/v1/identityStores/default/invite",
                    json: String(
                        data: JSONSerialization.data(withJSONObject: [
                            "clientId": f.clientId, "email": "jane@example.com",
                            "metadata": ["givenName": name],
                        ]), encoding: .utf8)!, token: token)
                #expect(invitation.status == .badRequest)
                let email = try await t.send(
                    .POST, "/admin/api/v1/identityStores/default/invite",
                    json: String(
                        data: JSONSerialization.data(withJSONObject: ["clientId": f.clientId, "email": "ja\(cluster)ne@example.com"]),
                        encoding: .utf8)!,
                    token: token)
                #expect(email.status == .badRequest)
            }
            #expect(try await t.count("invitations") == 0)
            #expect(try await t.count("groups") == 0)
        }
    }

    /// Rows written before this fix (or by a direct database edit) are escaped on the way out:
    /// the sign-up page and the invitation email of an application whose name hides markup.
    @Test(arguments: TestDatabase.available)
    func storedNamesAreEscapedInTheSignUpPageAndTheEmail(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let hostile = Self.hostile("\"\u{0301}")
            try await t.app.db.sql.raw("UPDATE applications SET name = \(bind: hostile)").run()
            let invitation = try await t.invite(f, email: "jane@example.com", extra: #","metadata":{"givenName":"Jane"}"#)
            #expect(invitation.status == .created)
            struct Mail: Decodable {
                var html_body: String?
                var subject: String
            }
            let mails = try await t.app.db.sql.raw("SELECT html_body, subject FROM outbox").all(decoding: Mail.self)
            #expect(mails.count == 1)
            for mail in mails { #expect(!Self.leaks(mail.html_body ?? "")) }

            let hint = try #require(
                URLComponents(string: invitation["link"] as! String)?.queryItems?.first { $0.name == "login_hint" }?.value)
            var browser = OIDCFlowTests.Browser()
            let authorize = try await t.send(
                .GET,
                "/oauth2/authorize?"
                    + OIDCFlowTests().query([
                        ("response_type", "code"), ("client_id", f.clientId), ("redirect_uri", OIDCFlowTests.redirect), ("scope", "openid"),
                        ("login_hint", hint), ("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
                        ("code_challenge_method", "S256"),
                    ]), headers: browser.header)
            browser.absorb(authorize)
            let page = try await t.send(.GET, try #require(authorize.headers.first(name: .location)), headers: browser.header)
            #expect(page.status == .ok)
            #expect(page.body.contains("Create your account"))
            #expect(!Self.leaks(page.body))
            // Forms may lead to Usher and to the application's redirect URI only.
            let csp = page.headers.first(name: "Content-Security-Policy") ?? ""
            #expect(csp.contains("form-action 'self' https://shop.example.com;"), "\(csp)")
        }
    }
}
