import Foundation
import Logging
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Health, readiness and metrics (docs/operations.md). OTLP traces and JSON logs of the real
/// binary are checked end to end in e2e/test_operations*.py.
@Suite struct OperationsTests {
    static let metricsToken = "metrics-token-0123456789abcdef"

    static func withMetrics(_ config: inout UsherConfiguration) {
        config.operations.metricsOnMainPort = true
        config.operations.metricsToken = metricsToken
    }

    /// The value of one sample in a Prometheus exposition, nil when absent.
    static func sample(_ exposition: String, _ series: String) -> Double? {
        for line in exposition.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    @Test(arguments: TestDatabase.available)
    func liveAndReadyAnswerWithoutCredentials(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let live = try await t.send(.GET, "/health/live")
            #expect(live.status == .ok)
            #expect(live["status"] as? String == "ok")
            let ready = try await t.send(.GET, "/health/ready")
            #expect(ready.status == .ok)
            #expect(ready["status"] as? String == "ready")
            #expect(ready["checks"] as? [String: String] == ["database": "ok", "migrations": "ok"])
        }
    }

    @Test(arguments: TestDatabase.available)
    func readyIs503WithAProblemWhenAMigrationIsMissing(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            try await t.app.db.sql.raw("DELETE FROM _fluent_migrations WHERE name LIKE '%M008%'").run()
            let ready = try await t.send(.GET, "/health/ready")
            #expect(ready.status == .serviceUnavailable)
            #expect(ready.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            #expect(ready.errorKey == "health.notReady")
            #expect((ready["detail"] as? String)?.contains("migrations are pending") == true)
            #expect((ready["checks"] as? [String: String])?["migrations"] == "pending")
            #expect((ready["checks"] as? [String: String])?["database"] == "ok")
        }
    }

    @Test(arguments: TestDatabase.available)
    func readyIs503WhenTheEmailWorkerIsNotRunning(_ db: TestDatabase) async throws {
        try await TestApp.with(db, configure: { $0.runMailWorker = true }) { t in
            // The application has not booted (no server runs in these tests): no worker yet.
            let ready = try await t.send(.GET, "/health/ready")
            #expect(ready.status == .serviceUnavailable)
            #expect((ready["checks"] as? [String: String])?["outboxWorker"] == "stopped")
            try await t.app.readiness.didBootAsync(t.app)
            let afterBoot = try await t.send(.GET, "/health/ready")
            #expect(afterBoot.status == .ok)
        }
    }

    @Test(arguments: TestDatabase.available)
    func metricsAreOffByDefault(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let scrape = try await t.send(.GET, "/metrics")
            #expect(scrape.status == .notFound)
            #expect(t.app.telemetry.enabled == false)
        }
    }

    @Test(arguments: TestDatabase.available)
    func metricsOnTheMainPortNeedTheBearerToken(_ db: TestDatabase) async throws {
        try await TestApp.with(db, configure: Self.withMetrics) { t in
            #expect(try await t.send(.GET, "/metrics").status == .unauthorized)
            #expect(try await t.send(.GET, "/metrics", token: "metrics-token-0123456789abcdeX").status == .unauthorized)
            let scrape = try await t.send(.GET, "/metrics", token: Self.metricsToken)
            #expect(scrape.status == .ok)
            #expect(scrape.headers.contentType?.description.hasPrefix("text/plain") == true)
            #expect(scrape.body.contains("usher_build_info{version=\"\(UsherBuild.version)\"} 1"))
            #expect(scrape.body.contains("usher_process_start_time_seconds "))
            #expect(Self.sample(scrape.body, "usher_outbox_depth") == 0)
        }
    }

    @Test(arguments: TestDatabase.available)
    func invitationsRoutesAndRefusalsAreCountedWithoutIdsOrEmails(_ db: TestDatabase) async throws {
        try await TestApp.with(db, configure: Self.withMetrics) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let created = try await t.invite(f, email: "counted@example.com")
            #expect(created.status == .created)
            let id = try #require(created["id"] as? String)
            #expect(try await t.send(.GET, "/admin/api/v1/identityStores/default/invite/\(id)", token: token).status == .ok)
            // The same email again: refused with invitation.pendingExists (SPEC rule 7), not counted as created.
            let again = try await t.invite(f, email: "counted@example.com")
            #expect(again.status == .conflict)
            let refusedKey = try #require(again.errorKey)

            let body = try await t.send(.GET, "/metrics", token: Self.metricsToken).body
            #expect(Self.sample(body, #"usher_invitations_total{event="created"}"#) == 1)
            #expect(Self.sample(body, #"usher_refusals_total{error_key="\#(refusedKey)"}"#) == 1)
            #expect(Self.sample(body, #"usher_outbox_depth"#) == 1)
            let route = #"route="/admin/api/v1/identityStores/:store/invite/:id""#
            #expect(Self.sample(body, #"usher_http_requests_total{method="GET",\#(route),status="200"}"#) == 1)
            #expect(body.contains(#"usher_http_request_duration_seconds_count{method="GET",\#(route)}"#))
            #expect(!body.contains(id))
            #expect(!body.contains("counted@example.com"))
            #expect(!body.contains(token))

            // The email goes out: one delivery counted, the outbox empties.
            #expect(try await t.app.usher.outbox?.runOnce() == 1)
            let after = try await t.send(.GET, "/metrics", token: Self.metricsToken).body
            #expect(Self.sample(after, #"usher_email_deliveries_total{transport="mailbox",outcome="sent"}"#) == 1)
            #expect(Self.sample(after, #"usher_outbox_depth"#) == 0)
        }
    }

    @Test func unmatchedPathsShareOneRouteLabel() async throws {
        try await TestApp.with(.sqlite, configure: Self.withMetrics) { t in
            for n in 0..<3 { _ = try await t.send(.GET, "/no/such/page/\(n)") }
            let body = try await t.send(.GET, "/metrics", token: Self.metricsToken).body
            #expect(Self.sample(body, #"usher_http_requests_total{method="GET",route="unmatched",status="404"}"#) == 3)
            #expect(!body.contains("/no/such/page"))
        }
    }

    @Test func operationsSettingsComeFromTheEnvironment() throws {
        let on = try UsherConfiguration.fromEnvironment(
            ["USHER_METRICS": "true", "USHER_METRICS_TOKEN": Self.metricsToken, "USHER_METRICS_PORT": "9464", "USHER_TRACE_PII": "false"],
            hostname: "0.0.0.0", port: 8080)
        #expect(on.operations.metricsOnMainPort)
        #expect(on.operations.metricsToken == Self.metricsToken)
        #expect(on.operations.metricsPort == 9464)
        #expect(on.operations.metricsHostname == "0.0.0.0")
        let off = try UsherConfiguration.fromEnvironment([:], hostname: "127.0.0.1", port: 8080)
        #expect(!off.operations.metricsEnabled)
        #expect(throws: UsherConfiguration.Error.self) {
            try UsherConfiguration.fromEnvironment(["USHER_METRICS_PORT": "99999"], hostname: "127.0.0.1", port: 8080)
        }
        #expect(throws: UsherConfiguration.Error.self) {
            try UsherConfiguration.fromEnvironment(["USHER_METRICS": "maybe"], hostname: "127.0.0.1", port: 8080)
        }
        #expect(throws: UsherConfiguration.Error.self) {
            try UsherConfiguration.fromEnvironment(["USHER_METRICS_TOKEN": "short"], hostname: "127.0.0.1", port: 8080)
        }
        #expect(try LogFormat.fromEnvironment(["USHER_LOG_FORMAT": "json"]) == .json)
        #expect(try LogFormat.fromEnvironment([:]) == .text)
        #expect(throws: UsherConfiguration.Error.self) { try LogFormat.fromEnvironment(["USHER_LOG_FORMAT": "xml"]) }
    }
}
