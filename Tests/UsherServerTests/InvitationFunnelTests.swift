import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// SPEC: Funnel — the numbers of a scripted scenario, exactly.
@Suite struct InvitationFunnelTests {
    static let invite = "/admin/api/v1/identityStores/default/invite"

    @Test func percentilesAreNearestRankAndDaysCoverThePeriod() {
        #expect(InvitationFunnel.percentile([], 0.5) == nil)
        #expect(InvitationFunnel.percentile([30, 10, 20], 0.5) == 20)
        #expect(InvitationFunnel.percentile(Array(1...10).map(Double.init), 0.9) == 9)
        #expect(InvitationFunnel.percentile(Array(1...10).map(Double.init), 0.5) == 5)
        let from = ISO8601DateFormatter().date(from: "2026-11-29T12:00:00Z")!
        let to = ISO8601DateFormatter().date(from: "2026-12-02T00:00:00Z")!
        #expect(InvitationFunnel.days(from: from, to: to) == ["2026-11-29", "2026-11-30", "2026-12-01"])
    }

    @Test(arguments: TestDatabase.available)
    func aScriptedScenarioCountsExactly(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let (f, _) = try await InviteeJourney.application(t, token: token)
            let other = try await t.oidcApplication(token: token, name: "Other")
            let accepted = try await t.invite(f, email: "accepted@example.com")
            let opened = try await t.invite(f, email: "opened@example.com")
            let revoked = try await t.invite(f, email: "revoked@example.com")
            let expiring = try await t.invite(f, email: "expiring@example.com")
            _ = try await t.invite(other, email: "elsewhere@example.com")
            // Every email goes out (the local mailbox delivers).
            while try await t.app.usher.outbox!.runOnce() > 0 {}

            var journey = try await InviteeJourney.open(t, f, invitation: accepted)
            _ = try await journey.submit(t, [])
            _ = try await InviteeJourney.open(t, f, invitation: opened)
            let revokedId = try #require(revoked["id"] as? String)
            #expect(try await t.send(.DELETE, "\(Self.invite)/\(revokedId)", token: token).status == .noContent)
            let expiringId = try #require(expiring["id"] as? String)
            try await t.app.db.sql.raw(
                "UPDATE invitations SET valid_until = \(bind: Date().addingTimeInterval(-1)) WHERE id = \(bind: UUID(uuidString: expiringId)!)"
            ).run()
            #expect(try await InvitationLifecycle(db: t.app.db, context: t.app.usher).sweep(now: Date()).expired == 1)

            let from = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-3600))
            let to = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
            let r = try await t.send(.GET, "\(Self.invite)/stats?from=\(from)&to=\(to)&clientId=\(f.clientId)", token: token)
            #expect(r.status == .ok, "\(r.body)")
            let funnel = try r.decode(InvitationFunnel.self)
            #expect(funnel.created == 4)
            #expect(funnel.delivered == 4)
            #expect(funnel.opened == 2)
            #expect(funnel.accepted == 1)
            #expect(funnel.expired == 1)
            #expect(funnel.revoked == 1)
            #expect(funnel.failedDelivery == 0)
            let median = try #require(funnel.medianSecondsToAccept)
            #expect(median >= 0 && median < 600)
            #expect(funnel.p90SecondsToAccept == median)
            #expect(funnel.series.map(\.created).reduce(0, +) == 4)
            #expect(funnel.series.map(\.accepted).reduce(0, +) == 1)

            let all = try await t.send(.GET, "\(Self.invite)/stats?from=\(from)&to=\(to)", token: token).decode(InvitationFunnel.self)
            #expect(all.created == 5)
            let bad = try await t.send(.GET, "\(Self.invite)/stats?from=yesterday", token: token)
            #expect(bad.status == .badRequest)
            #expect(bad.fieldNames == ["from"])
        }
    }
}
