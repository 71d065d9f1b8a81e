import Foundation
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// The console's Organizations pages: list, create, edit, members with roles, remove (issue 16).
@Suite struct OrganizationConsoleTests {
    func csrf(_ page: TestApp.Reply) throws -> String {
        try #require(
            page.body.components(separatedBy: #"name="csrf" value=""#).dropFirst().first?.components(separatedBy: "\"").first,
            "\(page.body)")
    }

    func form(_ items: [(String, String)]) -> String {
        items.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
    }

    @Test(arguments: TestDatabase.available)
    func administratorsManageOrganizationsAndMembersInTheConsole(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let account = try #require(
                try await t.send(
                    .POST, "/admin/api/v1/identityStores/default/accounts", json: #"{"email":"ann@example.com"}"#, token: token)[
                        "id"] as? String)
            let console = try await ConsoleBrowser.signIn(t)
            let list = try await console.get("/admin/organizations")
            #expect(list.status == .ok && list.body.contains("<h1>Organizations</h1>"))
            #expect(list.body.contains(#"href="/admin/organizations" aria-current="page""#))
            let csrf = try csrf(list)

            // Refused without the session's CSRF token.
            let forged = try await t.send(.POST, "/admin/organizations", headers: console.cookieHeader, form: "store=default&name=x")
            #expect(forged.status == .forbidden)
            let role = try await t.send(
                .POST, "/admin/roles", headers: console.cookieHeader, form: form([("csrf", csrf), ("store", "default"), ("name", "admin")]))
            #expect(role.status == .seeOther)
            let created = try await t.send(
                .POST, "/admin/organizations", headers: console.cookieHeader,
                form: form([
                    ("csrf", csrf), ("store", "default"), ("name", "acme"), ("displayName", "Acme <Corp>"),
                    ("domains", "acme.com, acme.org"),
                ]))
            #expect(created.status == .seeOther)
            let path = try #require(created.headers.first(name: .location)?.components(separatedBy: "?").first)
            let orgId = try #require(path.split(separator: "/").last.map(String.init))
            let duplicate = try await t.send(
                .POST, "/admin/organizations", headers: console.cookieHeader,
                form: form([("csrf", csrf), ("store", "default"), ("name", "acme")]))
            #expect(duplicate.status == .conflict && duplicate.body.contains("already exists"))

            var detail = try await console.get(path)
            #expect(detail.status == .ok && detail.body.contains("Acme &lt;Corp&gt;") && !detail.body.contains("Acme <Corp>"))
            #expect(detail.body.contains("No members yet."))
            let roleId = try #require(
                try await t.send(.GET, "/admin/api/v1/identityStores/default/roles", token: token).jsonArray.first?["id"] as? String)
            #expect(detail.body.contains(#"name="role0" value="\#(roleId)""#))

            let added = try await t.send(
                .POST, path + "/members", headers: console.cookieHeader,
                form: form([("csrf", csrf), ("email", "Ann@Example.com"), ("role0", roleId)]))
            #expect(added.status == .seeOther)
            detail = try await console.get(path)
            #expect(detail.body.contains("ann@example.com") && detail.body.contains(#"<span class="chip">admin</span>"#))
            let unknown = try await t.send(
                .POST, path + "/members", headers: console.cookieHeader, form: form([("csrf", csrf), ("email", "nobody@example.com")]))
            #expect(unknown.status == .notFound && unknown.body.contains("No account in this store"))

            let saved = try await t.send(
                .POST, path, headers: console.cookieHeader,
                form: form([("csrf", csrf), ("name", "acme"), ("displayName", "Acme"), ("domains", "")]))
            #expect(saved.status == .seeOther)
            let view = try await t.send(.GET, "/admin/api/v1/identityStores/default/organizations/\(orgId)", token: token)
            #expect(view["displayName"] as? String == "Acme" && (view["domains"] as? [String]) == [])

            // Removing asks first: without the confirmation nothing is removed.
            let asked = try await t.send(
                .POST, path + "/members/\(account)/delete", headers: console.cookieHeader, form: form([("csrf", csrf)]))
            #expect(asked.status == .ok && asked.body.contains(#"id="confirm-action""#))
            #expect(try await console.get(path).body.contains("No members yet.") == false)
            let removed = try await t.send(
                .POST, path + "/members/\(account)/delete", headers: console.cookieHeader, form: form([("csrf", csrf), ("confirm", "yes")]))
            #expect(removed.status == .seeOther)
            #expect(try await console.get(path).body.contains("No members yet."))
            #expect(
                try await console.get("/admin/organizations").body.contains(#"<a href="/admin/organizations/default/\#(orgId)">acme</a>"#))
        }
    }
}
