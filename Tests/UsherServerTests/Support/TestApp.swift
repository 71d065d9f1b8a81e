import Fluent
import Foundation
import NIOCore
import SQLKit
import Testing
import UsherCore
import Vapor
import VaporTesting

@testable import UsherServer

/// The databases the HTTP tests run on: SQLite always, PostgreSQL when
/// USHER_TEST_POSTGRES_URL names a server (scripts/test starts one).
enum TestDatabase: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    static var available: [TestDatabase] {
        ProcessInfo.processInfo.environment["USHER_TEST_POSTGRES_URL"].map { _ in [.sqlite, .postgres] } ?? [.sqlite]
    }

    var testDescription: String { rawValue }
}

/// A real Usher on a fresh database of its own (a temporary SQLite file, or a fresh schema in
/// the test PostgreSQL), driven through HTTP in memory.
final class TestApp: @unchecked Sendable {
    let app: Application
    let database: TestDatabase
    private let cleanup: @Sendable () async -> Void
    static let adminClientId = "test-admin"
    static let adminClientSecret = "test-admin-secret-0123456789"

    private init(app: Application, database: TestDatabase, cleanup: @escaping @Sendable () async -> Void) {
        self.app = app
        self.database = database
        self.cleanup = cleanup
    }

    static func start(_ database: TestDatabase, configure adjust: (inout UsherConfiguration) -> Void = { _ in }) async throws -> TestApp {
        let location: UsherConfiguration.DatabaseLocation
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let sqlitePath = NSTemporaryDirectory() + "usher-test-\(schema).sqlite"
        switch database {
        case .sqlite:
            location = .sqlite(path: sqlitePath)
        case .postgres:
            guard let url = ProcessInfo.processInfo.environment["USHER_TEST_POSTGRES_URL"] else {
                throw TestSetupError("USHER_TEST_POSTGRES_URL is not set")
            }
            location = .postgres(url: url + (url.contains("?") ? "&" : "?") + "schema=\(schema)")
        }
        var config = UsherConfiguration(
            database: location, publicURL: "http://usher.test",
            bootstrap: .init(
                adminEmail: "admin@usher.test", adminPassword: "admin-password-123",
                apiClientId: adminClientId, apiClientSecret: adminClientSecret),
            bcryptCost: 4, rateLimitsEnabled: false)
        // Tests drive the email worker by hand (OutboxWorker.runOnce) to see each step.
        config.runMailWorker = false
        // Light Argon2id parameters: the tests check behaviour, not the cost.
        config.passwordHash = "m=1024,t=1,p=1"
        // Dozens of these servers run at once against one PostgreSQL (max_connections in
        // scripts/with-postgres): a small pool each keeps the sum under it.
        config.postgresConnectionsPerEventLoop = 3
        adjust(&config)
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        do {
            try await configure(app, config)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        let cleanup: @Sendable () async -> Void = {
            switch database {
            case .sqlite:
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: sqlitePath + suffix) }
            case .postgres:
                break
            }
        }
        return TestApp(app: app, database: database, cleanup: cleanup)
    }

    func shutdown() async {
        if database == .postgres {
            // The schema is named in the search path; dropping it leaves the test server clean.
            if let schema = try? await app.db.sql.raw("SELECT current_schema() AS s").first(decoding: SchemaRow.self)?.s {
                _ = try? await app.db.sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run()
            }
        }
        try? await app.asyncShutdown()
        await cleanup()
    }

    private struct SchemaRow: Decodable { var s: String }

    /// Runs `body` with a fresh app, and shuts it down whatever happens.
    static func with(
        _ database: TestDatabase, configure adjust: (inout UsherConfiguration) -> Void = { _ in }, _ body: (TestApp) async throws -> Void
    ) async throws {
        let t = try await start(database, configure: adjust)
        do {
            try await body(t)
        } catch {
            await t.shutdown()
            throw error
        }
        await t.shutdown()
    }

    // MARK: HTTP

    struct Reply: Sendable {
        var status: HTTPStatus
        var headers: HTTPHeaders
        var body: String

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
        var jsonArray: [[String: Any]] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [[String: Any]] ?? [] }
        subscript(key: String) -> Any? { json[key] }
        var errorKey: String? { json["errorKey"] as? String }
        var fieldNames: [String] { (json["fieldErrors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String } }

        /// The body as one of the API's own types (`InvitationView`, `[InvitationView]`,
        /// `Problem`, …), read with the server's date strategy: a renamed or retyped field
        /// fails here instead of reading as nil.
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(T.self, from: Data(body.utf8))
        }
    }

    func send(
        _ method: HTTPMethod, _ path: String, json: String? = nil, token: String? = nil, headers extra: HTTPHeaders = [:],
        form: String? = nil
    ) async throws -> Reply {
        var headers = extra
        if let token { headers.bearerAuthorization = .init(token: token) }
        var body: ByteBuffer? = nil
        if let json {
            headers.contentType = .json
            body = ByteBuffer(string: json)
        } else if let form {
            headers.contentType = .urlEncodedForm
            body = ByteBuffer(string: form)
        }
        let response = try await app.testing().sendRequest(method, path, headers: headers, body: body)
        return Reply(status: response.status, headers: response.headers, body: String(buffer: response.body))
    }

    /// A token of the bootstrap admin client, narrowed to `scopes` (all four by default).
    func token(scopes: [String] = ["read:account", "write:account", "read:config", "write:config"]) async throws -> String {
        let reply = try await send(
            .POST, "/oauth2/token",
            headers: ["Authorization": "Basic " + Data("\(Self.adminClientId):\(Self.adminClientSecret)".utf8).base64EncodedString()],
            form: "grant_type=client_credentials&scope=" + scopes.joined(separator: "%20"))
        guard reply.status == .ok, let token = reply["access_token"] as? String else {
            throw TestSetupError("token request failed: \(reply.status) \(reply.body)")
        }
        return token
    }

    // MARK: Fixtures through the API

    struct Fixture: Sendable {
        var token: String
        var applicationId: String
        var clientId: String
        var policyId: String
    }

    /// An OIDC application in `store` with a login URL and its own policy.
    func oidcApplication(
        token: String, store: String = "default", name: String = "Shop", policy: String = "{}",
        loginUrl: String? = "https://shop.example.com/login", groups: [String] = []
    ) async throws -> Fixture {
        let p = try await send(
            .POST, "/admin/api/v1/selfServicePolicies",
            json: #"{"name":"\#(name) policy \#(UUID().uuidString.prefix(6))","options":\#(policy)}"#, token: token)
        guard p.status == .created, let policyId = p["id"] as? String else { throw TestSetupError("policy: \(p.body)") }
        let login = loginUrl.map { #","loginUrl":"\#($0)""# } ?? ""
        let groupRefs = groups.map { #"{"id":"\#($0)"}"# }.joined(separator: ",")
        let a = try await send(
            .POST, "/admin/api/v1/applications",
            json: """
                {"name":"\(name)","store":"\(store)","protocol":"oidc","selfServicePolicyId":"\(policyId)","groups":[\(groupRefs)],
                 "clients":[{"redirectUris":["https://shop.example.com/callback"]\(login)}]}
                """, token: token)
        guard a.status == .created, let appId = a["id"] as? String, let clients = a["clients"] as? [[String: Any]],
            let clientId = clients.first?["clientId"] as? String
        else { throw TestSetupError("application: \(a.body)") }
        return Fixture(token: token, applicationId: appId, clientId: clientId, policyId: policyId)
    }

    func group(token: String, store: String = "default", name: String) async throws -> String {
        let g = try await send(.POST, "/admin/api/v1/identityStores/\(store)/groups", json: #"{"name":"\#(name)"}"#, token: token)
        guard g.status == .created, let id = g["id"] as? String else { throw TestSetupError("group: \(g.body)") }
        return id
    }

    func invite(_ f: Fixture, email: String, store: String = "default", extra: String = "") async throws -> Reply {
        try await send(
            .POST, "/admin/api/v1/identityStores/\(store)/invite",
            json: #"{"clientId":"\#(f.clientId)","email":"\#(email)"\#(extra)}"#, token: f.token)
    }

    func count(_ table: String) async throws -> Int {
        struct Row: Decodable { var n: Int }
        return try await app.db.sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first(decoding: Row.self)?.n ?? -1
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
