import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// The email worker records a batch of sent emails in one planned write: one invitation.sent
/// event per invitation, in the order the emails were written, each showing its invitation as
/// it committed, with a webhook delivery per subscribed endpoint.
@Suite struct InvitationSentEventTests {
    @Test(arguments: TestDatabase.available)
    func aBatchOfSentEmailsWritesOneEventPerInvitationWithItsDelivery(_ db: TestDatabase) async throws {
        try await TestApp.with(db, configure: { $0.webhooks.allowPrivateNetworks = true }) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token, name: "Sent Shop")
            let hook = try await t.send(
                .POST, "/admin/api/v1/webhooks", json: #"{"url":"http://127.0.0.1:9/hook","events":["invitation.sent"]}"#, token: token)
            #expect(hook.status == .created, "\(hook.body)")
            var ids: [String] = []
            for n in 1...3 {
                let reply = try await t.invite(f, email: "sent-\(n)@example.com")
                #expect(reply.status == .created)
                ids.append(try #require(reply["id"] as? String))
            }
            #expect(try await t.app.usher.outbox!.runOnce() == 3)

            let page = try await t.send(.GET, "/admin/api/v1/events?type=invitation.sent", token: token).decode(EventPage.self)
            #expect(page.items.map(\.subjectId) == ids)
            for event in page.items {
                guard case .object(let data) = event.data, case .object(let delivery) = data["delivery"] else {
                    Issue.record("invitation.sent without its delivery: \(event.data)")
                    continue
                }
                #expect(delivery["status"] == .string("sent"))
                #expect(delivery["transport"] == .string("mailbox"))
                #expect(data["applicationName"] == .string("Sent Shop"))
                #expect(data["status"] == .string("PENDING"))
                #expect(data["link"] == nil)
            }
            // One delivery per event for the subscribed endpoint, none for the created events.
            struct Row: Decodable { var event_type: String }
            let deliveries = try await t.app.db.sql.raw("SELECT event_type FROM webhook_deliveries").all(decoding: Row.self)
            #expect(deliveries.map(\.event_type) == ["invitation.sent", "invitation.sent", "invitation.sent"])
            #expect(try await t.count("outbox") == 3)
            struct Sent: Decodable { var n: Int }
            let sent = try await t.app.db.sql.raw("SELECT COUNT(*) AS n FROM outbox WHERE status = 'sent'").first(decoding: Sent.self)
            #expect(sent?.n == 3)
        }
    }
}
