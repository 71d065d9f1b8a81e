import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// SPEC rule 11's audit record of a revoke names who revoked (issue 24 item 9), and the
/// console's forms refuse a signed-in browser's POST without the session's CSRF token
/// (issue 24 item 10).
@Suite struct RevokeAuditAndConsoleCSRFTests {
    func revocations(_ t: TestApp, _ invitationId: String) async throws -> [[String: Any]] {
        try await t.send(.GET, "/admin/api/v1/auditEvents?targetId=\(invitationId)&action=invitation.revoked", token: try await t.token())
            .jsonArray
    }

    func csrf(_ page: TestApp.Reply) throws -> String {
        try #require(
            page.body.components(separatedBy: #"name="csrf" value=""#).dropFirst().first?.components(separatedBy: "\"").first,
            "\(page.body)")
    }

    func encoded(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }

    /// Revoked through the API: the record outlives the invitation and names the API client.
    @Test(arguments: TestDatabase.available)
    func theAuditLogKeepsWhoRevokedThroughTheAPI(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let invitation = try await t.invite(f, email: "gone@example.com")
            let id = try #require(invitation["id"] as? String)
            #expect(try await revocations(t, id).isEmpty)
            let revoked = try await t.send(.DELETE, "/admin/api/v1/identityStores/default/invite/\(id)", token: token)
            #expect(revoked.status == .noContent)
            #expect(try await t.send(.GET, "/admin/api/v1/identityStores/default/invite/\(id)", token: token).status == .notFound)

            let entries = try await revocations(t, id)
            #expect(entries.count == 1)
            let entry = try #require(entries.first)
            #expect(entry["actor"] as? String == "apiClient:\(TestApp.adminClientId)")
            #expect(entry["targetType"] as? String == "invitation" && entry["store"] as? String == "default")
            #expect((entry["details"] as? [String: Any])?["email"] as? String == "gone@example.com")
        }
    }

    /// Revoked in the console: the record names the administrator. Without the session's CSRF
    /// token (none, a forged one, or another session's), the same POST is refused and changes nothing.
    @Test(arguments: TestDatabase.available)
    func consoleFormsNeedTheSessionsCSRFTokenAndTheAuditKeepsTheAdministrator(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let invitation = try await t.invite(f, email: "target@example.com")
            let id = try #require(invitation["id"] as? String)
            let console = try await ConsoleBrowser.signIn(t)
            let other = try await ConsoleBrowser.signIn(t)
            let page = try await console.get("/admin/invitations/default/\(id)")
            #expect(page.status == .ok, "\(page.status) \(page.body.prefix(300))")
            let good = try csrf(page)
            let othersToken = try csrf(try await other.get("/admin/invitations/default/\(id)"))
            #expect(othersToken != good)

            let revokePath = "/admin/invitations/default/\(id)/revoke"
            for form in ["", "csrf=", "csrf=forged", "csrf=\(encoded(othersToken))"] {
                let refused = try await t.send(.POST, revokePath, headers: console.cookieHeader, form: form)
                #expect(refused.status == .forbidden, "\(form): \(refused.status)")
                let group = try await t.send(
                    .POST, "/admin/groups", headers: console.cookieHeader,
                    form: form + (form.isEmpty ? "" : "&") + "store=default&name=forged")
                #expect(group.status == .forbidden, "\(form): \(group.status)")
            }
            #expect(try await t.send(.GET, "/admin/api/v1/identityStores/default/invite/\(id)", token: token).status == .ok)
            #expect(try await revocations(t, id).isEmpty)
            #expect(try await t.count("groups") == 0)

            // With the token: it works, and the audit log names the administrator who did it.
            // Without the confirmation the console asks first and revokes nothing.
            let asked = try await t.send(.POST, revokePath, headers: console.cookieHeader, form: "csrf=\(encoded(good))")
            #expect(asked.status == .ok && asked.body.contains(#"id="confirm-action""#), "\(asked.body)")
            #expect(try await t.send(.GET, "/admin/api/v1/identityStores/default/invite/\(id)", token: token).status == .ok)
            let revoked = try await t.send(.POST, revokePath, headers: console.cookieHeader, form: "csrf=\(encoded(good))&confirm=yes")
            #expect(revoked.status == .seeOther, "\(revoked.body)")
            #expect(try await t.send(.GET, "/admin/api/v1/identityStores/default/invite/\(id)", token: token).status == .notFound)
            struct Admin: Decodable { var id: UUID }
            let admin = try #require(
                try await t.app.db.sql.raw("SELECT id FROM administrators WHERE email = 'admin@usher.test'").first(decoding: Admin.self))
            #expect(try await revocations(t, id).map { $0["actor"] as? String } == ["administrator:\(admin.id.idString)"])
        }
    }
}
