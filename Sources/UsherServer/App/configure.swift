import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import NIOCore
import SQLKit
import UsherPasswords
import Vapor

/// Builds a running Usher on `app`: database, migrations, keys, templates, routes.
///
/// `migrate` runs the migrations first (what `usher serve` does); `usher migrate` runs them alone.
public func configure(_ app: Application, _ config: UsherConfiguration, migrate: Bool = true) async throws {
    switch config.database {
    case .sqlite(let path):
        // One connection per event loop: SQLite has one writer, and `Database.write` queues
        // writers in memory (see Storage.swift). Readers run side by side thanks to WAL.
        app.databases.use(
            .sqlite(path == ":memory:" ? .memory : .file(path), maxConnectionsPerEventLoop: 1).redactingBoundValues, as: .sqlite)
    case .postgres(let url):
        var configuration: SQLPostgresConfiguration
        // `?schema=name` keeps Usher's tables in their own schema (created when missing).
        var components = URLComponents(string: url)
        let schema = components?.queryItems?.first(where: { $0.name == "schema" })?.value
        let otherItems = components?.queryItems?.filter { $0.name != "schema" }
        components?.queryItems = otherItems?.isEmpty == false ? otherItems : nil
        if let schema, !(schema.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
            throw UsherConfiguration.Error(variable: "USHER_DATABASE_URL", problem: "schema= may hold only letters, digits and '_'")
        }
        do {
            configuration = try SQLPostgresConfiguration(url: components?.string ?? url)
            if let schema { configuration.searchPath = [schema] }
        } catch {
            throw UsherConfiguration.Error(variable: "USHER_DATABASE_URL", problem: "is not a PostgreSQL URL Usher can use: \(error)")
        }
        app.databases.use(
            .postgres(
                configuration: configuration, maxConnectionsPerEventLoop: config.postgresConnectionsPerEventLoop,
                connectionPoolTimeout: .seconds(10)
            )
            .redactingBoundValues, as: .psql)
        if let schema {
            do {
                try await app.db.sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
            } catch {
                throw UsherConfiguration.Error(
                    variable: "USHER_DATABASE_URL", problem: "the schema '\(schema)' cannot be created: \(String(reflecting: error))")
            }
        }
    }
    app.migrations.add(M001_CreateSchema())
    app.migrations.add(M002_RetiredLinks())
    app.migrations.add(M003_InvitationListIndexes())
    app.migrations.add(M004_OutboxSecrets())
    app.migrations.add(M005_NormalizedEmailKeys())
    app.migrations.add(M007_EmailVerification())
    app.migrations.add(M008_LoginFlowInvitationLink())
    app.migrations.add(M009_Organizations())
    app.migrations.add(M010_PasswordResets())
    app.migrations.add(M011_IdempotencyKeys())
    app.migrations.add(M012_Events())
    app.migrations.add(M013_Webhooks())
    app.migrations.add(M015_InvitationLifecycle())
    app.migrations.add(M016_BulkJobs())
    app.migrations.add(M017_RequireVerifiedEmail())
    app.migrations.add(M018_AccountSelfServiceSettings())

    do {
        if app.db.isSQLite { try await DatabaseSetup.prepareSQLite(app.db) }
        if migrate {
            try await runMigrations(app)
            try await DatabaseSetup.refreshSQLiteStatistics(app.db)
        }
    } catch let error as UsherConfiguration.Error {
        throw error
    } catch {
        throw UsherConfiguration.Error(
            variable: "USHER_DATABASE_URL",
            problem:
                "the database cannot be opened or migrated (\(String(reflecting: error))). Check that it is reachable and that the user may create tables."
        )
    }

    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .iso8601
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    ContentConfiguration.global.use(encoder: encoder, for: .json)
    ContentConfiguration.global.use(decoder: decoder, for: .json)

    let templates = try Templates.load(overrideDirectory: config.templatesDirectory)
    let keys = try await SigningKeys.load(on: app.db, logger: app.logger)
    let secrets = try await ServerSecrets.load(on: app.db)
    let engine: any PasswordEngine =
        config.passwordHash == "bcrypt"
        ? BcryptEngine(cost: config.bcryptCost)
        : try Argon2idEngine(parameters: try Argon2Parameters.parse(config.passwordHash))
    // Its own threads: SQLite runs every query on app.threadPool, and a query queued behind
    // tens of milliseconds of hashing would stall every request that reads the database.
    let hashingPool = NIOThreadPool(numberOfThreads: System.coreCount)
    hashingPool.start()
    app.lifecycle.use(ThreadPoolShutdown(pool: hashingPool))
    let passwords = PasswordHashing(engine: engine, pool: hashingPool, maxQueued: 256)
    // SQLite's hottest writes commit in groups on a connection of their own (docs/performance.md).
    var groupCommit: SQLiteGroupCommit?
    if case .sqlite(let path) = config.database, path != ":memory:" {
        groupCommit = try SQLiteGroupCommit(path: path)
        app.lifecycle.use(GroupCommitShutdown(groupCommit: groupCommit!))
    }
    app.usher = UsherContext(
        config: config, keys: keys, secrets: secrets, passwords: passwords, templates: templates,
        rateLimiter: RateLimiter(
            enabled: config.rateLimitsEnabled, overrides: try config.rateLimitOverrides.map(RateLimiter.parseOverrides) ?? [:]),
        groupCommit: groupCommit)
    // Operations (docs/operations.md): metrics when USHER_METRICS or USHER_METRICS_PORT is set, and readiness.
    app.telemetry = Telemetry(enabled: config.operations.metricsEnabled)
    app.readiness = Readiness()

    app.routes.defaultMaxBodySize = ByteCount(integerLiteral: config.maxBodyBytes)
    // Security: a connection that neither sends nor receives for this long is closed (Vapor's
    // IdleStateHandler), so idle or half-open connections cannot pile up. See docs/security.md.
    app.http.server.configuration.idleTimeout = HTTPLimits.idleTimeout
    app.middleware = Middlewares()
    let drain = RequestDrain()
    app.middleware.use(drain.middleware)
    app.lifecycle.use(drain.lifecycle)
    app.middleware.use(TelemetryMiddleware(telemetry: app.telemetry))
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(HeaderHygieneMiddleware())
    app.middleware.use(ProblemMiddleware())
    app.middleware.use(RefusalMiddleware())
    app.middleware.use(InputHygieneMiddleware(maxBodyBytes: config.maxBodyBytes))
    app.middleware.use(CustomerSessionRotation())

    try routes(app)
    try await Bootstrap.run(app)

    let worker = OutboxWorker(
        db: app.db, transport: InstrumentedMailTransport(base: try makeMailTransport(config, app: app), telemetry: app.telemetry),
        owner: app.usher.instanceId,
        settings: .init(leaseDuration: config.mailLease, retryBase: config.mailRetryBase, maxPerSecond: config.smtpMaxPerSecond),
        logger: app.logger, secrets: secrets, groupCommit: app.usher.groupCommit)
    app.usher.outbox = worker
    if config.runMailWorker { app.lifecycle.use(OutboxLifecycle(worker: worker, signal: app.usher.mailSignal)) }
    if config.runMailWorker { app.lifecycle.use(InvitationLifecycleScheduler.task()) }
    if config.runMailWorker { app.lifecycle.use(BulkInvitationScheduler.task()) }
    // The events API, webhook endpoints and their delivery worker (docs/webhooks.md).
    try configureWebhooks(app, settings: config.webhooks, runWorker: config.runMailWorker)
    if config.runMailWorker { app.lifecycle.use(app.readiness) }
    if let port = config.operations.metricsPort {
        app.lifecycle.use(MetricsServer(hostname: config.operations.metricsHostname, port: port))
    }
    if config.demo {
        try app.register(collection: DemoRoutes())
        try await DemoApplication.seed(app)
    }
}

