import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import UsherCore
import Vapor

extension ErrorKey {
    /// `/health/ready` answers 503: the database does not answer, migrations are pending, or the
    /// email worker is not running.
    public static let healthNotReady = ErrorKey(rawValue: "health.notReady")
}

/// `GET /health/live` (the process answers) and `GET /health/ready` (it can serve: the database
/// answers, every migration is applied, the email worker runs). No authentication and no rate
/// limit, so that probes always get an answer; neither says anything a stranger could use.
struct HealthRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let health = routes.grouped("health")
        health.get("live", use: live)
        health.get("ready", use: ready)
    }

    func live(req: Request) async throws -> Response {
        try Self.json(["status": "ok"], status: .ok)
    }

    func ready(req: Request) async throws -> Response {
        let readiness = req.application.readiness
        var checks: [String: String] = [:]
        var problems: [String] = []
        do {
            try await Readiness.withTimeout(readiness.timeout) { _ = try await req.db.sql.raw("SELECT 1 AS ok").all() }
            checks["database"] = "ok"
            if try await readiness.migrationsApplied(req.application) {
                checks["migrations"] = "ok"
            } else {
                checks["migrations"] = "pending"
                problems.append("database migrations are pending (run usher migrate)")
            }
        } catch {
            checks["database"] = "unreachable"
            checks["migrations"] = "unknown"
            problems.append("the database does not answer")
        }
        if req.usher.config.runMailWorker {
            if readiness.workerRunning {
                checks["outboxWorker"] = "ok"
            } else {
                checks["outboxWorker"] = "stopped"
                problems.append("the email worker is not running")
            }
        }
        guard problems.isEmpty else {
            let notReady = UsherError(
                status: 503, errorKey: .healthNotReady, title: "Service Unavailable",
                detail: "Not ready: " + problems.joined(separator: "; ") + ".")
            let problem = ReadinessProblem(problem: Problem(notReady, path: req.url.path), checks: checks)
            let response = try Self.json(problem, status: .serviceUnavailable)
            response.headers.replaceOrAdd(name: .contentType, value: "application/problem+json")
            return response
        }
        return try Self.json(Ready(status: "ready", checks: checks), status: .ok)
    }

    private struct Ready: Encodable {
        var status: String
        var checks: [String: String]
    }

    /// problem+json like every other error (the same `Problem` fields, side by side in one
    /// object), with what each check found.
    private struct ReadinessProblem: Encodable {
        var problem: Problem
        var checks: [String: String]

        private enum CodingKeys: String, CodingKey { case checks }

        func encode(to encoder: any Encoder) throws {
            try problem.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(checks, forKey: .checks)
        }
    }

    private static func json(_ value: some Encodable, status: HTTPResponseStatus) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let response = Response(status: status, body: .init(data: try encoder.encode(value)))
        response.headers.replaceOrAdd(name: .contentType, value: "application/json; charset=utf-8")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}

/// What `/health/ready` knows beyond the database: whether the migrations were found applied
/// (once they are, they stay so) and whether the email worker runs (set by its lifecycle).
final class Readiness: Sendable, LifecycleHandler {
    private let state = NIOLockedValueBox<(migrated: Bool, workerRunning: Bool)>((false, false))
    let timeout: Duration

    init(timeout: Duration = .seconds(3)) { self.timeout = timeout }

    var workerRunning: Bool { state.withLockedValue { $0.workerRunning } }

    func didBootAsync(_ application: Application) async throws { state.withLockedValue { $0.workerRunning = true } }
    func shutdownAsync(_ application: Application) async { state.withLockedValue { $0.workerRunning = false } }

    /// No migration registered in this binary is missing from the database.
    func migrationsApplied(_ app: Application) async throws -> Bool {
        if state.withLockedValue({ $0.migrated }) { return true }
        let migrator = Migrator(databases: app.databases, migrations: app.migrations, logger: app.logger, on: app.eventLoopGroup.any())
        let pending = try await Self.withTimeout(timeout) { try await migrator.previewPrepareBatch().get() }
        guard pending.isEmpty else { return false }
        state.withLockedValue { $0.migrated = true }
        return true
    }

    struct TimedOut: Error {}

    /// A probe must answer in time: a database that does not answer within `timeout` is down.
    static func withTimeout<T: Sendable>(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw TimedOut() }
            return value
        }
    }
}

extension Application {
    private struct ReadinessKey: StorageKey {
        typealias Value = Readiness
    }

    /// Set by `configure`; an application that was never configured is never ready.
    var readiness: Readiness {
        get { storage[ReadinessKey.self] ?? Readiness() }
        set { storage[ReadinessKey.self] = newValue }
    }
}
