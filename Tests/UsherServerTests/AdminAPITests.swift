import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

@Suite struct AdminAPISecurityTests {
    static let allScopes = ["read:account", "write:account", "read:config", "write:config"]

    func concretePath(_ path: String) -> String {
        path.replacingOccurrences(of: "{store}", with: "default")
            .replacingOccurrences(of: "{clientId}", with: "some-client")
            .replacingOccurrences(of: "{accountId}", with: UUID().uuidString)
            .replacingOccurrences(of: "{id}", with: UUID().uuidString)
    }

    @Test(arguments: TestDatabase.available)
    func everyCallNeedsATokenAndItsScope(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            var tokens: [String: String] = [:]
            for scope in Self.allScopes {
                tokens[scope] = try await t.token(scopes: Self.allScopes.filter { $0 != scope })
            }
            let operations = OpenAPIDocument.documentedOperations
            #expect(operations.count > 40)
            for op in operations {
                let method = HTTPMethod(rawValue: op.method)
                let path = concretePath(op.path)
                let body = ["POST", "PUT", "PATCH"].contains(op.method) ? "{}" : nil
                let none = try await t.send(method, path, json: body)
                #expect(none.status == .unauthorized, "\(op.method) \(op.path) without a token → \(none.status)")
                #expect(none.headers.first(name: .wwwAuthenticate)?.hasPrefix("Bearer") == true)
                let bad = try await t.send(method, path, json: body, token: "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")
                #expect(bad.status == .unauthorized, "\(op.method) \(op.path) with a forged token → \(bad.status)")
                let scope = try #require(op.scope)
                let lacking = try await t.send(method, path, json: body, token: tokens[scope])
                #expect(lacking.status == .forbidden, "\(op.method) \(op.path) without \(scope) → \(lacking.status)")
                #expect(lacking.errorKey == "auth.insufficientScope")
            }
            #expect(try await t.count("invitations") == 0)
        }
    }

    @Test(arguments: TestDatabase.available)
    func tokenEndpointFollowsRFC6749(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let basic = "Basic " + Data("\(TestApp.adminClientId):\(TestApp.adminClientSecret)".utf8).base64EncodedString()
            let ok = try await t.send(.POST, "/oauth2/token", headers: ["Authorization": basic], form: "grant_type=client_credentials")
            #expect(ok.status == .ok)
            #expect(ok["token_type"] as? String == "Bearer")
            #expect(ok["expires_in"] as? Int == 600)
            #expect((ok["scope"] as? String)?.split(separator: " ").count == 4)
            #expect(ok.headers.first(name: .cacheControl) == "no-store")

            // Form authentication works too.
            let form = try await t.send(
                .POST, "/oauth2/token",
                form:
                    "grant_type=client_credentials&client_id=\(TestApp.adminClientId)&client_secret=\(TestApp.adminClientSecret)&scope=read:account"
            )
            #expect(form.status == .ok)
            #expect(form["scope"] as? String == "read:account")

            let wrong = try await t.send(
                .POST, "/oauth2/token", form: "grant_type=client_credentials&client_id=\(TestApp.adminClientId)&client_secret=wrong")
            #expect(wrong.status == .unauthorized)
            #expect(wrong["error"] as? String == "invalid_client")
            let unknown = try await t.send(
                .POST, "/oauth2/token", headers: ["Authorization": "Basic " + Data("ghost:secret".utf8).base64EncodedString()],
                form: "grant_type=client_credentials")
            #expect(unknown.status == .unauthorized)
            #expect(unknown.headers.first(name: .wwwAuthenticate)?.hasPrefix("Basic") == true)
            let scope = try await t.send(
                .POST, "/oauth2/token", headers: ["Authorization": basic], form: "grant_type=client_credentials&scope=root")
            #expect(scope["error"] as? String == "invalid_scope")
            let grant = try await t.send(.POST, "/oauth2/token", headers: ["Authorization": basic], form: "grant_type=password")
            #expect(grant["error"] as? String == "unsupported_grant_type")
            let missing = try await t.send(.POST, "/oauth2/token", headers: ["Authorization": basic], form: "scope=x")
            #expect(missing["error"] as? String == "invalid_request")
            let json = try await t.send(.POST, "/oauth2/token", json: #"{"grant_type":"client_credentials"}"#)
            #expect(json["error"] as? String == "invalid_request")

            // A narrowed token is bound by its scopes.
            let readOnly = try #require(form["access_token"] as? String)
            #expect(try await t.send(.GET, "/admin/api/v1/identityStores/default/invite", token: readOnly).status == .ok)
            #expect(try await t.send(.GET, "/admin/api/v1/identityStores", token: readOnly).status == .forbidden)
        }
    }

    @Test(arguments: TestDatabase.available)
    func newAPIClientsGetTheirSecretOnceAndOnlyTheirScopes(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let created = try await t.send(
                .POST, "/admin/api/v1/apiClients", json: #"{"name":"CRM sync","scopes":["read:account"]}"#, token: token)
            #expect(created.status == .created)
            // The secret is shown this once: no cache may keep the answer.
            #expect(created.headers.first(name: .cacheControl) == "no-store")
            let id = try #require(created["clientId"] as? String)
            #expect(created.headers.first(name: .location) == "/admin/api/v1/apiClients/\(id)")
            let secret = try #require(created["clientSecret"] as? String)
            #expect(try await t.send(.GET, "/admin/api/v1/apiClients/\(id)", token: token)["clientSecret"] == nil)
            let tooMuch = try await t.send(
                .POST, "/oauth2/token", form: "grant_type=client_credentials&client_id=\(id)&client_secret=\(secret)&scope=write:account")
            #expect(tooMuch["error"] as? String == "invalid_scope")
            let its = try await t.send(
                .POST, "/oauth2/token", form: "grant_type=client_credentials&client_id=\(id)&client_secret=\(secret)")
            let crm = try #require(its["access_token"] as? String)
            #expect(try await t.send(.POST, "/admin/api/v1/identityStores/default/invite", json: "{}", token: crm).status == .forbidden)
            let badScope = try await t.send(.POST, "/admin/api/v1/apiClients", json: #"{"name":"x","scopes":["admin"]}"#, token: token)
            #expect(badScope.status == .badRequest)
            #expect(badScope.fieldNames == ["scopes[0]"])
            // Deleting the client stops new tokens.
            #expect(try await t.send(.DELETE, "/admin/api/v1/apiClients/\(id)", token: token).status == .noContent)
            #expect(
                try await t.send(.POST, "/oauth2/token", form: "grant_type=client_credentials&client_id=\(id)&client_secret=\(secret)")
                    .status == .unauthorized)
        }
    }

    @Test(arguments: TestDatabase.available)
    func openAPIDocumentAndRoutesAgree(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            var routes = Set<String>()
            for route in t.app.routes.all {
                let path =
                    "/"
                    + route.path.map { component -> String in
                        switch component {
                        case .constant(let s): return s
                        case .parameter(let p): return "{\(p)}"
                        case .anything: return "*"
                        case .catchall: return "**"
                        }
                    }.joined(separator: "/")
                guard path.hasPrefix("/admin/api/v1/") else { continue }
                routes.insert("\(route.method.rawValue) \(path)")
            }
            let documented = Set(OpenAPIDocument.documentedOperations.map { "\($0.method) \($0.path)" })
            #expect(routes.subtracting(documented).sorted() == [], "routes missing from the OpenAPI document")
            #expect(documented.subtracting(routes).sorted() == [], "documented operations without a route")

            let served = try await t.send(.GET, "/openapi.json")
            #expect(served.status == .ok)
            #expect(served["openapi"] as? String == "3.0.3")
            let paths = try #require(served["paths"] as? [String: Any])
            #expect(paths["/admin/api/v1/identityStores/{store}/invite"] != nil)
            #expect(paths["/oauth2/token"] != nil)
            let schemas = ((served["components"] as? [String: Any])?["schemas"] as? [String: Any]) ?? [:]
            // Every $ref points at a schema that exists.
            let refs = served.body.components(separatedBy: "#/components/schemas/").dropFirst().map { $0.prefix { $0 != "\"" } }
            #expect(!refs.isEmpty)
            for ref in Set(refs) { #expect(schemas[String(ref)] != nil, "dangling $ref \(ref)") }
        }
    }
}

