import Foundation
import Testing
import Vapor

@testable import UsherServer

/// Issue 23: the console's Policies page sets `registration.requireVerifiedEmail` through the same
/// service function as the API, with the console's CSRF token, and keeps the policy's other options.
@Suite struct PolicyConsoleVerifiedEmailTests {
    func registration(_ reply: TestApp.Reply) -> [String: Any]? {
        (reply["options"] as? [String: Any])?["registration"] as? [String: Any]
    }

    @Test(arguments: TestDatabase.available)
    func thePoliciesPageSwitchesRequireVerifiedEmail(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let api = try await t.token()
            let created = try await t.send(
                .POST, "/admin/api/v1/selfServicePolicies",
                json: #"{"name":"Strict","options":{"registration":{"fields":{"phoneNumber":"required"}}}}"#, token: api)
            let id = try #require(created["id"] as? String, "\(created.body)")
            let console = try await ConsoleBrowser.signIn(t)
            let page = try await console.get("/admin/policies")
            #expect(page.status == .ok)
            let box = #"name="requireVerifiedEmail" id="require-verified-email-\#(id)" style="width:auto""#
            #expect(page.body.contains(box + " >"), "\(page.body)")
            let csrf = try #require(
                page.body.components(separatedBy: #"name="csrf" value=""#).dropFirst().first?.components(separatedBy: "\"").first)
            let token = csrf.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let form = "id=\(id)&enabled=on&linkMaxAgeHours=48&field_givenName=editable&field_phoneNumber=required"

            let forged = try await t.send(.POST, "/admin/policies", headers: console.cookieHeader, form: form + "&requireVerifiedEmail=on")
            #expect(forged.status == .forbidden)
            #expect(
                registration(try await t.send(.GET, "/admin/api/v1/selfServicePolicies/\(id)", token: api))?["requireVerifiedEmail"]
                    as? Bool == false)

            let on = try await t.send(
                .POST, "/admin/policies", headers: console.cookieHeader, form: "csrf=\(token)&" + form + "&requireVerifiedEmail=on")
            #expect(on.status == .seeOther, "\(on.body.prefix(300))")
            let strict = try await t.send(.GET, "/admin/api/v1/selfServicePolicies/\(id)", token: api)
            #expect(registration(strict)?["requireVerifiedEmail"] as? Bool == true)
            #expect((registration(strict)?["fields"] as? [String: String])?["phoneNumber"] == "required")
            #expect(try await console.get("/admin/policies").body.contains(box + " checked"))

            // The box left unticked turns it off again.
            let off = try await t.send(.POST, "/admin/policies", headers: console.cookieHeader, form: "csrf=\(token)&" + form)
            #expect(off.status == .seeOther)
            #expect(
                registration(try await t.send(.GET, "/admin/api/v1/selfServicePolicies/\(id)", token: api))?["requireVerifiedEmail"]
                    as? Bool == false)
        }
    }
}
