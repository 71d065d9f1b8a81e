import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Issue 23: "Forgot password?" — the same answer for every address, a sealed single-use link
/// valid 30 minutes, a GET that changes nothing, CSRF, and every other session and refresh
/// token ended by the reset.
@Suite struct PasswordResetTests {
    typealias Browser = OIDCFlowTests.Browser
    static let newPassword = "a brand new long password"

    /// An account's address and an unknown one get the same page; only the account gets an email,
    /// whose link is sealed at rest and whose token is stored only as its hash.
    @Test(arguments: TestDatabase.available)
    func theAnswerIsTheSameForEveryAddress(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let c = try await SelfServiceCustomer.make(t)
            var browser = Browser()
            let known = try await c.forgot("Carol@Example.com", browser: &browser)
            let unknown = try await c.forgot("nobody@example.com", browser: &browser)
            #expect(known.status == .ok && unknown.status == .ok)
            #expect(known.body == unknown.body)
            #expect(known.body.contains("If an account in"))

            let sent = try await c.emails()
            #expect(sent.map(\.kind) == [PasswordReset.linkKind])
            #expect(try await c.emails(to: "nobody@example.com").isEmpty)
            let email = try #require(sent.first)
            #expect(email.subject.contains("Reset your password"))
            let token = try c.linkToken(email, path: "/password/reset")
            struct Stored: Decodable { var token_hash: String }
            let stored = try await t.app.db.sql.raw("SELECT token_hash FROM password_resets").all(decoding: Stored.self)
            #expect(stored.map(\.token_hash) == [SecretToken.hash(token)])
            #expect(try await c.auditActions().contains("account.password_reset_requested"))

            // Without the form's CSRF token: refused, and no email.
            let forged = try await t.send(
                .POST, "/password/forgot", headers: browser.header, form: "store=default&csrf=forged&email=carol%40example.com")
            #expect(forged.status == .forbidden)
            #expect(try await c.emails().count == 1)
        }
    }

    /// From the sign-in page's "Forgot password?" to the application: the link's GET changes
    /// nothing, a forged or weak submission changes nothing, the reset works once, ends the
    /// account's other sessions and refresh tokens, and finishes the sign-in it was asked from.
    @Test(arguments: TestDatabase.available)
    func theLinkResetsOnceAndEndsEveryOtherSession(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let c = try await SelfServiceCustomer.make(t)
            var laptop = Browser()
            let refresh = try await c.signIn(&laptop)
            #expect(try await c.isSignedIn(laptop))

            var phone = Browser()
            let (flow, signIn) = try await c.openSignIn(&phone)
            #expect(signIn.body.contains("href=\"/password/forgot?flow=\(flow)\""))
            #expect(try await c.forgot(c.email, browser: &phone, flow: flow).status == .ok)
            let token = try c.linkToken(try #require(try await c.emails().first), path: "/password/reset")
            let before = try await c.passwordHash()

            // A mail scanner, or the person, opening the link: a form, nothing else.
            var page = try await t.send(.GET, "/password/reset?token=\(token)", headers: phone.header)
            for _ in 0..<2 {
                page = try await t.send(.GET, "/password/reset?token=\(token)", headers: phone.header)
                #expect(page.status == .ok)
                #expect(page.body.contains("Choose a new password") && page.body.contains(c.email))
            }
            #expect(try await c.passwordHash() == before)
            #expect(try await c.isSignedIn(laptop))
            let csrf = try c.csrf(page)

            let forged = try await t.send(
                .POST, "/password/reset", headers: phone.header,
                form: c.flows.query([
                    ("token", token), ("csrf", "forged"), ("password", Self.newPassword), ("passwordConfirmation", Self.newPassword),
                ]))
            #expect(forged.status == .forbidden)
            let weak = try await t.send(
                .POST, "/password/reset", headers: phone.header,
                form: c.flows.query([("token", token), ("csrf", csrf), ("password", "short"), ("passwordConfirmation", "short")]))
            #expect(weak.status == .badRequest)
            #expect(weak.body.contains("at least 10 characters"))
            #expect(try await c.passwordHash() == before)
            #expect(try await c.isSignedIn(laptop))

            let done = try await t.send(
                .POST, "/password/reset", headers: phone.header,
                form: c.flows.query([
                    ("token", token), ("csrf", csrf), ("password", Self.newPassword), ("passwordConfirmation", Self.newPassword),
                ]))
            #expect(done.status == .seeOther, "\(done.body)")
            // Back to the application the sign-in started from, with a code, and signed in here.
            #expect(c.flows.location(done)?.host == "shop.example.com")
            #expect(c.flows.param(done, "state") == "st4te")
            let code = try #require(c.flows.param(done, "code"))
            #expect(try await c.flows.exchange(t, c.f, code: code, secret: c.secret, verifier: nil).status == .ok)
            phone.absorb(done)
            #expect(try await c.isSignedIn(phone))
            #expect(try await c.passwordHash() != before)

            // Everywhere else: signed out, and the refresh token is dead.
            #expect(try await !c.isSignedIn(laptop))
            #expect(try await c.refresh(refresh)["error"] as? String == "invalid_grant")
            // The new password signs in; the old one does not.
            var desk = Browser()
            _ = try await c.signIn(&desk, password: Self.newPassword)

            // Single use: a second POST and a GET say so, and change nothing.
            var html = phone.header
            html.add(name: .accept, value: "text/html")
            let again = try await t.send(
                .POST, "/password/reset", headers: html,
                form: c.flows.query([
                    ("token", token), ("csrf", csrf), ("password", "another long password"),
                    ("passwordConfirmation", "another long password"),
                ]))
            #expect(again.status == .gone)
            #expect(again.body.contains("This link has already been used"))
            #expect(try await t.send(.GET, "/password/reset?token=\(token)", headers: ["Accept": "text/html"]).status == .gone)
            #expect(try await c.auditActions().contains("account.password_changed"))
            let events = try await c.eventTypes()
            #expect(events.filter { $0 != "account.created" } == ["account.password_reset_requested", "account.password_changed"])
        }
    }

    /// Expiry with an injected clock, unknown links, and a newer reset retiring the older link.
    @Test(arguments: TestDatabase.available)
    func expiredUnknownAndRetiredLinksAreRefused(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let c = try await SelfServiceCustomer.make(t)
            var browser = Browser()
            _ = try await c.forgot(c.email, browser: &browser)
            _ = try await c.forgot(c.email, browser: &browser)
            let tokens = try await c.emails().map { try c.linkToken($0, path: "/password/reset") }
            #expect(tokens.count == 2)
            func refusal(_ token: String, at now: Date) async -> String? {
                do {
                    _ = try await PasswordReset.reset(token: token, passwordHash: "x", flow: nil, on: t.app.db, now: now)
                    return nil
                } catch let error as UsherError {
                    return error.errorKey.rawValue
                } catch {
                    return "\(error)"
                }
            }
            let later = Date().addingTimeInterval(PasswordReset.lifetime + 1)
            #expect(await refusal(tokens[0], at: later) == "passwordReset.expired")
            await #expect(throws: UsherError.self) { try await PasswordReset.usable(token: tokens[0], on: t.app.db, now: later) }
            #expect(await refusal("pr_" + String(repeating: "A", count: 43), at: Date()) == "passwordReset.unknown")
            #expect(try await c.passwordHash() != "x")
            let unknown = try await t.send(.GET, "/password/reset?token=nonsense", headers: ["Accept": "text/html"])
            #expect(unknown.status == .notFound && unknown.body.contains("This link is not valid"))

            // Within the 30 minutes the newer link works, and the older one is retired by it.
            #expect(await refusal(tokens[1], at: Date().addingTimeInterval(PasswordReset.lifetime - 60)) == nil)
            #expect(await refusal(tokens[0], at: Date()) == "passwordReset.used")
        }
    }

    /// One client address may ask only so often: 429 with Retry-After, for any address alike.
    @Test(arguments: TestDatabase.available)
    func oneClientAddressIsLimited(_ db: TestDatabase) async throws {
        try await TestApp.with(
            db,
            configure: {
                $0.rateLimitsEnabled = true
                $0.rateLimitOverrides = "password-forgot-ip=2/3600"
            }
        ) { t in
            let c = try await SelfServiceCustomer.make(t)
            var browser = Browser()
            #expect(try await c.forgot(c.email, browser: &browser).status == .ok)
            #expect(try await c.forgot("nobody@example.com", browser: &browser).status == .ok)
            for address in [c.email, "nobody@example.com"] {
                let refused = try await c.forgot(address, browser: &browser)
                #expect(refused.status == .tooManyRequests)
                #expect(refused.headers.first(name: .retryAfter) != nil)
            }
            #expect(try await c.emails().count == 1)
        }
    }

    /// The per-address limit sends nothing more, and answers the same; the per-address limit
    /// leaves the password working (nobody is locked out).
    @Test(arguments: TestDatabase.available)
    func tooManyRequestsForOneAddressSendNothingMoreAndAnswerTheSame(_ db: TestDatabase) async throws {
        try await TestApp.with(db, configure: { $0.rateLimitsEnabled = true }) { t in
            let c = try await SelfServiceCustomer.make(t)
            var browser = Browser()
            var answers: Set<String> = []
            for _ in 0..<(RateLimiter.passwordForgotPerAddress.limit + 2) {
                let reply = try await c.forgot(c.email, browser: &browser)
                #expect(reply.status == .ok)
                answers.insert(reply.body)
            }
            #expect(answers.count == 1)
            #expect(try await c.emails().count == RateLimiter.passwordForgotPerAddress.limit)
            var desk = Browser()
            _ = try await c.signIn(&desk)
        }
    }
}
