import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Invitations into stores by the identifier kinds they support (SPEC: Identity store; issue 24
/// item 7): in a USERNAME-only store the invited address is no identifier, so the invitation
/// must name the account's username (`metadata.username`), and the invitee signs in with it.
@Suite struct UsernameStoreInvitationTests {
    let flows = OIDCFlowTests()

    func store(_ t: TestApp, _ name: String, _ identifiers: [String]) async throws {
        let list = identifiers.map { "\"\($0)\"" }.joined(separator: ",")
        let r = try await t.send(
            .POST, "/admin/api/v1/identityStores", json: #"{"name":"\#(name)","identifiers":[\#(list)]}"#, token: try await t.token())
        #expect(r.status == .created, "\(r.body)")
    }

    /// Invites, signs up with the default password; returns the account as the API shows it.
    func acceptedAccount(_ t: TestApp, _ f: TestApp.Fixture, store: String, email: String, metadata: String) async throws -> TestApp.Reply {
        let invitation = try await t.invite(f, email: email, store: store, extra: #","metadata":\#(metadata)"#)
        #expect(invitation.status == .created, "\(invitation.body)")
        var invitee = try await InviteeJourney.open(t, f, invitation: invitation)
        let reply = try await invitee.submit(t, [("givenName", "Ivy")])
        #expect(reply.status == .seeOther, "\(reply.body)")
        let id = try #require(invitation["id"] as? String)
        let done = try await t.send(.GET, "/admin/api/v1/identityStores/\(store)/invite/\(id)", token: f.token)
        let accountId = try #require(done["accountId"] as? String, "\(done.body)")
        return try await t.send(.GET, "/admin/api/v1/identityStores/\(store)/accounts/\(accountId)", token: f.token)
    }

    /// A returning customer on the sign-in page, in a fresh browser: the page, and the answer to
    /// `identifier` with `password`.
    func signIn(_ t: TestApp, _ f: TestApp.Fixture, _ identifier: String, password: String = InviteeJourney.password) async throws -> (
        page: TestApp.Reply, reply: TestApp.Reply
    ) {
        var browser = OIDCFlowTests.Browser()
        let start = try await t.send(
            .GET,
            "/oauth2/authorize?"
                + flows.query([
                    ("response_type", "code"), ("client_id", f.clientId), ("redirect_uri", OIDCFlowTests.redirect), ("scope", "openid"),
                ]))
        browser.absorb(start)
        let path = try #require(start.headers.first(name: .location))
        let page = try await t.send(.GET, path, headers: browser.header)
        let csrf = try #require(page.body.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
        let reply = try await t.send(
            .POST, "/signin", headers: browser.header,
            form: flows.query([
                ("flow", String(path.dropFirst("/signin?flow=".count))), ("csrf", String(csrf)), ("email", identifier),
                ("password", password),
            ]))
        return (page, reply)
    }

    func signsIn(_ t: TestApp, _ f: TestApp.Fixture, _ identifier: String) async throws -> Bool {
        let reply = try await signIn(t, f, identifier).reply
        return reply.status == .seeOther && flows.param(reply, "code") != nil
    }

    @Test(arguments: TestDatabase.available)
    func aUsernameOnlyStoreTakesTheUsernameFromTheInvitation(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            try await store(t, "members", ["USERNAME"])
            let f = try await t.oidcApplication(token: token, store: "members")

            // Without a username, or with a bad one: refused, naming the field, nothing written.
            let missing = try await t.invite(f, email: "ivy@example.com", store: "members")
            #expect(missing.status == .badRequest && missing.fieldNames == ["metadata.username"], "\(missing.body)")
            let bad = try await t.invite(f, email: "ivy@example.com", store: "members", extra: #","metadata":{"username":"ivy member!"}"#)
            #expect(bad.status == .badRequest && bad.fieldNames == ["metadata.username"], "\(bad.body)")
            let notText = try await t.invite(f, email: "ivy@example.com", store: "members", extra: #","metadata":{"username":42}"#)
            #expect(notText.status == .badRequest && notText.fieldNames == ["metadata.username"], "\(notText.body)")
            let existing = try await t.send(
                .POST, "/admin/api/v1/identityStores/members/accounts", json: #"{"username":"taken"}"#, token: token)
            #expect(existing.status == .created, "\(existing.body)")
            let taken = try await t.invite(f, email: "ivy@example.com", store: "members", extra: #","metadata":{"username":"Taken"}"#)
            #expect(taken.status == .conflict && taken.errorKey == "account.usernameExists", "\(taken.body)")
            #expect(try await t.count("invitations") == 0)

            let account = try await acceptedAccount(
                t, f, store: "members", email: "ivy@example.com", metadata: #"{"username":"Ivy.Member","plan":"gold"}"#)
            #expect(account["username"] as? String == "Ivy.Member", "\(account.body)")
            #expect((account["metadata"] as? [String: Any])?["username"] == nil)
            #expect((account["metadata"] as? [String: Any])?["plan"] as? String == "gold")

            // The invitee can come back: the sign-in page asks for the username, which works in
            // any case; the address is no identifier here.
            let (page, _) = try await signIn(t, f, "nobody")
            #expect(page.body.contains(#"<label for="email">Username</label>"#))
            #expect(page.body.contains(#"name="email" type="text""#))
            #expect(try await signsIn(t, f, "ivy.member"))
            #expect(try await signsIn(t, f, "Ivy.Member"))
            #expect(try await signIn(t, f, "ivy.member", password: "not the password at all").reply.status == .unauthorized)
            #expect(try await signIn(t, f, "ivy@example.com").reply.status == .unauthorized)
        }
    }

    @Test(arguments: TestDatabase.available)
    func anEmailOnlyStoreKeepsAUsernameInMetadataAsMetadata(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let f = try await t.oidcApplication(token: try await t.token())
            let account = try await acceptedAccount(t, f, store: "default", email: "Eve@Example.com", metadata: #"{"username":"eve"}"#)
            #expect(account["email"] as? String == "Eve@Example.com")
            #expect(account["username"] == nil)
            #expect((account["metadata"] as? [String: Any])?["username"] as? String == "eve")
            let (page, _) = try await signIn(t, f, "nobody@example.com")
            #expect(page.body.contains(#"<label for="email">Email</label>"#) && page.body.contains(#"name="email" type="email""#))
            #expect(try await signsIn(t, f, "eve@example.com"))
            #expect(try await signIn(t, f, "eve").reply.status == .unauthorized)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aStoreWithBothTakesEitherIdentifier(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            try await store(t, "both", ["EMAIL", "USERNAME"])
            let f = try await t.oidcApplication(token: token, store: "both")
            // The username is optional here: the address identifies the account.
            let plain = try await acceptedAccount(t, f, store: "both", email: "plain@example.com", metadata: "{}")
            #expect(plain["email"] as? String == "plain@example.com" && plain["username"] == nil)
            let named = try await acceptedAccount(t, f, store: "both", email: "named@example.com", metadata: #"{"username":"named"}"#)
            #expect(named["email"] as? String == "named@example.com" && named["username"] as? String == "named")

            let (page, _) = try await signIn(t, f, "x")
            #expect(page.body.contains(#"<label for="email">Email or username</label>"#))
            #expect(try await signsIn(t, f, "plain@example.com"))
            #expect(try await signsIn(t, f, "named@example.com"))
            #expect(try await signsIn(t, f, "named"))
            #expect(try await signIn(t, f, "plain").reply.status == .unauthorized)
        }
    }
    /// The console's invitation form asks for the username in a store with USERNAME (required
    /// without EMAIL), and the invitation carries it.
    @Test(arguments: TestDatabase.available)
    func theConsoleAsksForTheUsername(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            try await store(t, "members", ["USERNAME"])
            let f = try await t.oidcApplication(token: token, store: "members")
            let console = try await ConsoleBrowser.signIn(t)
            let form = try await console.get("/admin/invite?store=members")
            #expect(form.body.contains(#"<input id="username" name="username" value="" autocomplete="off" required>"#), "\(form.body)")
            #expect(!(try await console.get("/admin/invite?store=default")).body.contains(#"id="username""#))
            let csrf = try #require(
                form.body.components(separatedBy: #"name="csrf" value=""#).dropFirst().first?.components(separatedBy: "\"").first)
            func post(_ username: String) async throws -> TestApp.Reply {
                try await t.send(
                    .POST, "/admin/invite", headers: console.cookieHeader,
                    form: flows.query([
                        ("csrf", csrf), ("store", "members"), ("applicationId", f.applicationId), ("email", "con@example.com"),
                        ("username", username), ("language", "en-US"), ("action", "send"),
                    ]))
            }
            let refused = try await post("")
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains(#"id="username-error""#))
            #expect(try await t.count("invitations") == 0)
            let sent = try await post("con.member")
            #expect(sent.status == .seeOther, "\(sent.body)")
            let list = try await t.send(.GET, "/admin/api/v1/identityStores/members/invite", token: token).jsonArray
            #expect(list.map { ($0["metadata"] as? [String: Any])?["username"] as? String } == ["con.member"])
        }
    }
}
