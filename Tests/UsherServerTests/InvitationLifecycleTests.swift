import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// SPEC: Lifecycle — reminders, the one transition to EXPIRED, the inviter's notice. Time is
/// driven by calling the sweep at chosen moments; nothing sleeps.
@Suite struct InvitationLifecycleTests {
    static let invite = "/admin/api/v1/identityStores/default/invite"
    static let hour: TimeInterval = 3600

    struct OutboxRow: Decodable {
        var id: UUID
        var kind: String
        var recipient: String
        var subject: String
        var text_body: String
        var link_secret: String?
        var invitation_id: UUID?
    }

    func outbox(_ t: TestApp) async throws -> [OutboxRow] {
        try await t.app.db.sql.raw(
            "SELECT id, kind, recipient, subject, text_body, link_secret, invitation_id FROM outbox ORDER BY created_at"
        ).all(decoding: OutboxRow.self)
    }

    func events(_ t: TestApp, _ type: EventType) async throws -> Int {
        struct N: Decodable { var n: Int }
        return try await t.app.db.sql.raw("SELECT COUNT(*) AS n FROM events WHERE type = \(bind: type.rawValue)").first(decoding: N.self)?.n
            ?? 0
    }

    func lifecycle(_ t: TestApp) -> InvitationLifecycle { InvitationLifecycle(db: t.app.db, context: t.app.usher) }

    func invitation(_ t: TestApp, _ id: Any?) async throws -> InvitationModel {
        let text = try #require(id as? String)
        let found = try await InvitationModel.find(UUID(uuidString: text), on: t.app.db)
        return try #require(found)
    }

