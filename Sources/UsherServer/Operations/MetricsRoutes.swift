import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import UsherCore
import Vapor

/// `GET /metrics` on the main port (`USHER_METRICS=true`), behind `USHER_METRICS_TOKEN` as a
/// bearer token when one is set.
struct MetricsRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("metrics", use: metrics)
    }

    func metrics(req: Request) async throws -> Response {
        if let token = req.usher.config.operations.metricsToken {
            guard let presented = req.headers.bearerAuthorization?.token, SecretToken.constantTimeEquals(presented, token) else {
                throw UsherError(
                    status: 401, errorKey: .authUnauthorized, title: "Unauthorized",
                    detail: "/metrics asks for the bearer token set in USHER_METRICS_TOKEN.")
            }
        }
        return await MetricsExposition.response(telemetry: req.application.telemetry, db: req.db)
    }
}

/// The Prometheus text exposition, with the gauges that are read at scrape time refreshed first.
enum MetricsExposition {
    static func response(telemetry: Telemetry, db: any Database, now: Date = Date()) async -> Response {
        await refreshOutbox(telemetry, db: db, now: now)
        let response = Response(status: .ok, body: .init(string: telemetry.exposition()))
        response.headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
        return response
    }

    private struct OutboxRow: Decodable {
        var depth: Int
        var oldest: Date?
    }

    /// Emails waiting to go out (queued or being sent) and how long the oldest has waited. Read
    /// from the database, so every instance reports the whole outbox.
    static func refreshOutbox(_ telemetry: Telemetry, db: any Database, now: Date) async {
        guard telemetry.enabled else { return }
        do {
            let row = try await db.sql.raw(
                """
                SELECT COUNT(*) AS depth, MIN(created_at) AS oldest FROM outbox
                WHERE status IN (\(bind: OutboxStatus.queued.rawValue), \(bind: OutboxStatus.sending.rawValue))
                """
            ).first(decoding: OutboxRow.self)
            telemetry.gauge(.outboxDepth, Double(row?.depth ?? 0))
            telemetry.gauge(.outboxOldestAge, row?.oldest.map { max(0, now.timeIntervalSince($0)) } ?? 0)
        } catch {
            telemetry.count(.databaseErrors, [("operation", "metrics_outbox")])
        }
    }
}

/// `/metrics` on a port of its own (`USHER_METRICS_PORT`), bound to the interface `usher serve`
/// listens on, without a token: a second, minimal HTTP server that shares the event loops.
final class MetricsServer: LifecycleHandler, Sendable {
    let hostname: String
    let port: Int
    private let server = NIOLockedValueBox<Application?>(nil)

    init(hostname: String, port: Int) {
        self.hostname = hostname
        self.port = port
    }

    func didBootAsync(_ application: Application) async throws {
        let metrics = try await Application.make(.custom(name: "metrics"), .shared(application.eventLoopGroup))
        metrics.logger = application.logger
        metrics.http.server.configuration.hostname = hostname
        metrics.http.server.configuration.port = port
        metrics.middleware = Middlewares()
        let telemetry = application.telemetry
        let db = application.db
        metrics.get("metrics") { _ async -> Response in await MetricsExposition.response(telemetry: telemetry, db: db) }
        do {
            try await metrics.server.start(address: nil)
        } catch {
            try? await metrics.asyncShutdown()
            throw UsherConfiguration.Error(variable: "USHER_METRICS_PORT", problem: "cannot listen on \(hostname):\(port): \(error)")
        }
        server.withLockedValue { $0 = metrics }
        application.logger.notice("Metrics are served on http://\(hostname):\(port)/metrics")
    }

    func shutdownAsync(_ application: Application) async {
        guard
            let metrics = server.withLockedValue({ s -> Application? in
                defer { s = nil }
                return s
            })
        else { return }
        await metrics.server.shutdown()
        try? await metrics.asyncShutdown()
    }
}

extension Application {
    private struct TelemetryKey: StorageKey {
        typealias Value = Telemetry
    }

    /// This application's metrics (disabled ones until `configure` sets them up).
    var telemetry: Telemetry {
        get { storage[TelemetryKey.self] ?? Self.disabledTelemetry }
        set { storage[TelemetryKey.self] = newValue }
    }

    private static let disabledTelemetry = Telemetry(enabled: false)
}
