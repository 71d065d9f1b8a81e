import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Issue 23: the self-service policy's `registration.requireVerifiedEmail`. Off (the default), an
/// account with an unverified email signs in; on, it gets a page asking it to confirm its address
/// instead of a code — after sign-up, after sign-in, and with an existing session.
@Suite struct EmailVerificationRequiredTests {
    typealias Browser = OIDCFlowTests.Browser
    let flows = OIDCFlowTests()
    let mismatch = SignUpEmailMismatchTests()

    func registration(_ reply: TestApp.Reply) -> [String: Any]? {
        (reply["options"] as? [String: Any])?["registration"] as? [String: Any]
    }

    @Test(arguments: TestDatabase.available)
    func theOptionIsOffByDefaultAndSetThroughTheAPI(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let p = try await t.send(.POST, "/admin/api/v1/selfServicePolicies", json: #"{"name":"Plain"}"#, token: token)
            #expect(p.status == .created)
            #expect(registration(p)?["requireVerifiedEmail"] as? Bool == false)
            let id = try #require(p["id"] as? String)
            let strict = try await t.send(
                .PATCH, "/admin/api/v1/selfServicePolicies/\(id)", json: #"{"options":{"registration":{"requireVerifiedEmail":true}}}"#,
                token: token)
            #expect(strict.status == .ok, "\(strict.body)")
            #expect(registration(strict)?["requireVerifiedEmail"] as? Bool == true)
            let read = try await t.send(.GET, "/admin/api/v1/selfServicePolicies/\(id)", token: token)
            #expect(registration(read)?["requireVerifiedEmail"] as? Bool == true)
            // Another option's change keeps it.
            let renamed = try await t.send(.PATCH, "/admin/api/v1/selfServicePolicies/\(id)", json: #"{"name":"Strict"}"#, token: token)
            #expect(registration(renamed)?["requireVerifiedEmail"] as? Bool == true)
            let bad = try await t.send(
                .POST, "/admin/api/v1/selfServicePolicies",
                json: #"{"name":"X","options":{"registration":{"requireVerifiedEmail":"yes"}}}"#,
                token: token)
            #expect(bad.status == .badRequest)
        }
    }

    func setAll(_ t: TestApp, required: Bool, verified: Bool) async throws {
        try await t.app.db.sql.raw("UPDATE self_service_policies SET require_verified_email = \(bind: required)").run()
        try await t.app.db.sql.raw("UPDATE accounts SET email_verified = \(bind: verified)").run()
    }

    func submitSignIn(_ c: SelfServiceCustomer, _ browser: inout Browser) async throws -> TestApp.Reply {
        let (flow, page) = try await c.openSignIn(&browser)
        var headers = browser.header
        headers.add(name: .accept, value: "text/html")
        let reply = try await c.t.send(
            .POST, "/signin", headers: headers,
            form: flows.query([("flow", flow), ("csrf", try c.csrf(page)), ("email", c.email), ("password", SelfServiceCustomer.password)]))
        browser.absorb(reply)
        return reply
    }

    /// Sign-in, and authorize with a session (a page, or access_denied with prompt=none).
    @Test(arguments: TestDatabase.available)
    func anUnverifiedAccountSignsInOnlyWhileThePolicyAllowsIt(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let c = try await SelfServiceCustomer.make(t)
            try await setAll(t, required: false, verified: false)
            var allowed = Browser()
            let open = try await submitSignIn(c, &allowed)
            #expect(flows.param(open, "code") != nil, "\(open.status) \(open.body)")

            try await setAll(t, required: true, verified: false)
            var refused = Browser()
            let page = try await submitSignIn(c, &refused)
            #expect(page.status == .forbidden)
            #expect(page.body.contains("Confirm your email address first"))
            #expect(flows.param(page, "code") == nil && page.headers.first(name: .location) == nil)

            // The browser signed in while it was allowed gets the page too, and no code.
            #expect(try await c.isSignedIn(allowed) == false)
            let silent = try await t.send(
                .GET,
                "/oauth2/authorize?"
                    + flows.query([
                        ("response_type", "code"), ("client_id", c.f.clientId), ("redirect_uri", OIDCFlowTests.redirect),
                        ("scope", "openid"), ("prompt", "none"), ("state", "s"),
                    ]), headers: allowed.header)
            #expect(flows.param(silent, "error") == "access_denied")

            try await setAll(t, required: true, verified: true)
            #expect(try await c.isSignedIn(allowed))
            var later = Browser()
            #expect(flows.param(try await submitSignIn(c, &later), "code") != nil)
        }
    }

    /// Sign-up with another address than the invited one: the account is made and its
    /// verification email sent, but the application gets no code until the link is used.
    @Test(arguments: TestDatabase.available)
    func aSignUpWithAnUnverifiedAddressWaitsForTheLink(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(
                token: token, name: "Strict",
                policy: #"{"accountInvitation":{"allowEmailMismatch":true},"registration":{"requireVerifiedEmail":true}}"#)
            let invitee = try await mismatch.signUp(t, f, invited: "ann@example.com", chosen: "ann.private@example.com")
            #expect(invitee.reply.status == .forbidden, "\(invitee.reply.status) \(invitee.reply.headers)")
            #expect(invitee.reply.body.contains("Confirm your email address first"))
            #expect(flows.param(invitee.reply, "code") == nil)
            let (_, row) = try await mismatch.account(t, invitationId: invitee.invitationId)
            #expect(row.pending_email == "ann.private@example.com" && row.email_verified == false)
            let sent = try await mismatch.emails(t, to: "ann.private@example.com")
            #expect(sent.map(\.kind) == [EmailVerification.linkKind])

            // After the link, the account signs in to the application.
            let link = try mismatch.verificationToken(t, try #require(sent.first))
            var browser = Browser()
            let page = try await t.send(.GET, "/email/verify?token=\(link)", headers: browser.header)
            browser.absorb(page)
            let csrf = String(try #require(page.body.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1))
            let confirmed = try await t.send(
                .POST, "/email/verify", headers: browser.header, form: flows.query([("token", link), ("csrf", csrf)]))
            #expect(confirmed.status == .ok)
            let signIn = try await mismatch.signInProbe(t, f, email: "ann.private@example.com")
            #expect(flows.param(signIn, "code") != nil, "\(signIn.status) \(signIn.body)")
        }
    }
}