/// Runs pending migrations. On PostgreSQL an advisory lock makes instances that start together
/// migrate one after the other instead of racing to create the same tables.
func runMigrations(_ app: Application) async throws {
    guard !app.db.isSQLite else {
        try await app.autoMigrate()
        return
    }
    let lockKey = 0x5553_4845_5200  // "USHER"
    try await app.db.withConnection { connection in
        try await connection.sql.raw("SELECT pg_advisory_lock(\(literal: lockKey))").run()
        do {
            try await app.autoMigrate()
        } catch {
            _ = try? await connection.sql.raw("SELECT pg_advisory_unlock(\(literal: lockKey))").run()
            throw error
        }
        try await connection.sql.raw("SELECT pg_advisory_unlock(\(literal: lockKey))").run()
    }
}

func routes(_ app: Application) throws {
    app.get("health") { req async throws -> [String: String] in
        // Ready means the database answers, not only that the process runs.
        _ = try await req.db.sql.raw("SELECT 1 AS ok").all()
        return ["status": "ok"]
    }
    try app.register(collection: TokenEndpoint())
    try app.register(collection: DiscoveryRoutes())
    try app.register(collection: AuthorizeEndpoint())
    try app.register(collection: SignUpPages())
    try app.register(collection: SignInPages())
    try app.register(collection: EmailVerificationPages())
    try app.register(collection: EmailVerificationResend())
    try app.register(collection: InvitationRenewalPages())
    try app.register(collection: PasswordResetPages())
    try app.register(collection: AccountPageRoutes())
    try app.register(collection: AccountConsoleActions())
    try app.register(collection: FederationRoutes())
    try app.register(collection: ConsoleAuthRoutes())
    try app.register(collection: ConsoleRoutes())
    try app.register(collection: IdentityStoreConsolePages())
    try app.register(collection: AdminAPIRoutes())
    try app.register(collection: OpenAPIRoutes())
    try app.register(collection: HealthRoutes())
    if app.usher.config.operations.metricsOnMainPort { try app.register(collection: MetricsRoutes()) }
}

