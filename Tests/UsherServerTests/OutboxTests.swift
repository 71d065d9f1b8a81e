import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// The outbox's state machine with the local mailbox (SMTP delivery is tested end to end
/// against a real SMTP server in e2e/test_mail.py).
@Suite struct OutboxTests {
    @Test(arguments: TestDatabase.available)
    func theLocalMailboxKeepsTheEmailAndTheInvitationShowsIt(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let created = try await t.invite(f, email: "mail@example.com", extra: #","language":"hu-HU","metadata":{"givenName":"Éva"}"#)
            let worker = try #require(t.app.usher.outbox)
            #expect(try await worker.runOnce() == 1)
            #expect(try await worker.runOnce() == 0)  // nothing is delivered twice
            let got = try await t.send(.GET, "/admin/api/v1/identityStores/default/invite/\(created["id"] as! String)", token: token)
            let delivery = try #require(got["delivery"] as? [String: Any])
            #expect(delivery["status"] as? String == "sent")
            #expect(delivery["transport"] as? String == "mailbox")
            let mail = try #require(try await t.send(.GET, "/admin/api/v1/mailbox?to=mail@example.com", token: token).jsonArray.first)
            #expect(mail["language"] as? String == "hu-HU")
            #expect((mail["subject"] as? String)?.contains("Shop") == true)
            // The API shows the link masked (SecurityLinksAtRestTests has the rest).
            let link = try #require(created["link"] as? String)
            let masked = link.components(separatedBy: "login_hint=")[0] + "login_hint=[hidden]"
            #expect((mail["text"] as? String)?.contains(masked) == true)
            #expect((mail["html"] as? String)?.contains(masked.replacingOccurrences(of: "&", with: "&amp;")) == true)
            #expect((mail["text"] as? String)?.contains("Éva") == true)
        }
    }

    @Test(arguments: TestDatabase.available)
    func anAbandonedLeaseIsTakenOverAfterItExpires(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            _ = try await t.invite(f, email: "lease@example.com")
            // Another instance took the email and died.
            try await t.app.db.sql.raw(
                "UPDATE outbox SET status = 'sending', attempts = 1, lease_owner = 'dead-instance', lease_until = \(bind: Date().addingTimeInterval(30))"
            ).run()
            let worker = try #require(t.app.usher.outbox)
            #expect(try await worker.runOnce() == 0)  // its lease still holds
            #expect(try await worker.runOnce(now: Date().addingTimeInterval(31)) == 1)
            let mail = try await t.send(.GET, "/admin/api/v1/mailbox?to=lease@example.com", token: token).jsonArray.first
            #expect(mail?["status"] as? String == "sent")
            #expect(mail?["attempts"] as? Int == 2)
        }
    }

    @Test func backoffGrowsWithJitterAndIsCapped() {
        for attempt in 1...12 {
            let d = OutboxWorker.backoff(attempt: attempt, base: 30, max: 3600)
            let full = min(3600, 30 * pow(2, Double(attempt - 1)))
            #expect(d >= full / 2 && d <= full)
        }
    }
}
