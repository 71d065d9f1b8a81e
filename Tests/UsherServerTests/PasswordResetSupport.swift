import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// A customer for the self-service tests: an account with a password, signed in from browsers
/// through the ordinary authorization-code flow, and the emails the outbox holds for them.
struct SelfServiceCustomer {
    typealias Browser = OIDCFlowTests.Browser
    static let password = "the first long password"
    let flows = OIDCFlowTests()
    let t: TestApp
    let f: TestApp.Fixture
    let secret: String
    let email: String
    let accountId: String

    static func make(_ t: TestApp, email: String = "carol@example.com") async throws -> SelfServiceCustomer {
        let (f, secret) = try await OIDCFlowTests().fixtureWithSecret(t)
        let created = try await t.send(
            .POST, "/admin/api/v1/identityStores/default/accounts",
            json: #"{"email":"\#(email)","password":"\#(password)","givenName":"Carol"}"#, token: f.token)
        let id = try #require(created["id"] as? String, "\(created.body)")
        return SelfServiceCustomer(t: t, f: f, secret: secret, email: email, accountId: id)
    }

    func csrf(_ page: TestApp.Reply) throws -> String {
        String(try #require(page.body.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1, "\(page.status) \(page.body)"))
    }

    /// Starts an authorization request in `browser` and opens its sign-in page: the flow id and the page.
    func openSignIn(_ browser: inout Browser, scope: String = "openid email offline_access") async throws -> (
        flow: String, page: TestApp.Reply
    ) {
        let authorize = try await t.send(
            .GET,
            "/oauth2/authorize?"
                + flows.query([
                    ("response_type", "code"), ("client_id", f.clientId), ("redirect_uri", OIDCFlowTests.redirect), ("scope", scope),
                    ("state", "st4te"),
                ]), headers: browser.header)
        browser.absorb(authorize)
        let path = try #require(authorize.headers.first(name: .location))
        try #require(path.hasPrefix("/signin?flow="), "\(path)")
        let page = try await t.send(.GET, path, headers: browser.header)
        browser.absorb(page)
        return (String(path.dropFirst("/signin?flow=".count)), page)
    }

    /// Signs in with `password` in `browser`; returns the application's refresh token.
    func signIn(_ browser: inout Browser, password: String = SelfServiceCustomer.password) async throws -> String {
        let (flow, page) = try await openSignIn(&browser)
        let reply = try await t.send(
            .POST, "/signin", headers: browser.header,
            form: flows.query([("flow", flow), ("csrf", try csrf(page)), ("email", email), ("password", password)]))
        browser.absorb(reply)
        let code = try #require(flows.param(reply, "code"), "\(reply.status) \(reply.body)")
        let tokens = try await flows.exchange(t, f, code: code, secret: secret, verifier: nil)
        return try #require(tokens["refresh_token"] as? String, "\(tokens.body)")
    }

    /// Whether `browser` still has a session: a new authorization request then ends with a code.
    func isSignedIn(_ browser: Browser) async throws -> Bool {
        let authorize = try await t.send(
            .GET,
            "/oauth2/authorize?"
                + flows.query([
                    ("response_type", "code"), ("client_id", f.clientId), ("redirect_uri", OIDCFlowTests.redirect), ("scope", "openid"),
                ]), headers: browser.header)
        return flows.param(authorize, "code") != nil
    }

    func refresh(_ token: String) async throws -> TestApp.Reply {
        try await t.send(
            .POST, "/oauth2/token", headers: ["Authorization": "Basic " + Data("\(f.clientId):\(secret)".utf8).base64EncodedString()],
            form: flows.query([("grant_type", "refresh_token"), ("refresh_token", token)]))
    }

    struct Email: Decodable {
        var id: UUID
        var kind: String
        var subject: String
        var text_body: String
        var link_secret: String?
    }

    func emails(to recipient: String? = nil) async throws -> [Email] {
        try await t.app.db.sql.raw(
            "SELECT id, kind, subject, text_body, link_secret FROM outbox WHERE recipient = \(bind: recipient ?? email) ORDER BY created_at"
        ).all(decoding: Email.self)
    }

    /// The token of an email's link, as the email worker puts it in at send time; never in the stored text.
    func linkToken(_ email: Email, path: String) throws -> String {
        let sealed = try #require(email.link_secret)
        let token = try #require(OutboxLinkSealer(secrets: t.app.usher.secrets).open(sealed, messageId: email.id))
        #expect(OutboxLink.reveal(token, in: email.text_body, messageId: email.id).contains("http://usher.test\(path)?token=\(token)"))
        #expect(!email.text_body.contains(token))
        return token
    }

    /// Asks "Forgot password?" for `address` from the store's page in `browser`: the answer.
    func forgot(_ address: String, browser: inout Browser, flow: String? = nil) async throws -> TestApp.Reply {
        let page = try await t.send(.GET, "/password/forgot" + (flow.map { "?flow=" + $0 } ?? ""), headers: browser.header)
        browser.absorb(page)
        #expect(page.status == .ok)
        return try await t.send(
            .POST, "/password/forgot", headers: browser.header,
            form: flows.query([("flow", flow ?? ""), ("store", flow == nil ? "default" : ""), ("csrf", try csrf(page)), ("email", address)])
        )
    }

    func passwordHash() async throws -> String? {
        struct Row: Decodable { var password_hash: String? }
        return try await t.app.db.sql.raw("SELECT password_hash FROM accounts WHERE id = \(bind: UUID(uuidString: accountId)!)")
            .first(decoding: Row.self)?.password_hash
    }

    /// The types of the account's events, oldest first.
    func eventTypes() async throws -> [String] {
        struct Row: Decodable { var type: String }
        return try await t.app.db.sql.raw("SELECT type FROM events WHERE subject_id = \(bind: accountId) ORDER BY seq")
            .all(decoding: Row.self).map(\.type)
    }

    func auditActions() async throws -> [String] {
        struct Row: Decodable { var action: String }
        return try await t.app.db.sql.raw("SELECT action FROM audit_events WHERE target_id = \(bind: accountId) ORDER BY at")
            .all(decoding: Row.self).map(\.action)
    }
}
