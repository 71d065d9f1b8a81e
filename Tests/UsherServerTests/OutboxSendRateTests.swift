import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// USHER_SMTP_MAX_PER_SECOND (issue 17): the outbox as a whole sends no faster than the rate,
/// and a single invitation created during a large import is not queued behind all of its
/// emails. The worker runs by hand on an injected clock; nothing sleeps.
@Suite struct OutboxSendRateTests {
    static let bulk = BulkInvitationTests.bulk

    func worker(_ t: TestApp, perSecond: Double) -> OutboxWorker {
        OutboxWorker(
            db: t.app.db, transport: LocalMailbox(), owner: "rate-test", settings: .init(maxPerSecond: perSecond), logger: t.app.logger,
            secrets: t.app.usher.secrets)
    }

    func sentCount(_ t: TestApp) async throws -> Int {
        struct Row: Decodable { var n: Int }
        return try await t.app.db.sql.raw("SELECT COUNT(*) AS n FROM outbox WHERE status = 'sent'").first(decoding: Row.self)?.n ?? -1
    }

    @Test func theSlidingWindowAllowsTheRateInAnyOneSecond() {
        let rate = OutboxSendRate(perSecond: 5)
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        #expect(rate.allowance(now: t0, wanted: 20) == 5)
        rate.take(5, at: t0)
        #expect(rate.allowance(now: t0.addingTimeInterval(0.99), wanted: 20) == 0)
        #expect(abs(rate.wait(now: t0.addingTimeInterval(0.25)) - 0.75) < 0.001)
        #expect(rate.allowance(now: t0.addingTimeInterval(1), wanted: 20) == 5)
        let slow = OutboxSendRate(perSecond: 0.5)
        slow.take(1, at: t0)
        #expect(slow.allowance(now: t0.addingTimeInterval(1.9), wanted: 3) == 0)
        #expect(slow.allowance(now: t0.addingTimeInterval(2), wanted: 3) == 1)
    }

    @Test func theSettingIsReadAndChecked() throws {
        func read(_ env: [String: String]) throws -> UsherConfiguration {
            try UsherConfiguration.fromEnvironment(
                env.merging(["USHER_DATABASE_URL": "sqlite::memory:"]) { a, _ in a }, hostname: "localhost", port: 8080)
        }
        #expect(try read(["USHER_SMTP_MAX_PER_SECOND": "12.5"]).smtpMaxPerSecond == 12.5)
        #expect(try read([:]).smtpMaxPerSecond == nil)
        #expect(throws: UsherConfiguration.Error.self) { try read(["USHER_SMTP_MAX_PER_SECOND": "0"]) }
        #expect(throws: UsherConfiguration.Error.self) { try read(["USHER_SMTP_MAX_PER_SECOND": "fast"]) }
    }

    @Test(arguments: TestDatabase.available)
    func theOutboxNeverSendsFasterThanTheRate(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            for i in 1...30 { _ = try await t.invite(f, email: "rate\(i)@example.com") }
            let w = worker(t, perSecond: 5)
            let start = Date().addingTimeInterval(5)
            // Every 100 ms for 4 seconds of the worker's clock.
            var sentAt: [(TimeInterval, Int)] = []
            for step in 0..<40 {
                let at = Double(step) / 10
                sentAt.append((at, try await w.runOnce(now: start.addingTimeInterval(at))))
            }
            // No window of one second holds more than 5, and the rate is reached (20 in 4 s).
            for (from, _) in sentAt {
                let inWindow = sentAt.filter { $0.0 >= from && $0.0 < from + 1 }.map(\.1).reduce(0, +)
                #expect(inWindow <= 5, "\(inWindow) emails in the second from \(from)")
            }
            #expect(sentAt.map(\.1).reduce(0, +) == 20)
            #expect(try await sentCount(t) == 20)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aSingleInvitationIsNotQueuedBehindAWholeImport(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let rows = 60
            let items = (1...rows).map { #"{"email":"bulk\#($0)@example.com"}"# }.joined(separator: ",")
            let job = try await t.send(.POST, Self.bulk, json: #"{"clientId":"\#(f.clientId)","invitations":[\#(items)]}"#, token: token)
            #expect(job.status == .accepted)
            // The import's emails are spread at one per ten seconds from the job's creation: even a
            // loaded machine that takes half a minute to create the rows leaves most of them due
            // after the single invitation created next.
            var bulk = BulkInvitationWorker(db: t.app.db, context: t.app.usher)
            bulk.emailPace = 0.1
            try await bulk.runOnce()
            let single = try await t.invite(f, email: "single@example.com")
            let singleId = try #require(UUID(uuidString: single["id"] as? String ?? ""))
            struct Due: Decodable { var next_attempt_at: Date }
            let singleDue = try #require(
                try await t.app.db.sql.raw("SELECT next_attempt_at FROM outbox WHERE invitation_id = \(bind: singleId)").first(
                    decoding: Due.self)
            ).next_attempt_at
            // The import's emails due before the single one: the only ones it may wait for.
            let ahead = try #require(
                try await t.app.db.sql.raw(
                    "SELECT COUNT(*) AS n FROM outbox WHERE next_attempt_at <= \(bind: singleDue) AND invitation_id <> \(bind: singleId)"
                ).first()?.decode(column: "n", as: Int.self))
            #expect(ahead < rows / 2, "\(ahead) of the import's emails were due before the single invitation")

            // The outbox at 5 per second, from the single invitation's creation on.
            let w = worker(t, perSecond: 5)
            var bulkSentBefore: Int?
            for step in 0..<100 where bulkSentBefore == nil {
                try await w.runOnce(now: singleDue.addingTimeInterval(Double(step) / 5))
                let status = try await t.app.db.sql.raw("SELECT status FROM outbox WHERE invitation_id = \(bind: singleId)").first()?
                    .decode(column: "status", as: String.self)
                if status == "sent" { bulkSentBefore = try await sentCount(t) - 1 }
            }
            let before = try #require(bulkSentBefore, "the single invitation's email was never sent")
            // It went out among the import's emails, not after all of them.
            #expect(before <= ahead + 5)
            #expect(before < rows)
        }
    }
}
