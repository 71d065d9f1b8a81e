import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Webhook endpoints and their delivery (SPEC: Events and webhooks): the URL rules, signing as
/// Standard Webhooks specifies, the retry schedule walked with the worker's clock, disabling.
@Suite struct WebhookTests {
    /// Answers with the statuses it is given, in turn (the last one from then on), and keeps every request.
    final class FakeReceiver: WebhookSender {
        struct Received: Sendable {
            var url: String
            var headers: [String: String]
            var body: String
        }
        let statuses: NIOLockedValueBox<[Int]>
        let received = NIOLockedValueBox<[Received]>([])

        init(_ statuses: [Int]) { self.statuses = NIOLockedValueBox(statuses) }

        func post(url: String, headers: [(String, String)], body: String) async -> WebhookAttemptResult {
            received.withLockedValue {
                $0.append(Received(url: url, headers: Dictionary(headers, uniquingKeysWith: { a, _ in a }), body: body))
            }
            let status = statuses.withLockedValue { s in s.count > 1 ? s.removeFirst() : s[0] }
            return WebhookAttemptResult(statusCode: status, error: status < 300 ? nil : "the receiver answered \(status)", durationMs: 3)
        }
    }

    struct FixedResolver: HostResolver {
        var answer: [String]
        func addresses(of host: String) async -> [String] { answer }
    }

    static func privateOK(_ config: inout UsherConfiguration) { config.webhooks.allowPrivateNetworks = true }

    func worker(_ t: TestApp, _ receiver: FakeReceiver, retryPeriod: TimeInterval = 24 * 3600) -> WebhookWorker {
        var settings = t.app.webhooks.settings
        settings.retryPeriod = retryPeriod
        return WebhookWorker(
            db: t.app.db, sender: receiver, owner: "test", settings: settings, secrets: t.app.usher.secrets, logger: t.app.logger)
    }

