import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// The console's side of the lifecycle: Edit on an invitation's page, "Renewal requested" in
/// the Invitations tab, and the insights page.
@Suite struct InvitationConsoleLifecycleTests {
    func field(_ page: TestApp.Reply, _ name: String) throws -> String {
        let value = page.body.components(separatedBy: #"name="\#(name)" value=""#).dropFirst().first?.components(separatedBy: "\"").first
        return try #require(value, "\(name) in the page")
    }

    func encoded(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }

    @Test(arguments: TestDatabase.available)
    func editFromTheInvitationPageChangesTheInvitation(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let group = try await t.group(token: token, name: "VIP")
            let f = try await t.oidcApplication(token: token)
            let r = try await t.invite(f, email: "edit@example.com", extra: #","metadata":{"givenName":"Jhon","familyName":"Doe"}"#)
            let id = try #require(r["id"] as? String)
            let console = try await ConsoleBrowser.signIn(t)
            let page = try await console.get("/admin/invitations/default/\(id)")
            #expect(page.body.contains(#"id="edit-form""#))
            #expect(page.body.contains(#"id="edit-givenName" name="givenName" value="Jhon""#))
            let csrf = try field(page, "csrf")
            let until = InvitationService.dateTimeLocalForTests(Date().addingTimeInterval(48 * 3600))
            let form =
                "csrf=\(encoded(csrf))&givenName=John&familyName=&displayName=&phoneNumber=&locale=&group%5B%5D=\(group)&language=fr-FR&validUntil=\(encoded(until))"
            let saved = try await t.send(.POST, "/admin/invitations/default/\(id)/edit", headers: console.cookieHeader, form: form)
            #expect(saved.status == .seeOther)
            #expect(saved.headers.first(name: .location) == "/admin/invitations/default/\(id)?notice=edited")
            let view = try await t.send(.GET, "/admin/api/v1/identityStores/default/invite/\(id)", token: token).decode(InvitationView.self)
            #expect(view.metadata == ["givenName": .string("John")])
            #expect(view.groups.map(\.id) == [group])
            #expect(view.language == "fr-FR")
            #expect(abs(view.validUntil.timeIntervalSinceNow - 48 * 3600) < 120)

            let noCSRF = try await t.send(
                .POST, "/admin/invitations/default/\(id)/edit", headers: console.cookieHeader, form: "givenName=X")
            #expect(noCSRF.status == .forbidden)
        }
    }

    @Test(arguments: TestDatabase.available)
    func renewalRequestsShowInTheInvitationsTabAndTheInsightsPageDrawsTheFunnel(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let late = try await t.invite(f, email: "late@example.com")
            _ = try await t.invite(f, email: "waiting@example.com")
            let lateId = try #require(late["id"] as? String)
            try await t.app.db.sql.raw(
                "UPDATE invitations SET valid_until = \(bind: Date().addingTimeInterval(-60)) WHERE id = \(bind: UUID(uuidString: lateId)!)"
            ).run()
            let hint = try #require(
                URLComponents(string: late["link"] as? String ?? "")?.queryItems?.first { $0.name == "login_hint" }?.value)
            try await InvitationService(db: t.app.db, context: t.app.usher).requestRenewal(token: hint)

            let console = try await ConsoleBrowser.signIn(t)
            let tab = try await console.get("/admin/accounts?store=default&tab=invitations&status=RENEWAL_REQUESTED")
            #expect(tab.status == .ok)
            #expect(tab.body.contains(#"data-email="late@example.com""#))
            #expect(!tab.body.contains(#"data-email="waiting@example.com""#))
            #expect(tab.body.contains("Renewal requested</span>"))

            let insights = try await console.get("/admin/insights?store=default")
            #expect(insights.status == .ok, "\(insights.body)")
            #expect(insights.body.contains(#"<td id="total-created">2</td>"#))
            #expect(insights.body.contains(#"<svg id="chart-days""#) && insights.body.contains(#"<svg id="chart-accept""#))
            #expect(insights.body.contains("<title>"))
            #expect(!insights.body.contains("<script"))
            let bad = try await console.get("/admin/insights?store=default&from=not-a-date")
            #expect(bad.status == .ok)
            #expect(bad.body.contains(#"role="alert""#))
        }
    }
}

extension InvitationService {
    static func dateTimeLocalForTests(_ date: Date) -> String { ConsoleRoutes.dateTimeLocal(date) }
}
