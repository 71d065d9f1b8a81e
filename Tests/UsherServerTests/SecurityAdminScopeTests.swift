import Foundation
import Testing
import Vapor

@testable import UsherServer

/// Issue 14 item 8: an admin API token is only as good as its client is now, and no API client
/// can raise its own scopes.
@Suite struct SecurityAdminScopeTests {
    /// A new API client with `scopes`, and a token of its own.
    func client(_ t: TestApp, admin: String, name: String, scopes: [String]) async throws -> (id: String, token: String) {
        let list = scopes.map { "\"\($0)\"" }.joined(separator: ",")
        let created = try await t.send(.POST, "/admin/api/v1/apiClients", json: #"{"name":"\#(name)","scopes":[\#(list)]}"#, token: admin)
        let id = try #require(created["clientId"] as? String, "\(created.body)")
        let secret = try #require(created["clientSecret"] as? String)
        let reply = try await t.send(.POST, "/oauth2/token", form: "grant_type=client_credentials&client_id=\(id)&client_secret=\(secret)")
        return (id, try #require(reply["access_token"] as? String, "\(reply.body)"))
    }

    @Test(arguments: TestDatabase.available)
    func removedScopesAndDeletedClientsStopTokensAlreadyIssued(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let admin = try await t.token()
            let ops = try await client(t, admin: admin, name: "Ops", scopes: ["read:account", "read:config"])
            let accounts = "/admin/api/v1/identityStores/default/accounts"
            #expect(try await t.send(.GET, accounts, token: ops.token).status == .ok)

            // The scope is taken away: the token issued before stops carrying it.
            let narrowed = try await t.send(
                .PATCH, "/admin/api/v1/apiClients/\(ops.id)", json: #"{"scopes":["read:config"]}"#, token: admin)
            #expect(narrowed.status == .ok)
            let refused = try await t.send(.GET, accounts, token: ops.token)
            #expect(refused.status == .forbidden)
            #expect(try await t.send(.GET, "/admin/api/v1/apiClients", token: ops.token).status == .ok)

            // The client is deleted: its token stops at once.
            #expect(try await t.send(.DELETE, "/admin/api/v1/apiClients/\(ops.id)", token: admin).status == .noContent)
            let gone = try await t.send(.GET, "/admin/api/v1/apiClients", token: ops.token)
            #expect(gone.status == .unauthorized)
            #expect(gone.errorKey == "auth.invalidToken")
        }
    }

    @Test(arguments: TestDatabase.available)
    func aConfigClientCannotGrantItselfOrOthersWhatItLacks(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let admin = try await t.token()
            let cfg = try await client(t, admin: admin, name: "Config bot", scopes: ["read:config", "write:config"])
            let everything = #"{"scopes":["read:account","write:account","read:config","write:config"]}"#

            let own = try await t.send(.PATCH, "/admin/api/v1/apiClients/\(cfg.id)", json: everything, token: cfg.token)
            #expect(own.status == .forbidden)
            #expect(own.errorKey == "apiClient.ownScopes")
            #expect(own.headers.contentType?.description.contains("problem+json") == true)
            let after = try await t.send(.GET, "/admin/api/v1/apiClients/\(cfg.id)", token: admin)
            #expect(after["scopes"] as? [String] == ["read:config", "write:config"])
            #expect(try await t.send(.GET, "/admin/api/v1/identityStores/default/accounts", token: cfg.token).status == .forbidden)

            // Nor through a second client it makes or edits.
            let accomplice = try await t.send(
                .POST, "/admin/api/v1/apiClients", json: #"{"name":"Accomplice","scopes":["write:account"]}"#, token: cfg.token)
            #expect(accomplice.status == .forbidden)
            #expect(accomplice.errorKey == "apiClient.scopeNotHeld")
            let helper = try await client(t, admin: cfg.token, name: "Helper", scopes: ["read:config"])
            let widened = try await t.send(.PATCH, "/admin/api/v1/apiClients/\(helper.id)", json: everything, token: cfg.token)
            #expect(widened.errorKey == "apiClient.scopeNotHeld")

            // What it may still do: rename itself, and an administrator's client may grant anything.
            #expect(
                try await t.send(.PATCH, "/admin/api/v1/apiClients/\(cfg.id)", json: #"{"name":"Config bot 2"}"#, token: cfg.token).status
                    == .ok)
            #expect(try await t.send(.PATCH, "/admin/api/v1/apiClients/\(helper.id)", json: everything, token: admin).status == .ok)
        }
    }
}