    func endpoint(_ t: TestApp, _ token: String, events: String = #"["invitation.*"]"#) async throws -> TestApp.Reply {
        try await t.send(.POST, "/admin/api/v1/webhooks", json: #"{"url":"http://127.0.0.1:9/hook","events":\#(events)}"#, token: token)
    }

    // MARK: Signing

    @Test func signingMatchesTheStandardWebhooksTestVector() {
        // From the Standard Webhooks specification's reference libraries.
        let signature = WebhookSignature.sign(
            secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330,
            body: #"{"test": 2432232314}"#)
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        #expect(WebhookSecret.generate().hasPrefix("whsec_"))
        #expect(WebhookSecret.key(of: WebhookSecret.generate()) != nil)
    }

    // MARK: Back-off

    @Test func theBackoffDoublesWithJitterUpToItsCap() {
        let base: TimeInterval = 10
        #expect(WebhookWorker.backoff(attempt: 1, base: base, max: 7200, jitter: 0) == 5)
        #expect(WebhookWorker.backoff(attempt: 1, base: base, max: 7200, jitter: 1) == 10)
        #expect(WebhookWorker.backoff(attempt: 4, base: base, max: 7200, jitter: 0) == 40)
        #expect(WebhookWorker.backoff(attempt: 4, base: base, max: 7200, jitter: 1) == 80)
        #expect(WebhookWorker.backoff(attempt: 30, base: base, max: 7200, jitter: 1) == 7200)
        #expect(WebhookWorker.backoff(attempt: 30, base: base, max: 7200, jitter: 0) == 3600)
        // With the defaults, retries go on for the whole day: at least 15 attempts fit in 24 hours.
        var elapsed: TimeInterval = 0
        var attempts = 0
        while elapsed <= 24 * 3600 {
            attempts += 1
            elapsed += WebhookWorker.backoff(attempt: attempts, base: 10, max: 7200, jitter: 1)
        }
        #expect(attempts >= 15)
    }

    @Test(arguments: TestDatabase.available)
    func aFailingReceiverIsRetriedOnScheduleThenTheDeliveryFailsAndTheEndpointIsDisabled(_ db: TestDatabase) async throws {
        try await TestApp.with(db, configure: Self.privateOK) { t in
            let token = try await t.token()
            let created = try await endpoint(t, token)
            #expect(created.status == .created, "\(created.body)")
            let id = try #require(created["id"] as? String)
            let f = try await t.oidcApplication(token: token)
            #expect(try await t.invite(f, email: "late@example.com").status == .created)

            let receiver = FakeReceiver([500])
            let w = worker(t, receiver)
            let start = Date()
            #expect(try await w.runOnce(now: start) == 1)
            // Not due again before its back-off (at least half of 10 s) has passed.
            #expect(try await w.runOnce(now: start.addingTimeInterval(4)) == 0)
            #expect(try await w.runOnce(now: start.addingTimeInterval(11)) == 1)
            // Walk the clock through the day: each due attempt goes, none early.
            var now = start.addingTimeInterval(11)
            while now < start.addingTimeInterval(25 * 3600) {
                now = now.addingTimeInterval(600)
                try await w.runOnce(now: now)
            }
            let deliveries = try await t.send(.GET, "/admin/api/v1/webhooks/\(id)/deliveries", token: token).decode(
                [WebhookDeliveryView].self)
            #expect(deliveries.count == 1)
            #expect(deliveries[0].status == "failed")
            #expect(deliveries[0].attemptCount >= 10 && deliveries[0].attemptCount == deliveries[0].attempts.count)
            #expect(deliveries[0].attempts.allSatisfy { $0.statusCode == 500 })
            #expect(receiver.received.withLockedValue { $0.count } == deliveries[0].attemptCount)
            // A day of failures: the endpoint is off, and an event says so.
            let endpoint = try await t.send(.GET, "/admin/api/v1/webhooks/\(id)", token: token).decode(WebhookEndpointView.self)
            #expect(!endpoint.enabled)
            #expect(endpoint.disabledReason != nil)
            let events = try await t.send(.GET, "/admin/api/v1/events?type=webhook_endpoint.disabled", token: token).decode(EventPage.self)
            #expect(events.items.map(\.subjectId) == [id])

            // A retry by hand is one more attempt, now.
            let retried = try await t.send(.POST, "/admin/api/v1/webhooks/\(id)/deliveries/\(deliveries[0].id)/retry", token: token)
            #expect(retried.status == .accepted)
            _ = try await t.send(.PATCH, "/admin/api/v1/webhooks/\(id)", json: #"{"enabled":true}"#, token: token)
            receiver.statuses.withLockedValue { $0 = [204] }
            #expect(try await w.runOnce(now: Date()) == 1)
            let after = try await t.send(.GET, "/admin/api/v1/webhooks/\(id)/deliveries", token: token).decode([WebhookDeliveryView].self)
            #expect(after[0].status == "delivered")
        }
    }

    @Test(arguments: TestDatabase.available)
    func aDeliveryIsSignedAndCarriesTheEventWithoutTheLink(_ db: TestDatabase) async throws {
        try await TestApp.with(db, configure: Self.privateOK) { t in
            let token = try await t.token()
            let created = try await endpoint(t, token)
            let secret = try #require(created["secret"] as? String)
            #expect(secret.hasPrefix("whsec_"))
            // Shown once: reading it back never shows the secret, and the database keeps it sealed.
            let id = try #require(created["id"] as? String)
            #expect(!(try await t.send(.GET, "/admin/api/v1/webhooks/\(id)", token: token).body.contains("whsec_")))
            struct Row: Decodable { var secret_sealed: String }
            let stored = try await t.app.db.sql.raw("SELECT secret_sealed FROM webhook_endpoints").first(decoding: Row.self)
            #expect(stored?.secret_sealed.contains(secret.dropFirst(6)) == false)

            let f = try await t.oidcApplication(token: token)
            let invitation = try await t.invite(f, email: "signed@example.com")
            let receiver = FakeReceiver([200])
            #expect(try await worker(t, receiver).runOnce() == 1)
            let got = try #require(receiver.received.withLockedValue { $0.first })
            let msgId = try #require(got.headers["webhook-id"])
            let timestamp = try #require(got.headers["webhook-timestamp"].flatMap { Int($0) })
            #expect(msgId.hasPrefix("evt_"))
            #expect(
                got.headers["webhook-signature"] == WebhookSignature.sign(secret: secret, id: msgId, timestamp: timestamp, body: got.body))
            let body = try #require(try JSONSerialization.jsonObject(with: Data(got.body.utf8)) as? [String: Any])
            #expect(body["type"] as? String == "invitation.created")
            #expect(body["timestamp"] is String)
            let data = try #require(body["data"] as? [String: Any])
            #expect(data["id"] as? String == invitation["id"] as? String)
            #expect(data["email"] as? String == "signed@example.com")
            #expect(data["link"] == nil && !got.body.contains("inv_"))

            // Rotating: a new secret, and the next delivery signs with it.
            let rotated = try await t.send(.POST, "/admin/api/v1/webhooks/\(id)/rotateSecret", token: token)
            let newSecret = try #require(rotated["secret"] as? String)
            #expect(newSecret != secret)
        }
    }

    // MARK: URL rules

    @Test func urlRules() async {
        let strict = WebhookURLPolicy(allowPrivateNetworks: false, resolver: FixedResolver(answer: ["93.184.215.14"]))
        #expect(await strict.check("https://hooks.example.com/x", requireResolution: true) == .allowed)
        guard case .refused = strict.checkForm("http://hooks.example.com/x") else {
            Issue.record("http allowed")
            return
        }
        guard case .refused = strict.checkForm("http://127.0.0.1:8080/x") else {
            Issue.record("http loopback allowed by default")
            return
        }
        guard case .refused = strict.checkForm("https://user:pw@hooks.example.com/") else {
            Issue.record("credentials allowed")
            return
        }
        for address in [
            "10.1.2.3", "192.168.1.1", "172.20.0.1", "127.0.0.1", "169.254.169.254", "::1", "fe80::1%eth0", "fd00::1", "::ffff:10.0.0.1",
            "0.0.0.0",
        ] {
            let p = WebhookURLPolicy(allowPrivateNetworks: false, resolver: FixedResolver(answer: ["93.184.215.14", address]))
            guard case .refused = await p.check("https://rebinding.example.com/x", requireResolution: true) else {
                Issue.record("\(address) allowed")
                continue
            }
        }
        let unresolved = WebhookURLPolicy(allowPrivateNetworks: false, resolver: FixedResolver(answer: []))
        #expect(await unresolved.check("https://nowhere.example/x", requireResolution: false) == .allowed)
        guard case .refused = await unresolved.check("https://nowhere.example/x", requireResolution: true) else {
            Issue.record("an unresolvable host was sent to")
            return
        }
        let open = WebhookURLPolicy(allowPrivateNetworks: true, resolver: FixedResolver(answer: ["10.0.0.1"]))
        #expect(await open.check("http://127.0.0.1:9/x", requireResolution: true) == .allowed)
        #expect(open.checkForm("http://hooks.example.com/x") != .allowed)
    }

    @Test(arguments: TestDatabase.available)
    func privateAndInsecureURLsAreRefusedWith400(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let privateAddress = try await t.send(
                .POST, "/admin/api/v1/webhooks", json: #"{"url":"https://10.0.0.7/hook","events":["*"]}"#, token: token)
            #expect(privateAddress.status == .badRequest)
            #expect(privateAddress.errorKey == "webhook.privateAddress")
            let http = try await t.send(
                .POST, "/admin/api/v1/webhooks", json: #"{"url":"http://127.0.0.1:9/hook","events":["*"]}"#, token: token)
            #expect(http.status == .badRequest)
            #expect(http.errorKey == "webhook.urlRefused")
            let badPattern = try await t.send(
                .POST, "/admin/api/v1/webhooks", json: #"{"url":"https://203.0.113.9/hook","events":["nothing.*"]}"#, token: token)
            #expect(badPattern.status == .badRequest)
            #expect(badPattern.fieldNames == ["events[0]"])
            #expect(try await t.count("webhook_endpoints") == 0)
            // Scopes: read:config reads, write:config changes.
            let reader = try await t.token(scopes: ["read:config"])
            #expect(try await t.send(.GET, "/admin/api/v1/webhooks", token: reader).status == .ok)
            let refused = try await t.send(
                .POST, "/admin/api/v1/webhooks", json: #"{"url":"https://203.0.113.9/hook","events":["*"]}"#, token: reader)
            #expect(refused.status == .forbidden)
        }
    }
}