@Suite struct AdminResourcesTests {
    @Test(arguments: TestDatabase.available)
    func bootstrapCreatesTheDefaultsOnce(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let stores = try await t.send(.GET, "/admin/api/v1/identityStores", token: token).jsonArray
            #expect(stores.map { $0["name"] as? String } == ["default"])
            #expect(stores.first?["identifiers"] as? [String] == ["EMAIL"])
            let policies = try await t.send(.GET, "/admin/api/v1/selfServicePolicies", token: token).jsonArray
            #expect(policies.count == 1)
            let options = (policies.first?["options"] as? [String: Any])?["accountInvitation"] as? [String: Any]
            #expect(options?["enabled"] as? Bool == true)
            #expect(options?["allowEmailMismatch"] as? Bool == false)
            #expect(options?["forceUsingExternalLogin"] as? Bool == false)
            #expect(options?["linkMaxAgeHours"] as? Int == 72)
            #expect(try await t.count("administrators") == 1)
            // Running it again (a restart, or a second instance) adds nothing.
            try await Bootstrap.run(t.app)
            #expect(try await t.count("administrators") == 1)
            #expect(try await t.count("api_clients") == 1)
            #expect(try await t.count("identity_stores") == 1)
        }
    }

    @Test(arguments: TestDatabase.available)
    func identityStoresAndGroupsCRUD(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let s = try await t.send(
                .POST, "/admin/api/v1/identityStores", json: #"{"name":"b2b","identifiers":["EMAIL","USERNAME"]}"#, token: token)
            #expect(s.status == .created)
            #expect(s["identifiers"] as? [String] == ["EMAIL", "USERNAME"])
            #expect(
                try await t.send(.POST, "/admin/api/v1/identityStores", json: #"{"name":"b2b","identifiers":["EMAIL"]}"#, token: token)
                    .status == .conflict)
            #expect(
                try await t.send(.POST, "/admin/api/v1/identityStores", json: #"{"name":"x","identifiers":[]}"#, token: token).status
                    == .badRequest)
            #expect(
                try await t.send(
                    .POST, "/admin/api/v1/identityStores", json: #"{"name":"bad name/..","identifiers":["EMAIL"]}"#, token: token
                ).status == .badRequest)

            let g = try await t.send(
                .POST, "/admin/api/v1/identityStores/b2b/groups", json: #"{"name":"Buyers","description":"Can buy"}"#, token: token)
            #expect(g.status == .created)
            let gid = try #require(g["id"] as? String)
            #expect(
                try await t.send(.POST, "/admin/api/v1/identityStores/b2b/groups", json: #"{"name":"Buyers"}"#, token: token).status
                    == .conflict)
            let renamed = try await t.send(
                .PATCH, "/admin/api/v1/identityStores/b2b/groups/\(gid)", json: #"{"name":"Purchasers"}"#, token: token)
            #expect(renamed["name"] as? String == "Purchasers")
            #expect(try await t.send(.GET, "/admin/api/v1/identityStores/default/groups/\(gid)", token: token).status == .notFound)

            let a = try await t.send(
                .POST, "/admin/api/v1/identityStores/b2b/accounts", json: #"{"email":"buyer@example.com"}"#, token: token)
            let aid = try #require(a["id"] as? String)
            #expect(
                try await t.send(.POST, "/admin/api/v1/identityStores/b2b/groups/\(gid)/members", json: #"{"id":"\#(aid)"}"#, token: token)
                    .status == .noContent)
            let members = try await t.send(.GET, "/admin/api/v1/identityStores/b2b/groups/\(gid)/members", token: token).jsonArray
            #expect(members.map { $0["id"] as? String } == [aid])
            let account = try await t.send(.GET, "/admin/api/v1/identityStores/b2b/accounts/\(aid)", token: token)
            #expect((account["groups"] as? [[String: Any]])?.first?["name"] as? String == "Purchasers")
            #expect(
                try await t.send(.DELETE, "/admin/api/v1/identityStores/b2b/groups/\(gid)/members/\(aid)", token: token).status
                    == .noContent)
            #expect(try await t.send(.GET, "/admin/api/v1/identityStores/b2b/groups/\(gid)/members", token: token).jsonArray.isEmpty)
            #expect(try await t.send(.DELETE, "/admin/api/v1/identityStores/b2b/groups/\(gid)", token: token).status == .noContent)
            #expect(try await t.send(.GET, "/admin/api/v1/identityStores/b2b/groups/\(gid)", token: token).status == .notFound)
            // A store that still holds accounts is not deleted by accident.
            #expect(try await t.send(.DELETE, "/admin/api/v1/identityStores/b2b", token: token).status == .conflict)
        }
    }

    @Test(arguments: TestDatabase.available)
    func accountsCRUDWithFiltersAndPaging(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let base = "/admin/api/v1/identityStores/default/accounts"
            let created = try await t.send(
                .POST, base,
                json:
                    #"{"email":"Ann@Example.com","password":"a long enough passphrase","givenName":"Ann","familyName":"Lee","metadata":{"tier":"gold"}}"#,
                token: token)
            #expect(created.status == .created)
            #expect(created["email"] as? String == "Ann@Example.com")
            #expect(created["givenName"] as? String == "Ann")
            #expect(created["password"] == nil && created["passwordHash"] == nil)
            #expect((created["groups"] as? [Any])?.isEmpty == true)
            let id = try #require(created["id"] as? String)
            #expect(try await t.send(.POST, base, json: #"{"email":"ann@example.com"}"#, token: token).status == .conflict)
            #expect(
                try await t.send(.POST, base, json: #"{"email":"short@example.com","password":"short"}"#, token: token).fieldNames == [
                    "password"
                ])
            for i in 0..<3 { _ = try await t.send(.POST, base, json: #"{"email":"user\#(i)@example.com"}"#, token: token) }

            let byEmail = try await t.send(.GET, "\(base)?email=ANN@example.com", token: token).jsonArray
            #expect(byEmail.map { $0["id"] as? String } == [id])
            let page = try await t.send(.GET, "\(base)?size=2&page=1", token: token)
            #expect(page.jsonArray.count == 2)
            #expect(page.headers.first(name: "X-Total-Count") == "4")

            let updated = try await t.send(.PATCH, "\(base)/\(id)", json: #"{"familyName":"Smith"}"#, token: token)
            #expect(updated["familyName"] as? String == "Smith")
            #expect(updated["givenName"] as? String == "Ann")
            #expect(try await t.send(.DELETE, "\(base)/\(id)", token: token).status == .noContent)
            #expect(try await t.send(.GET, "\(base)/\(id)", token: token).status == .notFound)
            // A malformed id is the caller's mistake, not a missing account (RouteParameterTests).
            #expect(try await t.send(.GET, "\(base)/not-a-uuid", token: token).status == .badRequest)
        }
    }

    @Test(arguments: TestDatabase.available)
    func applicationsAndPolicies(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let p = try await t.send(
                .POST, "/admin/api/v1/selfServicePolicies",
                json:
                    #"{"name":"Partners","options":{"accountInvitation":{"allowEmailMismatch":true},"registration":{"fields":{"phoneNumber":"required"}}}}"#,
                token: token)
            #expect(p.status == .created)
            let options = p["options"] as? [String: Any]
            let ai = options?["accountInvitation"] as? [String: Any]
            #expect(ai?["allowEmailMismatch"] as? Bool == true)
            #expect(ai?["enabled"] as? Bool == true)  // omitted options take the defaults
            #expect(ai?["linkMaxAgeHours"] as? Int == 72)
            #expect(((options?["registration"] as? [String: Any])?["fields"] as? [String: Any])?["phoneNumber"] as? String == "required")
            let badHours = try await t.send(
                .POST, "/admin/api/v1/selfServicePolicies", json: #"{"name":"X","options":{"accountInvitation":{"linkMaxAgeHours":721}}}"#,
                token: token)
            #expect(badHours.fieldNames == ["options.accountInvitation.linkMaxAgeHours"])
            let badMode = try await t.send(
                .POST, "/admin/api/v1/selfServicePolicies",
                json: #"{"name":"Y","options":{"registration":{"fields":{"givenName":"visible"}}}}"#, token: token)
            #expect(badMode.status == .badRequest)

            let app = try await t.send(
                .POST, "/admin/api/v1/applications",
                json: #"""
                    {"name":"Portal","store":"default","protocol":"oidc","selfServicePolicyId":"\#(p["id"] as! String)",
                     "clients":[{"redirectUris":["https://portal.example.com/cb"],"loginUrl":"https://portal.example.com/login"},
                                {"redirectUris":["http://localhost:3000/cb"],"public":true}]}
                    """#, token: token)
            #expect(app.status == .created)
            #expect(app.headers.first(name: .cacheControl) == "no-store")
            let clients = try #require(app["clients"] as? [[String: Any]])
            #expect(clients.count == 2)
            #expect((clients[0]["clientSecret"] as? String)?.count ?? 0 >= 43)
            #expect(clients[1]["clientSecret"] == nil)  // public clients use PKCE, no secret
            let fetched = try await t.send(.GET, "/admin/api/v1/applications/\(app["id"] as! String)", token: token)
            #expect(((fetched["clients"] as? [[String: Any]])?.first)?["clientSecret"] == nil)

            for (body, field) in [
                (
                    #"{"name":"A","store":"default","protocol":"oidc","clients":[{"redirectUris":["javascript:alert(1)"]}]}"#,
                    "clients[0].redirectUris[0]"
                ),
                (
                    #"{"name":"A","store":"default","protocol":"oidc","clients":[{"redirectUris":["https://a.example.com/cb#x"]}]}"#,
                    "clients[0].redirectUris[0]"
                ),
                (#"{"name":"A","store":"default","protocol":"ftp"}"#, "protocol"),
                (#"{"name":"A","store":"nowhere","protocol":"oidc"}"#, ""),
            ] {
                let r = try await t.send(.POST, "/admin/api/v1/applications", json: body, token: token)
                #expect(r.status == .badRequest || r.status == .notFound, "\(body)")
                if !field.isEmpty { #expect(r.fieldNames.contains(field), "\(body) → \(r.fieldNames)") }
            }
            // A policy in use is not deleted from under its application.
            #expect(try await t.send(.DELETE, "/admin/api/v1/selfServicePolicies/\(p["id"] as! String)", token: token).status == .conflict)
            #expect(try await t.count("applications") == 1)
        }
    }

    @Test(arguments: TestDatabase.available)
    func oversizedBodiesAreRefused(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let huge = #"{"email":"a@example.com","metadata":{"blob":""# + String(repeating: "x", count: 70_000) + #""}}"#
            let r = try await t.send(.POST, "/admin/api/v1/identityStores/default/invite", json: huge, token: token)
            #expect(r.status == .payloadTooLarge)
            #expect(r.errorKey == "request.tooLarge")
        }
    }
}

@Suite struct ConfigurationTests {
    @Test func defaultsRunOnSQLiteWithALocalMailbox() throws {
        let c = try UsherConfiguration.fromEnvironment([:], hostname: "127.0.0.1", port: 8080)
        #expect(c.database == .sqlite(path: "usher.sqlite"))
        #expect(c.publicURL == "http://127.0.0.1:8080")
        #expect(c.smtpURL == nil)
    }

    @Test(arguments: [
        ("USHER_DATABASE_URL", "mysql://x"), ("USHER_DATABASE_URL", "sqlite://"), ("USHER_PUBLIC_URL", "ftp://x"),
        ("USHER_PUBLIC_URL", "https://id.example.com/?q=1"), ("USHER_SMTP_URL", "http://mail"), ("USHER_MAIL_FROM", "nobody"),
        ("USHER_BOOTSTRAP_ADMIN_EMAIL", "not-an-email"), ("USHER_BOOTSTRAP_API_CLIENT_SECRET", "short"),
        ("USHER_MAIL_RETRY_HOURS", "forever"), ("USHER_RATE_LIMITS", "maybe"), ("USHER_BCRYPT_COST", "40"),
    ])
    func aBadValueNamesItsVariable(_ variable: String, _ value: String) {
        do {
            _ = try UsherConfiguration.fromEnvironment([variable: value], hostname: "127.0.0.1", port: 8080)
            Issue.record("\(variable)=\(value) was accepted")
        } catch let error as UsherConfiguration.Error {
            #expect(error.variable == variable)
            #expect(error.description.hasPrefix(variable))
            if variable.contains("SECRET") { #expect(!error.description.contains(value)) }
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func postgresAndAbsoluteSQLiteURLs() throws {
        #expect(
            try UsherConfiguration.fromEnvironment(["USHER_DATABASE_URL": "sqlite:///var/lib/usher.db"], hostname: "h", port: 1).database
                == .sqlite(path: "/var/lib/usher.db"))
        #expect(
            try UsherConfiguration.fromEnvironment(["USHER_DATABASE_URL": "postgres://u:p@db:5432/usher"], hostname: "h", port: 1).database
                == .postgres(url: "postgres://u:p@db:5432/usher"))
        #expect(
            try UsherConfiguration.fromEnvironment(["USHER_PUBLIC_URL": "https://id.example.com/"], hostname: "h", port: 1).publicURL
                == "https://id.example.com")
    }
}
