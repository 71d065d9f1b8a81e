import Foundation
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// `Idempotency-Key` on invitation create (SPEC: Beyond the seed, Idempotency), through the API
/// and the console, on both databases.
@Suite struct IdempotencyTests {
    static let invite = "/admin/api/v1/identityStores/default/invite"

    func create(_ t: TestApp, _ token: String, _ body: String, key: String?) async throws -> TestApp.Reply {
        try await t.send(.POST, Self.invite, json: body, token: token, headers: key.map { ["Idempotency-Key": $0] } ?? [:])
    }

    @Test(arguments: TestDatabase.available)
    func theSameKeyAndBodyAnswerTheFirstAnswerAgainAndCreateNothing(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let body = #"{"clientId":"\#(f.clientId)","email":"once@example.com","metadata":{"givenName":"Ona"}}"#
            let first = try await create(t, token, body, key: "order-4711")
            #expect(first.status == .created)
            #expect(first.headers.first(name: "Idempotent-Replayed") == nil)
            #expect(first["link"] is String)

            let again = try await create(t, token, body, key: "order-4711")
            #expect(again.status == .created, "\(again.body)")
            #expect(again.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(again.headers.first(name: .location) == first.headers.first(name: .location))
            #expect(again["id"] as? String == first["id"] as? String)
            #expect(again["email"] as? String == "once@example.com")
            // The link is a secret: it is not kept, so the replay cannot show it.
            #expect(again["link"] == nil)
            #expect(!again.body.contains("inv_"))
            #expect(try await t.count("invitations") == 1)
            #expect(try await t.count("outbox") == 1)

            // Another key is another request: the pending duplicate rule answers it.
            let other = try await create(t, token, body, key: "order-4712")
            #expect(other.status == .conflict)
            #expect(other.errorKey == "invitation.pendingExists")
        }
    }

    @Test(arguments: TestDatabase.available)
    func theSameKeyWithAnotherBodyIs422AndChangesNothing(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            #expect(try await create(t, token, #"{"clientId":"\#(f.clientId)","email":"a@example.com"}"#, key: "k1").status == .created)
            let reused = try await create(t, token, #"{"clientId":"\#(f.clientId)","email":"b@example.com"}"#, key: "k1")
            #expect(reused.status == .unprocessableEntity)
            #expect(reused.errorKey == "idempotency.keyReused")
            #expect(try await t.count("invitations") == 1)
        }
    }

    @Test(arguments: TestDatabase.available)
    func whileTheFirstIsRunningTheSecondIs409(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let body = #"{"clientId":"\#(f.clientId)","email":"slow@example.com"}"#
            // The first request has claimed its key and not finished.
            let records = IdempotencyRecords(db: t.app.db)
            let fingerprint = IdempotencyRecords.fingerprint(method: .POST, path: Self.invite, body: ByteBuffer(string: body))
            let scope = "apiClient:\(TestApp.adminClientId)"
            #expect(try await records.claim(scope: scope, key: IdempotencyKey("slow")!, fingerprint: fingerprint, now: Date()) == .claimed)
            let second = try await create(t, token, body, key: "slow")
            #expect(second.status == .conflict)
            #expect(second.errorKey == "idempotency.inProgress")
            #expect(try await t.count("invitations") == 0)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aKeyLasts24HoursAndAnAbandonedClaimIsFreedAfterTwoMinutes(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let records = IdempotencyRecords(db: t.app.db)
            let key = IdempotencyKey("k")!
            let start = Date(timeIntervalSince1970: 1_900_000_000)
            #expect(try await records.claim(scope: "s", key: key, fingerprint: "f", now: start) == .claimed)
            // Running: still held just before two minutes, freed after.
            await #expect(throws: UsherError.self) {
                try await records.claim(scope: "s", key: key, fingerprint: "f", now: start.addingTimeInterval(119))
            }
            #expect(try await records.claim(scope: "s", key: key, fingerprint: "f", now: start.addingTimeInterval(121)) == .claimed)
            let answer = IdempotencyRecords.Answer(status: 201, body: #"{"id":"x"}"#, location: "/x")
            try await records.complete(scope: "s", key: key, answer: answer)
            let later = start.addingTimeInterval(121 + 24 * 3600 - 1)
            #expect(try await records.claim(scope: "s", key: key, fingerprint: "f", now: later) == .replay(answer))
            // Scopes are apart: another client's same key is its own.
            #expect(try await records.claim(scope: "other", key: key, fingerprint: "f", now: later) == .claimed)
            // After 24 hours the key is new again.
            #expect(try await records.claim(scope: "s", key: key, fingerprint: "g", now: later.addingTimeInterval(2)) == .claimed)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aMalformedKeyIs400(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            for bad in ["", String(repeating: "k", count: 256), "caf\u{e9}"] {
                let r = try await create(t, token, #"{"clientId":"\#(f.clientId)","email":"m@example.com"}"#, key: bad)
                #expect(r.status == .badRequest, "\(bad.count)")
                #expect(r.errorKey == "idempotency.keyInvalid")
            }
            #expect(try await t.count("invitations") == 0)
            #expect(IdempotencyKey(#""quoted-key""#)?.value == "quoted-key")
        }
    }

    @Test(arguments: TestDatabase.available)
    func aDoubleClickOnSendInviteSendsOneAndShowsTheInvitationBothTimes(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let console = try await ConsoleBrowser.signIn(t)
            let form = try await console.get("/admin/invite?store=default")
            func field(_ name: String) throws -> String {
                let value = form.body.components(separatedBy: #"name="\#(name)" value=""#).dropFirst().first?.components(separatedBy: "\"")
                    .first
                return try #require(value, "\(name) in the form").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            }
            let key = try field("idempotencyKey")
            #expect(key.count > 40)
            let body =
                "csrf=\(try field("csrf"))&store=default&idempotencyKey=\(key)&applicationId=\(f.applicationId)&inviteMethod=email"
                + "&email=double%40example.com&language=en-US&action=send"
            async let one = t.send(.POST, "/admin/invite", headers: console.cookieHeader, form: body)
            async let two = t.send(.POST, "/admin/invite", headers: console.cookieHeader, form: body)
            let (a, b) = try await (one, two)
            #expect(a.status == .seeOther && b.status == .seeOther, "\(a.status) \(a.body) / \(b.status) \(b.body)")
            let location = try #require(a.headers.first(name: .location))
            #expect(location.contains("/admin/invitations/default/") && location.hasSuffix("?notice=invited"))
            #expect(b.headers.first(name: .location) == location)
            #expect(try await t.count("invitations") == 1)
            #expect(try await t.count("outbox") == 1)
        }
    }
}
