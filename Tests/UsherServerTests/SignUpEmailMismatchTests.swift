import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Issue 14, item 14 (and issue 23's email verification): with `allowEmailMismatch`, the sign-up
/// form's answer for another address never says whether that address has an account.
@Suite struct SignUpEmailMismatchTests {
    typealias Browser = OIDCFlowTests.Browser
    static let password = "a long test password"
    static let lenient = #"{"accountInvitation":{"allowEmailMismatch":true}}"#
    let flows = OIDCFlowTests()

    struct Invitee {
        var reply: TestApp.Reply
        var browser: Browser
        var verifier: String
        var invitationId: String
    }

    /// Invites `invited`, opens the form, and submits it with `chosen` as the email.
    func signUp(_ t: TestApp, _ f: TestApp.Fixture, invited: String, chosen: String) async throws -> Invitee {
        let invitation = try await t.invite(f, email: invited)
        let link = try #require(invitation["link"] as? String, "\(invitation.body)")
        let hint = try #require(URLComponents(string: link)?.queryItems?.first { $0.name == "login_hint" }?.value)
        let (verifier, challenge) = flows.pkce()
        var browser = Browser()
        let authorize = try await t.send(
            .GET,
            "/oauth2/authorize?"
                + flows.query([
                    ("response_type", "code"), ("client_id", f.clientId), ("redirect_uri", OIDCFlowTests.redirect),
                    ("scope", "openid email"),
                    ("state", "st4te"), ("nonce", "n0nce"), ("login_hint", hint), ("code_challenge", challenge),
                    ("code_challenge_method", "S256"),
                ]), headers: browser.header)
        browser.absorb(authorize)
        let signupPath = try #require(authorize.headers.first(name: .location))
        let page = try await t.send(.GET, signupPath, headers: browser.header)
        let csrf = try #require(page.body.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
        let reply = try await t.send(
            .POST, "/signup", headers: browser.header,
            form: flows.query([
                ("flow", String(signupPath.dropFirst("/signup?flow=".count))), ("csrf", String(csrf)), ("email", chosen),
                ("givenName", "Eve"), ("password", Self.password), ("passwordConfirmation", Self.password),
            ]))
        browser.absorb(reply)
        return Invitee(reply: reply, browser: browser, verifier: verifier, invitationId: try #require(invitation["id"] as? String))
    }

    /// The ID token's claims for a code (its signature is checked elsewhere).
    func idTokenClaims(_ t: TestApp, _ f: TestApp.Fixture, secret: String, code: String, verifier: String) async throws -> [String: Any] {
        let tokens = try await flows.exchange(t, f, code: code, secret: secret, verifier: verifier)
        let jwt = try #require(tokens["id_token"] as? String, "\(tokens.body)")
        let parts = jwt.split(separator: ".")
        try #require(parts.count == 3)
        var b64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        let data = try #require(Data(base64Encoded: b64))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Signs in through the sign-in page in a fresh browser, as someone probing an address would.
    func signInProbe(_ t: TestApp, _ f: TestApp.Fixture, email: String) async throws -> TestApp.Reply {
        var browser = Browser()
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
        return try await t.send(
            .POST, "/signin", headers: browser.header,
            form: flows.query([
                ("flow", String(path.dropFirst("/signin?flow=".count))), ("csrf", String(csrf)), ("email", email),
                ("password", Self.password),
            ]))
    }

    /// What an answer shows, with what differs per request by design (the code, the cookies' values) left out.
    func shape(_ r: TestApp.Reply) -> [String] {
        let location = r.headers.first(name: .location).flatMap(URLComponents.init(string:))
        return [
            "\(r.status.code)", location?.host ?? "-", location?.path ?? "-",
            (location?.queryItems ?? []).map { $0.name == "code" ? "code=…" : "\($0.name)=\($0.value ?? "")" }.sorted().joined(
                separator: "&"),
            r.headers[.setCookie].map { String($0.split(separator: "=")[0]) }.sorted().joined(separator: ","),
            r.headers.contentType?.serialize() ?? "-", r.body,
        ]
    }

    struct AccountRow: Decodable {
        var id: UUID
        var email: String?
        var email_key: String?
        var email_verified: Bool
    }

    func accounts(_ t: TestApp, emailKey: String) async throws -> [AccountRow] {
        try await t.app.db.sql.raw("SELECT id, email, email_key, email_verified FROM accounts WHERE email_key = \(bind: emailKey)").all(
            decoding: AccountRow.self)
    }

    /// The attack: an invitee (or whoever holds a lenient invitation) types other people's
    /// addresses into the form to learn which of them have accounts. Free and taken must look
    /// the same in every answer the invitee sees: the sign-up's redirect, the ID token, and a
    /// later sign-in attempt with the address.
    @Test(arguments: TestDatabase.available)
    func aFreeAndATakenAddressGetTheSameAnswer(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let (base, secret) = try await flows.fixtureWithSecret(t)
            let f = try await t.oidcApplication(token: base.token, name: "Lenient", policy: Self.lenient)
            let rotated = try await t.send(
                .POST, "/admin/api/v1/applications/\(f.applicationId)/clients/\(f.clientId)/secret", token: base.token)
            let lenientSecret = try #require(rotated["clientSecret"] as? String)
            _ = secret
            let owner = try await t.send(
                .POST, "/admin/api/v1/identityStores/default/accounts",
                json: #"{"email":"owner@example.com","password":"a different secret 42"}"#, token: base.token)
            #expect(owner.status == .created, "\(owner.body)")

            let free = try await signUp(t, f, invited: "first@example.com", chosen: "nobody@example.com")
            let taken = try await signUp(t, f, invited: "second@example.com", chosen: "owner@example.com")
            #expect(free.reply.status == .seeOther, "\(free.reply.body)")
            #expect(shape(free.reply) == shape(taken.reply))
            #expect(!taken.reply.body.contains("owner@example.com"))

            // The ID tokens the application gets have the same shape: neither asserts the chosen
            // address before it is verified.
            let freeClaims = try await idTokenClaims(
                t, f, secret: lenientSecret, code: try #require(flows.param(free.reply, "code")), verifier: free.verifier)
            let takenClaims = try await idTokenClaims(
                t, f, secret: lenientSecret, code: try #require(flows.param(taken.reply, "code")), verifier: taken.verifier)
            #expect(freeClaims["email_verified"] as? Bool == false)
            #expect(takenClaims["email_verified"] as? Bool == false)
            #expect(freeClaims["email"] == nil && takenClaims["email"] == nil)
            #expect(Set(freeClaims.keys) == Set(takenClaims.keys))

            // Nor does signing in with the address and the invitee's password tell them apart.
            let probeFree = try await signInProbe(t, f, email: "nobody@example.com")
            let probeTaken = try await signInProbe(t, f, email: "owner@example.com")
            #expect(probeFree.status == probeTaken.status)
            #expect(probeFree.status == .unauthorized)

            // The taken address still belongs to its one account.
            #expect(try await accounts(t, emailKey: "owner@example.com").count == 1)
        }
    }

    // MARK: What happens to the address

    struct Row: Decodable {
        var email: String?
        var email_key: String?
        var pending_email: String?
        var email_verified: Bool
    }

    func account(_ t: TestApp, invitationId: String) async throws -> (id: UUID, row: Row) {
        let invitation = try await t.send(.GET, "/admin/api/v1/identityStores/default/invite/\(invitationId)", token: try await t.token())
        let id = try #require(UUID(uuidString: invitation["accountId"] as? String ?? ""), "\(invitation.body)")
        let row = try #require(
            try await t.app.db.sql.raw("SELECT email, email_key, pending_email, email_verified FROM accounts WHERE id = \(bind: id)").first(
                decoding: Row.self))
        return (id, row)
    }

    struct Email: Decodable {
        var id: UUID
        var kind: String
        var subject: String
        var text_body: String
        var link_secret: String?
    }

    func emails(_ t: TestApp, to recipient: String) async throws -> [Email] {
        try await t.app.db.sql.raw(
            "SELECT id, kind, subject, text_body, link_secret FROM outbox WHERE recipient = \(bind: recipient) ORDER BY created_at"
        )
        .all(decoding: Email.self)
    }

    /// The token of the verification link, as the email worker puts it into the email at send time.
    func verificationToken(_ t: TestApp, _ email: Email) throws -> String {
        let sealed = try #require(email.link_secret)
        let token = try #require(OutboxLinkSealer(secrets: t.app.usher.secrets).open(sealed, messageId: email.id))
        let text = OutboxLink.reveal(token, in: email.text_body, messageId: email.id)
        #expect(text.contains("http://usher.test/email/verify?token=\(token)"))
        #expect(!email.text_body.contains(token))  // not at rest
        return token
    }

    /// The taken address: its owner's account stays the only one with it, and the owner is told
    /// that someone tried — with no link and nothing about the new account.
    @Test(arguments: TestDatabase.available)
    func aTakenAddressMakesNoSecondAccountAndItsOwnerIsTold(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token, name: "Lenient", policy: Self.lenient)
            _ = try await t.send(
                .POST, "/admin/api/v1/identityStores/default/accounts", json: #"{"email":"Owner@Example.com"}"#, token: token)
            let taken = try await signUp(t, f, invited: "eve@example.com", chosen: "owner@example.com")
            #expect(taken.reply.status == .seeOther)

            #expect(try await accounts(t, emailKey: "owner@example.com").count == 1)
            let (id, row) = try await account(t, invitationId: taken.invitationId)
            #expect(row.email == nil && row.email_key == nil)
            #expect(row.pending_email == "owner@example.com")
            #expect(row.email_verified == false)
            #expect(try await t.app.db.sql.raw("SELECT 1 AS n FROM email_verifications WHERE account_id = \(bind: id)").all().isEmpty)

            let notices = try await emails(t, to: "owner@example.com")
            #expect(notices.map(\.kind) == [EmailVerification.noticeKind])
            let notice = try #require(notices.first)
            #expect(notice.subject.contains("Someone tried to create an account in Lenient"))
            #expect(notice.text_body.contains("your account is unchanged"))
            #expect(notice.link_secret == nil)
            #expect(
                !notice.text_body.contains("http") && !notice.text_body.contains("Eve") && !notice.text_body.contains("eve@example.com"))
        }
    }

    /// The free address: held pending, unverified, with a link to it. Opening the link changes
    /// nothing; confirming verifies once; the next ID token says so.
    @Test(arguments: TestDatabase.available)
    func aFreeAddressIsVerifiedOnceByItsLink(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let (base, _) = try await flows.fixtureWithSecret(t)
            let f = try await t.oidcApplication(token: base.token, name: "Lenient", policy: Self.lenient)
            let rotated = try await t.send(
                .POST, "/admin/api/v1/applications/\(f.applicationId)/clients/\(f.clientId)/secret", token: base.token)
            let secret = try #require(rotated["clientSecret"] as? String)
            var invitee = try await signUp(t, f, invited: "ann@example.com", chosen: "Ann.Private@example.com")
            #expect(invitee.reply.status == .seeOther)
            let (id, before) = try await account(t, invitationId: invitee.invitationId)
            #expect(before.email == nil && before.pending_email == "Ann.Private@example.com" && before.email_verified == false)
            let sent = try await emails(t, to: "Ann.Private@example.com")
            #expect(sent.map(\.kind) == [EmailVerification.linkKind])
            let token = try verificationToken(t, try #require(sent.first))
            // Only the hash is stored.
            struct Stored: Decodable { var token_hash: String }
            let stored = try await t.app.db.sql.raw("SELECT token_hash FROM email_verifications WHERE account_id = \(bind: id)").all(
                decoding: Stored.self)
            #expect(stored.map(\.token_hash) == [SecretToken.hash(token)])

            // A GET (a mail scanner, or the person) shows a button and changes nothing.
            var browser = Browser()
            for _ in 0..<2 {
                let page = try await t.send(.GET, "/email/verify?token=\(token)", headers: browser.header)
                #expect(page.status == .ok)
                #expect(page.body.contains("Confirm email address") && page.body.contains("Ann.Private@example.com"))
                browser.absorb(page)
            }
            #expect(try await account(t, invitationId: invitee.invitationId).row.email_verified == false)
            #expect(try await account(t, invitationId: invitee.invitationId).row.pending_email == "Ann.Private@example.com")
            let page = try await t.send(.GET, "/email/verify?token=\(token)", headers: browser.header)
            let csrf = String(try #require(page.body.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1))

            // Without the form's CSRF token: refused, nothing changed.
            let forged = try await t.send(
                .POST, "/email/verify", headers: browser.header, form: flows.query([("token", token), ("csrf", "forged")]))
            #expect(forged.status == .forbidden)
            #expect(try await account(t, invitationId: invitee.invitationId).row.email_verified == false)

            let confirmed = try await t.send(
                .POST, "/email/verify", headers: browser.header, form: flows.query([("token", token), ("csrf", csrf)]))
            #expect(confirmed.status == .ok, "\(confirmed.body)")
            #expect(confirmed.body.contains("Your email address is verified"))
            let after = try await account(t, invitationId: invitee.invitationId).row
            #expect(after.email == "Ann.Private@example.com" && after.email_key == "ann.private@example.com")
            #expect(after.pending_email == nil && after.email_verified == true)

            // Single use: a second POST is refused clearly, and so is a GET.
            var html = browser.header
            html.add(name: .accept, value: "text/html")
            let again = try await t.send(.POST, "/email/verify", headers: html, form: flows.query([("token", token), ("csrf", csrf)]))
            #expect(again.status == .gone)
            #expect(again.body.contains("This link has already been used"))
            #expect(try await t.send(.GET, "/email/verify?token=\(token)", headers: ["Accept": "text/html"]).status == .gone)

            // The next ID token says the address is verified.
            let (verifier, challenge) = flows.pkce()
            let authorize = try await t.send(
                .GET,
                "/oauth2/authorize?"
                    + flows.query([
                        ("response_type", "code"), ("client_id", f.clientId), ("redirect_uri", OIDCFlowTests.redirect),
                        ("scope", "openid email"),
                        ("state", "s2"), ("code_challenge", challenge), ("code_challenge_method", "S256"),
                    ]), headers: invitee.browser.header)
            invitee.browser.absorb(authorize)
            let code = try #require(flows.param(authorize, "code"), "\(authorize.status) \(authorize.headers)")
            let claims = try await idTokenClaims(t, f, secret: secret, code: code, verifier: verifier)
            #expect(claims["email"] as? String == "Ann.Private@example.com")
            #expect(claims["email_verified"] as? Bool == true)
        }
    }

    /// Expiry (24 hours, with an injected clock), an unknown link, and an address someone else
    /// took meanwhile: each refused clearly, and nothing changed.
    @Test(arguments: TestDatabase.available)
    func expiredUnknownAndMeanwhileTakenLinksAreRefused(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token, name: "Lenient", policy: Self.lenient)
            let invitee = try await signUp(t, f, invited: "bob@example.com", chosen: "bob.home@example.com")
            let link = try verificationToken(t, try #require(try await emails(t, to: "bob.home@example.com").first))
            func refusal(_ now: Date, _ token: String = link) async -> String? {
                do {
                    try await EmailVerification.verify(token: token, on: t.app.db, now: now)
                    return nil
                } catch let error as UsherError {
                    return error.errorKey.rawValue
                } catch {
                    return "\(error)"
                }
            }

            let later = Date().addingTimeInterval(EmailVerification.lifetime + 1)
            #expect(await refusal(later) == "emailVerification.expired")
            await #expect(throws: UsherError.self) { try await EmailVerification.usable(token: link, on: t.app.db, now: later) }
            #expect(await refusal(Date(), "ev_" + String(repeating: "A", count: 43)) == "emailVerification.unknown")
            let unknownPage = try await t.send(.GET, "/email/verify?token=nonsense", headers: ["Accept": "text/html"])
            #expect(unknownPage.status == .notFound && unknownPage.body.contains("This link is not valid"))
            #expect(try await account(t, invitationId: invitee.invitationId).row.pending_email == "bob.home@example.com")

            // Someone else's account got the address after the sign-up: the link cannot take it.
            _ = try await t.send(
                .POST, "/admin/api/v1/identityStores/default/accounts", json: #"{"email":"bob.home@example.com"}"#, token: token)
            #expect(await refusal(Date()) == "emailVerification.addressTaken")
            let row = try await account(t, invitationId: invitee.invitationId).row
            #expect(row.email == nil && row.pending_email == "bob.home@example.com" && row.email_verified == false)
            #expect(try await accounts(t, emailKey: "bob.home@example.com").count == 1)

            // The housekeeping sweep forgets links a day after they expired, not before.
            try await Housekeeping.sweep(t.app.db, now: later)
            #expect(try await t.count("email_verifications") == 1)
            try await Housekeeping.sweep(t.app.db, now: later.addingTimeInterval(86400 + 1))
            #expect(try await t.count("email_verifications") == 0)
        }
    }

    /// The outbox's sweep of dead links keeps a verification email's sealed link until it is
    /// sent (an email may wait hours for a slow SMTP server), and drops it then.
    @Test(arguments: TestDatabase.available)
    func theSweepKeepsAVerificationLinkUntilItIsSent(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let f = try await t.oidcApplication(token: try await t.token(), name: "Lenient", policy: Self.lenient)
            _ = try await signUp(t, f, invited: "cy@example.com", chosen: "cy.home@example.com")
            try await Outbox.dropDeadLinks(now: Date(), on: t.app.db)
            let queued = try #require(try await emails(t, to: "cy.home@example.com").first)
            _ = try verificationToken(t, queued)
            // Once sent, it is dropped.
            try await t.app.db.sql.raw("UPDATE outbox SET status = 'sent' WHERE id = \(bind: queued.id)").run()
            try await Outbox.dropDeadLinks(now: Date(), on: t.app.db)
            #expect(try await emails(t, to: "cy.home@example.com").first?.link_secret == nil)
        }
    }
}