    @Test func remindersFallAtEachScheduledHourAndNeverInTheFirstHour() {
        let sent = Date(timeIntervalSince1970: 1_900_000_000)
        let until = sent.addingTimeInterval(72 * Self.hour)
        #expect(
            ReminderSchedule.moments(hoursBeforeExpiry: [24, 48], sentAt: sent, validUntil: until)
                == [until.addingTimeInterval(-48 * Self.hour), until.addingTimeInterval(-24 * Self.hour)])
        // 72 hours before a 72-hour link is the moment it was sent: within the first hour, none.
        #expect(ReminderSchedule.moments(hoursBeforeExpiry: [72], sentAt: sent, validUntil: until).isEmpty)
        #expect(ReminderSchedule.moments(hoursBeforeExpiry: [71], sentAt: sent, validUntil: until) == [sent.addingTimeInterval(Self.hour)])
        #expect(ReminderSchedule.moments(hoursBeforeExpiry: [], sentAt: sent, validUntil: until).isEmpty)
        let first = until.addingTimeInterval(-48 * Self.hour)
        #expect(
            ReminderSchedule.due(hoursBeforeExpiry: [24, 48], remindersSent: 0, sentAt: sent, validUntil: until, now: first - 1) == nil)
        #expect(ReminderSchedule.due(hoursBeforeExpiry: [24, 48], remindersSent: 0, sentAt: sent, validUntil: until, now: first) == 1)
        #expect(ReminderSchedule.due(hoursBeforeExpiry: [24, 48], remindersSent: 1, sentAt: sent, validUntil: until, now: first) == nil)
        // Down through both moments: one reminder, counted past both.
        let late = until.addingTimeInterval(-1 * Self.hour)
        #expect(ReminderSchedule.due(hoursBeforeExpiry: [24, 48], remindersSent: 0, sentAt: sent, validUntil: until, now: late) == 2)
        #expect(ReminderSchedule.due(hoursBeforeExpiry: [24, 48], remindersSent: 0, sentAt: sent, validUntil: until, now: until) == nil)
    }

    @Test(arguments: TestDatabase.available)
    func aReminderGoesOnceWithTheOriginalLinkAndOnlyToUnopenedPendingInvitations(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let quiet = try await t.invite(f, email: "quiet@example.com")
            let opened = try await t.invite(f, email: "opened@example.com")
            let revoked = try await t.invite(f, email: "revoked@example.com")
            let acceptedInvitation = try await t.invite(f, email: "accepted@example.com")
            var acceptor = try await InviteeJourney.open(t, f, invitation: acceptedInvitation)
            _ = try await acceptor.submit(t, [])
            #expect(try await invitation(t, acceptedInvitation["id"]).status == InvitationStatus.done.rawValue)
            let revokedId = try #require(revoked["id"] as? String)
            #expect(try await t.send(.DELETE, "\(Self.invite)/\(revokedId)", token: token).status == .noContent)
            _ = try await InviteeJourney.open(t, f, invitation: opened)
            #expect(try await invitation(t, opened["id"]).openedAt != nil)
            #expect(try await events(t, .invitationOpened) == 2)  // the accepted one was opened too

            let quietInvitation = try await invitation(t, quiet["id"])
            let before = quietInvitation.validUntil.addingTimeInterval(-24 * Self.hour - 60)
            #expect(try await lifecycle(t).sweep(now: before) == .init(reminded: 0, expired: 0))
            let due = quietInvitation.validUntil.addingTimeInterval(-24 * Self.hour + 60)
            #expect(try await lifecycle(t).sweep(now: due) == .init(reminded: 1, expired: 0))
            #expect(try await lifecycle(t).sweep(now: due.addingTimeInterval(600)) == .init(reminded: 0, expired: 0))

            let reminders = try await outbox(t).filter { $0.kind == "reminder" }
            #expect(reminders.count == 1)
            let reminder = try #require(reminders.first)
            #expect(reminder.recipient == "quiet@example.com")
            #expect(reminder.subject.hasPrefix("Reminder:"))
            // The reminder carries the very link of the original email, sealed like any email's.
            let originalLink = try #require(quiet["link"] as? String)
            let originalToken = try #require(URLComponents(string: originalLink)?.queryItems?.first { $0.name == "login_hint" }?.value)
            let sealed = try #require(reminder.link_secret)
            #expect(OutboxLinkSealer(secrets: t.app.usher.secrets).open(sealed, messageId: reminder.id) == originalToken)
            #expect(!reminder.text_body.contains(originalToken))
            #expect(try await invitation(t, quiet["id"]).remindersSent == 1)
            #expect(try await events(t, .invitationReminded) == 1)
            // And that link still opens the sign-up form.
            let journey = try await InviteeJourney.open(t, f, invitation: quiet)
            #expect(journey.page.status == .ok)
        }
    }

    @Test(arguments: TestDatabase.available)
    func expiryHappensOnceWithItsEventAndTellsTheAdministratorWhoInvited(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let byAPI = try await t.invite(f, email: "api@example.com")
            let firstAdmin = try await AdministratorModel.query(on: t.app.db).first()
            let admin = try #require(firstAdmin)
            let actor = Actor(kind: .administrator, id: admin.id!.idString, displayName: admin.email)
            let request = InvitationRequest(
                clientId: f.clientId, applicationId: nil, email: EmailAddress("console@example.com")!, groupIds: [], language: "en-US",
                metadata: [:])
            let byConsole = try await InvitationService(db: t.app.db, context: t.app.usher).create(store: "default", request, by: actor)
            let later = try await invitation(t, byAPI["id"]).validUntil.addingTimeInterval(60)

            // Two instances sweeping at once: each invitation turns EXPIRED once.
            async let a = lifecycle(t).sweep(now: later)
            async let b = lifecycle(t).sweep(now: later)
            let (x, y) = try await (a, b)
            #expect(x.expired + y.expired == 2)
            #expect(try await lifecycle(t).sweep(now: later.addingTimeInterval(3600)).expired == 0)
            #expect(try await events(t, .invitationExpired) == 2)
            let expired = try await invitation(t, byConsole.id)
            #expect(expired.expiredAt == later)
            #expect(expired.linkSecret == nil)

            let notices = try await outbox(t).filter { $0.kind == "expiry-notice" }
            #expect(notices.map(\.recipient) == [admin.email])
            #expect(notices.first?.subject == "Your invitation to console@example.com expired unaccepted")
            #expect(notices.first?.link_secret == nil && notices.first?.invitation_id == nil)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aPolicyCanTurnRemindersAndNoticesOff(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(
                token: token, policy: #"{"accountInvitation":{"reminderHoursBeforeExpiry":[],"notifyInviterOnExpiry":false}}"#)
            let policies = try await t.send(.GET, "/admin/api/v1/selfServicePolicies", token: token)
            #expect(policies.body.contains(#""reminderHoursBeforeExpiry":[]"#) && policies.body.contains(#""notifyInviterOnExpiry":false"#))
            let r = try await t.invite(f, email: "none@example.com")
            let i = try await invitation(t, r["id"])
            #expect(try await lifecycle(t).sweep(now: i.validUntil.addingTimeInterval(-3600)).reminded == 0)
            let bad = try await t.send(
                .POST, "/admin/api/v1/selfServicePolicies",
                json: #"{"name":"bad","options":{"accountInvitation":{"reminderHoursBeforeExpiry":[0, 2.5]}}}"#, token: token)
            #expect(bad.status == .badRequest)
            #expect(
                bad.fieldNames.sorted() == [
                    "options.accountInvitation.reminderHoursBeforeExpiry[0]", "options.accountInvitation.reminderHoursBeforeExpiry[1]",
                ])
        }
    }
}
