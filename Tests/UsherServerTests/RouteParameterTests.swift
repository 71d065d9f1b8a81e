import Foundation
import Testing
import Vapor

@testable import UsherServer

/// Path parameters are parsed by type before any service runs: an id of the wrong shape is the
/// caller's mistake (400 problem+json naming the parameter), a well-formed id that names nothing
/// is 404, and neither reaches a force unwrap.
@Suite struct RouteParameterTests {
    private static let api = "/admin/api/v1"

    private func expectMalformed(_ reply: TestApp.Reply, parameter: String, _ what: String) {
        #expect(reply.status == .badRequest, "\(what): \(reply.body)")
        #expect(reply.headers.first(name: .contentType)?.hasPrefix("application/problem+json") == true, "\(what)")
        #expect(reply.errorKey == "request.invalidPath", "\(what)")
        #expect(reply.fieldNames == [parameter], "\(what)")
        #expect((reply.json["detail"] as? String)?.contains("'\(parameter)'") == true, "\(what)")
    }

    @Test(arguments: TestDatabase.available)
    func malformedIdsAnswer400NamingTheParameter(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let group = try await t.group(token: token, name: "Gold")
            let cases: [(HTTPMethod, String, String)] = [
                (.GET, "\(Self.api)/identityStores/default/accounts/not-a-uuid", "id"),
                (.PATCH, "\(Self.api)/identityStores/default/accounts/not-a-uuid", "id"),
                (.DELETE, "\(Self.api)/identityStores/default/groups/12345", "id"),
                (.GET, "\(Self.api)/identityStores/default/groups/\(group)x/members", "id"),
                (.DELETE, "\(Self.api)/identityStores/default/groups/\(group)/members/not-a-uuid", "accountId"),
                (.GET, "\(Self.api)/applications/not-a-uuid", "id"),
                (.POST, "\(Self.api)/applications/not-a-uuid/clients/some-client/secret", "id"),
                (.DELETE, "\(Self.api)/selfServicePolicies/not-a-uuid", "id"),
                (.PATCH, "\(Self.api)/externalLoginProviders/not-a-uuid", "id"),
                (.GET, "\(Self.api)/identityStores/no%20such%20store", "store"),
                (.GET, "\(Self.api)/identityStores/b%C3%A4r/groups", "store"),
            ]
            for (method, path, parameter) in cases {
                let json: String? = method == .PATCH ? #"{"name":"Ann"}"# : nil
                expectMalformed(try await t.send(method, path, json: json, token: token), parameter: parameter, "\(method) \(path)")
            }
            // The malformed requests changed nothing: the group is still there.
            #expect(try await t.send(.GET, "\(Self.api)/identityStores/default/groups/\(group)", token: token).status == .ok)
        }
    }

    @Test(arguments: TestDatabase.available)
    func wellFormedIdsThatNameNothingStill404(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let unknown = UUID().uuidString.lowercased()
            let cases: [(String, String)] = [
                ("\(Self.api)/identityStores/default/accounts/\(unknown)", "account.notFound"),
                ("\(Self.api)/identityStores/default/groups/\(unknown)", "group.notFound"),
                ("\(Self.api)/applications/\(unknown)", "application.notFound"),
                ("\(Self.api)/selfServicePolicies/\(unknown)", "selfServicePolicy.notFound"),
                ("\(Self.api)/apiClients/no-such-client", "apiClient.notFound"),
                ("\(Self.api)/identityStores/nowhere", "identityStore.notFound"),
            ]
            for (path, errorKey) in cases {
                let reply = try await t.send(.GET, path, token: token)
                #expect(reply.status == .notFound, "\(path)")
                #expect(reply.errorKey == errorKey, "\(path)")
            }
        }
    }

    /// The console reads its path parameters the same way, and answers a person with a page.
    @Test(arguments: TestDatabase.available)
    func consolePagesRefuseMalformedIdsWithA400Page(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let console = try await ConsoleBrowser.signIn(t)
            for path in [
                "/admin/accounts/default/not-a-uuid", "/admin/invitations/default/12345", "/admin/applications/not-a-uuid",
                "/admin/invitations/no%20store/\(UUID().uuidString)",
            ] {
                let page = try await console.get(path)
                #expect(page.status == .badRequest, "\(path)")
                #expect(page.headers.first(name: .contentType)?.hasPrefix("text/html") == true, "\(path)")
            }
            #expect(try await console.get("/admin/accounts/default/\(UUID().uuidString)").status == .notFound)
        }
    }

    /// The scope check comes before the parameter check: a caller without the scope learns
    /// nothing about which ids are well-formed.
    @Test(arguments: TestDatabase.available)
    func scopeIsCheckedBeforeTheParameter(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token(scopes: ["read:config"])
            let reply = try await t.send(.GET, "\(Self.api)/identityStores/default/accounts/not-a-uuid", token: token)
            #expect(reply.status == .forbidden)
        }
    }
}
