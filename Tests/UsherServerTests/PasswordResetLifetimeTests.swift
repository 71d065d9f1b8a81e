import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Issue 23: the reset link's lifetime is a setting (USHER_PASSWORD_RESET_MINUTES, 30 by default).
@Suite struct PasswordResetLifetimeTests {
    typealias Browser = OIDCFlowTests.Browser

    @Test func theSettingIsReadAndChecked() throws {
        let plain = try UsherConfiguration.fromEnvironment([:], hostname: "localhost", port: 8080)
        #expect(plain.passwordResetLifetime == 30 * 60)
        let set = try UsherConfiguration.fromEnvironment(["USHER_PASSWORD_RESET_MINUTES": "90"], hostname: "localhost", port: 8080)
        #expect(set.passwordResetLifetime == 90 * 60)
        for bad in ["0", "1441", "soon", "-5"] {
            #expect(throws: UsherConfiguration.Error.self, "\(bad)") {
                try UsherConfiguration.fromEnvironment(["USHER_PASSWORD_RESET_MINUTES": bad], hostname: "localhost", port: 8080)
            }
        }
    }

    /// With 10 minutes configured: the page and the email say 10, and the link works for 10
    /// minutes and not a minute more (injected clock).
    @Test(arguments: TestDatabase.available)
    func theLinkLivesAsLongAsConfigured(_ db: TestDatabase) async throws {
        try await TestApp.with(db, configure: { $0.passwordResetLifetime = 10 * 60 }) { t in
            let c = try await SelfServiceCustomer.make(t)
            var browser = Browser()
            let asked = Date()
            let page = try await c.forgot(c.email, browser: &browser)
            #expect(page.status == .ok && page.body.contains("for 10 minutes"))
            let email = try #require(try await c.emails().first)
            #expect(email.text_body.contains("10 minutes"))
            let token = try c.linkToken(email, path: "/password/reset")

            func refusal(at now: Date) async -> String? {
                do {
                    _ = try await PasswordReset.usable(token: token, on: t.app.db, now: now)
                    return nil
                } catch let error as UsherError {
                    return error.errorKey.rawValue
                } catch {
                    return "\(error)"
                }
            }
            #expect(await refusal(at: asked.addingTimeInterval(9 * 60)) == nil)
            #expect(await refusal(at: asked.addingTimeInterval(11 * 60)) == "passwordReset.expired")
            await #expect(throws: UsherError.self) {
                try await PasswordReset.reset(
                    token: token, passwordHash: "x", flow: nil, on: t.app.db, now: asked.addingTimeInterval(11 * 60))
            }
            #expect(try await c.passwordHash() != "x")
        }
    }
}
