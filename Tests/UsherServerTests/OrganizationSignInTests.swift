import Crypto
import Foundation
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// The organization a sign-in is for: the `organization` authorize parameter, or the account's
/// only one; its `org_id`, `org_name` and `roles` in the ID token and userinfo (issue 16).
@Suite struct OrganizationSignInTests {
    let flows = OIDCFlowTests()

    /// Signs `email` in through the authorization endpoint with `extra` parameters; answers the
    /// last reply (the redirect with a code, or a page) and the browser.
    func signIn(
        _ t: TestApp, _ f: TestApp.Fixture, email: String, extra: [(String, String)], browser: inout OIDCFlowTests.Browser,
        verifier: String
    ) async throws -> TestApp.Reply {
        let challenge = Data(SHA256.hash(data: Data(verifier.utf8))).base64URLEncodedString()
        let authorize = try await t.send(
            .GET,
            "/oauth2/authorize?"
                + flows.query(
                    [
                        ("response_type", "code"), ("client_id", f.clientId), ("redirect_uri", OIDCFlowTests.redirect),
                        ("scope", "openid email"), ("state", "s"), ("code_challenge", challenge), ("code_challenge_method", "S256"),
                    ] + extra), headers: browser.header)
        browser.absorb(authorize)
        guard let path = authorize.headers.first(name: .location), path.hasPrefix("/signin?flow=") else { return authorize }
        let page = try await t.send(.GET, path, headers: browser.header)
        let csrf = try #require(page.body.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
        let reply = try await t.send(
            .POST, "/signin", headers: browser.header,
            form: flows.query([
                ("flow", String(path.dropFirst("/signin?flow=".count))), ("csrf", String(csrf)), ("email", email),
                ("password", InviteeJourney.password),
            ]))
        browser.absorb(reply)
        return reply
    }

    /// The ID token's claims and the userinfo answer for the code in `reply`.
    func claims(_ t: TestApp, _ f: TestApp.Fixture, secret: String, reply: TestApp.Reply, verifier: String) async throws -> (
        [String: Any], [String: Any]
    ) {
        let code = try #require(flows.param(reply, "code"), "\(reply.status) \(reply.body)")
        let tokens = try await flows.exchange(t, f, code: code, secret: secret, verifier: verifier)
        let jwt = try #require(tokens["id_token"] as? String, "\(tokens.body)")
        var b64 = String(jwt.split(separator: ".")[1]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        let payload = try #require(Data(base64Encoded: b64))
        let idToken = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
        let access = try #require(tokens["access_token"] as? String)
        let userinfo = try await t.send(.GET, "/oauth2/userinfo", headers: ["Authorization": "Bearer \(access)"])
        return (idToken, userinfo.json)
    }

    @Test(arguments: TestDatabase.available)
    func theOrganizationParameterPicksTheClaims(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let (f, secret) = try await InviteeJourney.application(t, token: token)
            let orgs = "/admin/api/v1/identityStores/default/organizations"
            let acme = try #require(try await t.send(.POST, orgs, json: #"{"name":"acme"}"#, token: token)["id"] as? String)
            let globex = try #require(
                try await t.send(.POST, orgs, json: #"{"name":"globex","displayName":"Globex"}"#, token: token)["id"] as? String)
            let roles = "/admin/api/v1/identityStores/default/roles"
            let admin = try #require(try await t.send(.POST, roles, json: #"{"name":"admin"}"#, token: token)["id"] as? String)
            let billing = try #require(try await t.send(.POST, roles, json: #"{"name":"billing"}"#, token: token)["id"] as? String)
            let account = try #require(
                try await t.send(
                    .POST, "/admin/api/v1/identityStores/default/accounts",
                    json: #"{"email":"ann@example.com","password":"\#(InviteeJourney.password)"}"#, token: token)["id"] as? String)
            let put = try await t.send(
                .PUT, "\(orgs)/\(acme)/members/\(account)", json: #"{"roles":[{"id":"\#(billing)"},{"id":"\#(admin)"}]}"#, token: token)
            #expect(put.status == .created)

            // By name, then by id: the claims of that organization, in the ID token and userinfo alike.
            for organization in ["acme", acme] {
                var browser = OIDCFlowTests.Browser()
                let verifier = flows.pkce().verifier
                let reply = try await signIn(
                    t, f, email: "ann@example.com", extra: [("organization", organization)], browser: &browser, verifier: verifier)
                let (idToken, userinfo) = try await claims(t, f, secret: secret, reply: reply, verifier: verifier)
                #expect(idToken["org_id"] as? String == acme)
                #expect(idToken["org_name"] as? String == "acme")
                #expect(idToken["roles"] as? [String] == ["admin", "billing"])
                #expect(userinfo["org_id"] as? String == acme && userinfo["org_name"] as? String == "acme")
                #expect(userinfo["roles"] as? [String] == ["admin", "billing"])
            }
            // No parameter: the account's only organization.
            var browser = OIDCFlowTests.Browser()
            var verifier = flows.pkce().verifier
            var reply = try await signIn(t, f, email: "ann@example.com", extra: [], browser: &browser, verifier: verifier)
            #expect(try await claims(t, f, secret: secret, reply: reply, verifier: verifier).0["org_id"] as? String == acme)

            // An organization the account is not in: a clear page, no code, and no session.
            var stranger = OIDCFlowTests.Browser()
            verifier = flows.pkce().verifier
            reply = try await signIn(
                t, f, email: "ann@example.com", extra: [("organization", globex)], browser: &stranger, verifier: verifier)
            #expect(reply.status == .forbidden)
            #expect(reply.body.contains("not a member of the organization Globex"))
            #expect(flows.param(reply, "code") == nil)
            // The signed-in browser asking for it is refused the same way.
            let again = try await signIn(
                t, f, email: "ann@example.com", extra: [("organization", "globex")], browser: &browser, verifier: verifier)
            #expect(again.status == .forbidden)
            // prompt=none shows no page: the client hears access_denied.
            let silent = try await signIn(
                t, f, email: "ann@example.com", extra: [("organization", "globex"), ("prompt", "none")], browser: &browser,
                verifier: verifier)
            #expect(silent.status == .seeOther && flows.param(silent, "error") == "access_denied")
            // An organization that does not exist: a clear page too.
            let unknown = try await signIn(
                t, f, email: "ann@example.com", extra: [("organization", "nope")], browser: &browser, verifier: verifier)
            #expect(unknown.status == .badRequest && unknown.body.contains("organization that does not exist"))

            // In two organizations and none asked for: no organization claims.
            #expect(try await t.send(.PUT, "\(orgs)/\(globex)/members/\(account)", token: token).status == .created)
            browser = OIDCFlowTests.Browser()
            verifier = flows.pkce().verifier
            reply = try await signIn(t, f, email: "ann@example.com", extra: [], browser: &browser, verifier: verifier)
            let (idToken, userinfo) = try await claims(t, f, secret: secret, reply: reply, verifier: verifier)
            #expect(idToken["org_id"] == nil && idToken["roles"] == nil && userinfo["org_id"] == nil)
            // Globex, where the account holds no roles: roles is an empty list.
            verifier = flows.pkce().verifier
            reply = try await signIn(
                t, f, email: "ann@example.com", extra: [("organization", globex)], browser: &browser, verifier: verifier)
            let globexClaims = try await claims(t, f, secret: secret, reply: reply, verifier: verifier).0
            #expect(globexClaims["org_name"] as? String == "globex" && globexClaims["roles"] as? [String] == [])
        }
    }
}
