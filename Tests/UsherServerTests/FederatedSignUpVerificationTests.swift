import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Issue 23 for a sign-up through an upstream identity provider: an address the invitation and
/// the provider did not both vouch for gets its verification email with the account, as with a
/// password (SignUpService with EmailVerification); its link verifies it, the next ID token says
/// so, and requireVerifiedEmail stops the application meanwhile.
@Suite struct FederatedSignUpVerificationTests {
    typealias Browser = OIDCFlowTests.Browser
    let flows = OIDCFlowTests()
    let mismatch = SignUpEmailMismatchTests()
    static let lenient = #"{"accountInvitation":{"allowEmailMismatch":true}}"#
    static let strict = #"{"accountInvitation":{"allowEmailMismatch":true},"registration":{"requireVerifiedEmail":true}}"#

    /// An application offering `provider`, with its own policy, and its client's secret.
    func application(_ t: TestApp, token: String, provider: String, policy: String) async throws -> (TestApp.Fixture, String) {
        let p = try await t.send(
            .POST, "/admin/api/v1/selfServicePolicies", json: #"{"name":"Federated \#(UUID().uuidString.prefix(6))","options":\#(policy)}"#,
            token: token)
        let policyId = try #require(p["id"] as? String, "\(p.body)")
        let a = try await t.send(
            .POST, "/admin/api/v1/applications",
            json: """
                {"name":"Shop","store":"default","protocol":"oidc","selfServicePolicyId":"\(policyId)",
                 "externalLoginProviders":[{"id":"\(provider)"}],
                 "clients":[{"redirectUris":["\(OIDCFlowTests.redirect)"],"loginUrl":"https://shop.example.com/login"}]}
                """, token: token)
        let appId = try #require(a["id"] as? String, "\(a.body)")
        let clientId = try #require((a["clients"] as? [[String: Any]])?.first?["clientId"] as? String)
        let f = TestApp.Fixture(token: token, applicationId: appId, clientId: clientId, policyId: policyId)
        let rotated = try await t.send(.POST, "/admin/api/v1/applications/\(appId)/clients/\(clientId)/secret", token: token)
        return (f, try #require(rotated["clientSecret"] as? String, "\(rotated.body)"))
    }

    /// The browser's way through the provider from a page with its button (`flow`, `csrf`):
    /// Usher's redirect there, the provider's code for `subject` with `claims`, and Usher's answer.
    func throughUpstream(
        _ t: TestApp, _ upstream: UpstreamProvider, provider: String, flow: String, csrf: String, browser: inout Browser,
        subject: String, claims: [String: any Sendable]
    ) async throws -> TestApp.Reply {
        let start = try await t.send(
            .POST, "/federation/start", headers: browser.header,
            form: flows.query([("flow", flow), ("csrf", csrf), ("provider", provider)]))
        browser.absorb(start)
        let redirect = try #require(flows.location(start), "\(start.status) \(start.body)")
        #expect(redirect.host == "upstream.test" && redirect.path == "/authorize")
        let state = try #require(redirect.queryItems?.first { $0.name == "state" }?.value)
        let nonce = try #require(redirect.queryItems?.first { $0.name == "nonce" }?.value)
        let code = upstream.code(subject: subject, nonce: nonce, claims: claims)
        var headers = browser.header
        headers.add(name: .accept, value: "text/html")
        let reply = try await t.send(.GET, "/federation/callback?" + flows.query([("state", state), ("code", code)]), headers: headers)
        browser.absorb(reply)
        return reply
    }

    /// An invitation to `invited` (in `language`), accepted through the provider as `subject` with `claims`.
    func signUp(
        _ t: TestApp, _ f: TestApp.Fixture, _ upstream: UpstreamProvider, provider: String, invited: String, language: String = "en-US",
        subject: String, claims: [String: any Sendable]
    ) async throws -> (reply: TestApp.Reply, journey: InviteeJourney, invitationId: String) {
        let invitation = try await t.invite(f, email: invited, extra: #","language":"\#(language)""#)
        var journey = try await InviteeJourney.open(t, f, invitation: invitation)
        let reply = try await throughUpstream(
            t, upstream, provider: provider, flow: journey.flow, csrf: journey.csrf, browser: &journey.browser, subject: subject,
            claims: claims)
        return (reply, journey, try #require(invitation["id"] as? String))
    }

    /// Follows the emailed link as a person would: its page, then its button.
    func confirm(_ t: TestApp, link: String) async throws -> TestApp.Reply {
        var browser = Browser()
        let page = try await t.send(.GET, "/email/verify?token=\(link)", headers: browser.header)
        browser.absorb(page)
        let csrf = String(try #require(page.body.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1, "\(page.status) \(page.body)"))
        return try await t.send(.POST, "/email/verify", headers: browser.header, form: flows.query([("token", link), ("csrf", csrf)]))
    }

    /// An address the provider does not vouch for (allowEmailMismatch, email_verified false):
    /// held pending with a link to it in the account's language, queued with the account; the
    /// link makes it the verified email, and the next ID token says so.
    @Test(arguments: TestDatabase.available)
    func anUnverifiedUpstreamAddressGetsItsLinkAndTheLinkVerifiesIt(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let upstream = UpstreamProvider()
            let provider = try await upstream.register(with: t, token: token)
            let (f, secret) = try await application(t, token: token, provider: provider, policy: Self.lenient)
            let (reply, signedUp, invitationId) = try await signUp(
                t, f, upstream, provider: provider, invited: "ann@example.com", language: "de-DE", subject: "upstream-ann",
                claims: ["email": "Ann.Private@example.com", "email_verified": false, "given_name": "Ann"])
            var journey = signedUp
            #expect(reply.status == .seeOther, "\(reply.status) \(reply.body)")
            let first = try await journey.idTokenClaims(t, f, secret: secret, reply: reply)
            #expect(first["email_verified"] as? Bool == false)
            #expect(first["email"] == nil)  // as with a password: not asserted before it is verified

            let (id, before) = try await mismatch.account(t, invitationId: invitationId)
            #expect(before.email == nil && before.pending_email == "Ann.Private@example.com" && before.email_verified == false)
            let sent = try await mismatch.emails(t, to: "Ann.Private@example.com")
            #expect(sent.map(\.kind) == [EmailVerification.linkKind])
            let email = try #require(sent.first)
            #expect(email.subject == "Bestätigen Sie Ihre E-Mail-Adresse für Shop", "\(email.subject)")
            // Queued in the sign-up's transaction: the link's row belongs to the new account.
            let link = try mismatch.verificationToken(t, email)
            struct Stored: Decodable { var token_hash: String }
            let stored = try await t.app.db.sql.raw("SELECT token_hash FROM email_verifications WHERE account_id = \(bind: id)").all(
                decoding: Stored.self)
            #expect(stored.map(\.token_hash) == [SecretToken.hash(link)])

            let confirmed = try await confirm(t, link: link)
            #expect(confirmed.status == .ok, "\(confirmed.body)")
            #expect(confirmed.body.contains("Ihre E-Mail-Adresse ist bestätigt"))
            let after = try await mismatch.account(t, invitationId: invitationId).row
            #expect(after.email == "Ann.Private@example.com" && after.pending_email == nil && after.email_verified == true)

            // The next ID token, from the session the sign-up started.
            let (verifier, challenge) = flows.pkce()
            let authorize = try await t.send(
                .GET,
                "/oauth2/authorize?"
                    + flows.query([
                        ("response_type", "code"), ("client_id", f.clientId), ("redirect_uri", OIDCFlowTests.redirect),
                        ("scope", "openid email"), ("state", "s2"), ("code_challenge", challenge), ("code_challenge_method", "S256"),
                    ]), headers: journey.browser.header)
            journey.verifier = verifier
            #expect(flows.param(authorize, "code") != nil, "\(authorize.status) \(authorize.headers)")
            let next = try await journey.idTokenClaims(t, f, secret: secret, reply: authorize)
            #expect(next["email"] as? String == "Ann.Private@example.com")
            #expect(next["email_verified"] as? Bool == true)
        }
    }

    /// The account's language is its own once the sign-up gives it one: here the provider's
    /// `locale` claim (mapped, and editable under the policy) over the invitation's language.
    @Test(arguments: TestDatabase.available)
    func theEmailSpeaksTheLocaleTheSignUpGivesTheAccount(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let upstream = UpstreamProvider()
            let provider = try await upstream.register(with: t, token: token, claimMapping: #"{"locale":"locale"}"#)
            let policy = #"{"accountInvitation":{"allowEmailMismatch":true},"registration":{"fields":{"locale":"editable"}}}"#
            let (f, _) = try await application(t, token: token, provider: provider, policy: policy)
            let (reply, _, _) = try await signUp(
                t, f, upstream, provider: provider, invited: "eli@example.com", language: "de-DE", subject: "upstream-eli",
                claims: ["email": "eli.home@example.com", "email_verified": false, "locale": "fr-FR"])
            #expect(reply.status == .seeOther, "\(reply.status) \(reply.body)")
            let sent = try await mismatch.emails(t, to: "eli.home@example.com")
            #expect(sent.map(\.subject) == ["Confirmez votre adresse e-mail pour Shop"])
        }
    }

    /// The provider vouches for the address: the invited one, or (allowEmailMismatch) another
    /// it says is verified. No verification email; the account's email is verified at once.
    @Test(arguments: TestDatabase.available)
    func aVouchedForAddressGetsNoVerificationEmail(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let upstream = UpstreamProvider()
            let provider = try await upstream.register(with: t, token: token)
            let (f, secret) = try await application(t, token: token, provider: provider, policy: Self.lenient)
            for (invited, upstreamEmail, subject) in [
                ("bob@example.com", "bob@example.com", "upstream-bob"), ("cy@example.com", "cy.work@example.com", "upstream-cy"),
            ] {
                let (reply, journey, invitationId) = try await signUp(
                    t, f, upstream, provider: provider, invited: invited, subject: subject,
                    claims: ["email": upstreamEmail, "email_verified": true])
                #expect(reply.status == .seeOther, "\(reply.status) \(reply.body)")
                let claims = try await journey.idTokenClaims(t, f, secret: secret, reply: reply)
                #expect(claims["email"] as? String == upstreamEmail)
                #expect(claims["email_verified"] as? Bool == true)
                let row = try await mismatch.account(t, invitationId: invitationId).row
                #expect(row.email == upstreamEmail && row.pending_email == nil && row.email_verified == true)
                let verificationKinds = [EmailVerification.linkKind, EmailVerification.noticeKind]
                #expect(try await mismatch.emails(t, to: upstreamEmail).filter { verificationKinds.contains($0.kind) }.isEmpty)
            }
            #expect(try await t.count("email_verifications") == 0)
        }
    }

    /// requireVerifiedEmail: the federated sign-up with an unverified address makes the account
    /// and queues its link but gets the confirm-first page (in the account's language) instead
    /// of a code; after the link, signing in with the same upstream identity reaches the
    /// application with email_verified true.
    @Test(arguments: TestDatabase.available)
    func requireVerifiedEmailStopsAFederatedSignUpUntilTheLink(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let upstream = UpstreamProvider()
            let provider = try await upstream.register(with: t, token: token)
            let (f, secret) = try await application(t, token: token, provider: provider, policy: Self.strict)
            let claims: [String: any Sendable] = ["email": "dee.home@example.com", "email_verified": false]
            let (reply, _, invitationId) = try await signUp(
                t, f, upstream, provider: provider, invited: "dee@example.com", language: "de-DE", subject: "upstream-dee", claims: claims)
            #expect(reply.status == .forbidden, "\(reply.status) \(reply.headers)")
            #expect(reply.body.contains("Bestätigen Sie zuerst Ihre E-Mail-Adresse"))
            #expect(flows.param(reply, "code") == nil)
            let sent = try await mismatch.emails(t, to: "dee.home@example.com")
            #expect(sent.map(\.kind) == [EmailVerification.linkKind])
            #expect(try await mismatch.account(t, invitationId: invitationId).row.email_verified == false)

            // Signing in with the upstream identity meanwhile: the same page.
            func signIn() async throws -> (TestApp.Reply, String) {
                var browser = Browser()
                let (verifier, challenge) = flows.pkce()
                let authorize = try await t.send(
                    .GET,
                    "/oauth2/authorize?"
                        + flows.query([
                            ("response_type", "code"), ("client_id", f.clientId), ("redirect_uri", OIDCFlowTests.redirect),
                            ("scope", "openid email"), ("state", "s3"), ("code_challenge", challenge), ("code_challenge_method", "S256"),
                        ]), headers: browser.header)
                browser.absorb(authorize)
                let path = try #require(authorize.headers.first(name: .location), "\(authorize.status)")
                try #require(path.hasPrefix("/signin?flow="), "\(path)")
                let page = try await t.send(.GET, path, headers: browser.header)
                browser.absorb(page)
                let csrf = String(try #require(page.body.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1))
                let reply = try await throughUpstream(
                    t, upstream, provider: provider, flow: String(path.dropFirst("/signin?flow=".count)), csrf: csrf, browser: &browser,
                    subject: "upstream-dee", claims: claims)
                return (reply, verifier)
            }
            #expect(try await signIn().0.status == .forbidden)

            let confirmed = try await confirm(t, link: try mismatch.verificationToken(t, try #require(sent.first)))
            #expect(confirmed.status == .ok, "\(confirmed.body)")
            let (allowed, verifier) = try await signIn()
            let code = try #require(flows.param(allowed, "code"), "\(allowed.status) \(allowed.body)")
            let tokens = try await flows.exchange(t, f, code: code, secret: secret, verifier: verifier)
            let jwt = try #require(tokens["id_token"] as? String, "\(tokens.body)")
            let payload = try #require(Data(base64URLEncoded: String(jwt.split(separator: ".")[1])))
            let next = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
            #expect(next["email"] as? String == "dee.home@example.com")
            #expect(next["email_verified"] as? Bool == true)
        }
    }
}
