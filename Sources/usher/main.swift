import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import UsherServer
import Vapor

/// The `usher` command line: one binary that serves, migrates and rotates keys.
@main
struct Usher: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usher",
        abstract: "Usher — a self-hosted customer identity server built around customer invitation.",
        discussion: """
            Configuration comes from the environment: USHER_DATABASE_URL (sqlite:///path or postgres://…, \
            default sqlite://usher.sqlite), USHER_PUBLIC_URL, USHER_SMTP_URL (unset: emails stay in the local mailbox), \
            USHER_MAIL_FROM, and on an empty database USHER_BOOTSTRAP_ADMIN_EMAIL, USHER_BOOTSTRAP_ADMIN_PASSWORD, \
            USHER_BOOTSTRAP_API_CLIENT_ID, USHER_BOOTSTRAP_API_CLIENT_SECRET. See docs/configuration.md.
            """,
        subcommands: [Serve.self, Migrate.self, Keys.self, Passwords.self],
        defaultSubcommand: Serve.self)
}

/// Options every command shares.
struct CommonOptions: ParsableArguments {
    @ArgumentParser.Option(help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel: String = ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "info"

    func bootstrapLogging() throws {
        guard let level = Logger.Level(rawValue: logLevel.lowercased()) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error")
        }
        let format: LogFormat
        do { format = try LogFormat.fromEnvironment() } catch let error as UsherConfiguration.Error {
            throw ValidationError("Configuration error: \(error.description)")
        }
        // USHER_LOG_FORMAT=json: one JSON object per line (docs/operations.md). Inside a traced
        // request, lines carry its trace and span ids.
        LoggingSystem.bootstrap(
            { label, provider in
                switch format {
                case .json:
                    var handler = JSONLogHandler(label: label, metadataProvider: provider)
                    handler.logLevel = level
                    return handler
                case .text:
                    var handler = StreamLogHandler.standardError(label: label, metadataProvider: provider)
                    handler.logLevel = level
                    return handler
                }
            }, metadataProvider: TraceLogMetadata.provider)
    }
}

/// Reads the environment into a configuration, or stops with a message naming the variable.
func loadConfiguration(hostname: String, port: Int, demo: Bool = false) throws -> UsherConfiguration {
    do {
        return try UsherConfiguration.fromEnvironment(hostname: hostname, port: port, demo: demo)
    } catch let error as UsherConfiguration.Error {
        throw ValidationError("Configuration error: \(error.description)")
    }
}

func makeApplication(arguments: [String]) async throws -> Application {
    let environment = Environment(name: ProcessInfo.processInfo.environment["USHER_ENV"] ?? "production", arguments: arguments)
    return try await Application.make(environment, .shared(MultiThreadedEventLoopGroup.singleton))
}

extension CommonOptions {
    /// The commands that work on the database and exit: logging, the configuration, an
    /// application with its schema up to date for `body`, and its shutdown whatever happens.
    func withConfiguredApplication(_ body: (Application, UsherConfiguration) async throws -> Void) async throws {
        try bootstrapLogging()
        let config = try loadConfiguration(hostname: "127.0.0.1", port: 8080)
        let app = try await makeApplication(arguments: ["usher"])
        do {
            try await configure(app, config)
            try await body(app, config)
        } catch let error as UsherConfiguration.Error {
            try? await app.asyncShutdown()
            throw ValidationError("Configuration error: \(error.description)")
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the server: admin API, console, OpenID Connect provider and the email worker, in one process.",
        discussion: "Pending database migrations run first. Several instances may share one PostgreSQL database.")

    @ArgumentParser.Option(name: .long, help: "The address to listen on.")
    var hostname: String = "127.0.0.1"

    @ArgumentParser.Option(name: .long, help: "The port to listen on.")
    var port: Int = 8080

    @ArgumentParser.Flag(help: "Also seed a demo application with a sign-in page of its own, to try the whole invitation journey locally.")
    var demo = false

    @ArgumentParser.OptionGroup var common: CommonOptions

    func run() async throws {
        // Async code then runs on NIO's event loops instead of hopping to Swift's own executor
        // and back on every database answer (what Vapor's own template does).
        let onEventLoops = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        try common.bootstrapLogging()
        if !onEventLoops { Logger(label: "usher").debug("Swift's global executor could not be replaced; running on the default one") }
        guard (1...65535).contains(port) else { throw ValidationError("--port must be between 1 and 65535") }
        let config = try loadConfiguration(hostname: hostname, port: port, demo: demo)
        // OTLP traces when OTEL_EXPORTER_OTLP_ENDPOINT is set (docs/operations.md).
        let tracing = try TracingExporter.startIfConfigured(logger: Logger(label: "usher.tracing"))
        let app = try await makeApplication(arguments: ["usher", "serve", "--hostname", hostname, "--port", String(port)])
        do {
            try await configure(app, config)
            app.logger.notice(
                "Usher is serving \(config.publicURL) (database: \(config.databaseDescription), email: \(config.smtpURL == nil ? "local mailbox" : "SMTP"))"
            )
            try await app.execute()
        } catch let error as UsherConfiguration.Error {
            try? await app.asyncShutdown()
            await tracing?.shutdown()
            throw ValidationError("Configuration error: \(error.description)")
        } catch {
            try? await app.asyncShutdown()
            await tracing?.shutdown()
            throw error
        }
        try await app.asyncShutdown()
        await tracing?.shutdown()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bring the database schema up to date, then exit.",
        discussion: "usher serve does this too; run it alone before rolling out several instances.")

    @ArgumentParser.OptionGroup var common: CommonOptions

    func run() async throws {
        try await common.withConfiguredApplication { _, config in
            print("The database is up to date (\(config.databaseDescription)).")
        }
    }
}

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the token signing keys.",
        subcommands: [Rotate.self, Retire.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make new RS256 and ES256 signing keys; they sign from now on, the old ones stay published until retired.")
        @ArgumentParser.OptionGroup var common: CommonOptions

        func run() async throws {
            try await common.withConfiguredApplication { app, _ in
                let kids = try await rotateSigningKeys(app)
                print("New signing keys: \(kids.joined(separator: ", ")). Running instances pick them up within a minute.")
            }
        }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop publishing keys older than the newest of their kind. Run it once tokens they signed have expired.")
        @ArgumentParser.OptionGroup var common: CommonOptions

        func run() async throws {
            try await common.withConfiguredApplication { app, _ in
                let count = try await retireSigningKeys(app)
                print("Retired \(count) key(s).")
            }
        }
    }
}

struct Passwords: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Password hashing tools.", subcommands: [Benchmark.self])

    struct Benchmark: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time one password hash as configured (USHER_PASSWORD_HASH, USHER_BCRYPT_COST), to size instances.")
        @ArgumentParser.Option(help: "How many hashes to time.")
        var runs = 15

        func run() throws {
            let (median, description) = try benchmarkPasswordHash(try loadConfiguration(hostname: "127.0.0.1", port: 0), runs: runs)
            print(
                String(
                    format: "%@: %.2f ms per hash (median of %d) = %.1f hashes per second per core", description, median * 1000, runs,
                    1 / median))
        }
    }
}