/// The email transport: SMTP when USHER_SMTP_URL is set, the local mailbox otherwise.
func makeMailTransport(_ config: UsherConfiguration, app: Application) throws -> any MailTransport {
    guard let url = config.smtpURL else { return LocalMailbox() }
    return try SMTPTransport(url: url, from: config.mailFrom, eventLoopGroup: app.eventLoopGroup, logger: app.logger)
}

/// Stops a thread pool Usher started when the application shuts down.
struct ThreadPoolShutdown: LifecycleHandler {
    let pool: NIOThreadPool
    func shutdownAsync(_ application: Application) async { try? await pool.shutdownGracefully() }
}

struct GroupCommitShutdown: LifecycleHandler {
    let groupCommit: SQLiteGroupCommit
    func shutdownAsync(_ application: Application) async { await groupCommit.close() }
}

/// Runs the email worker while the server runs.
struct OutboxLifecycle: LifecycleHandler {
    let worker: OutboxWorker
    let signal: MailSignal

    func didBootAsync(_ application: Application) async throws { worker.start(signal: signal) }
    func shutdownAsync(_ application: Application) async { await worker.stop() }
}

/// Headers every answer carries: no sniffing, no framing, no referrer leaking tokens.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        if request.application.usher.config.isHTTPS {
            response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains")
        }
        if response.headers.first(name: .cacheControl) == nil {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        return response
    }
}

/// `usher keys rotate`.
public func rotateSigningKeys(_ app: Application) async throws -> [String] {
    let kids = try await SigningKeys.rotate(on: app.db)
    try await app.usher.keys.reload(on: app.db, logger: app.logger)
    return kids
}

/// `usher keys retire`.
public func retireSigningKeys(_ app: Application) async throws -> Int {
    try await SigningKeys.retireOld(on: app.db)
}

extension UsherConfiguration {
    /// Where the data lives, without credentials, for the start-up log line.
    public var databaseDescription: String {
        switch database {
        case .sqlite(let path): return "SQLite \(path)"
        case .postgres(let url):
            guard let components = URLComponents(string: url) else { return "PostgreSQL" }
            return "PostgreSQL \(components.host ?? "?"):\(components.port ?? 5432)\(components.path)"
        }
    }
}
