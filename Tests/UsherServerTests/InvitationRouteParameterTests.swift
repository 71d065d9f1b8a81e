import Foundation
import Testing
import Vapor

@testable import UsherServer

/// The invitation API reads its path through the typed parameters: a malformed id is a 400
/// naming the parameter, a well-formed unknown one a 404 (Strivacity declares both).
@Suite struct InvitationRouteParameterTests {
    @Test(arguments: TestDatabase.available)
    func malformedIdsAre400AndUnknownOnes404(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let base = "/admin/api/v1/identityStores/default/invite"
            for (method, path) in [
                (HTTPMethod.GET, "\(base)/not-a-uuid"), (.POST, "\(base)/not-a-uuid/resend"), (.DELETE, "\(base)/not-a-uuid"),
            ] {
                let r = try await t.send(method, path, token: token)
                #expect(r.status == .badRequest, "\(method) \(path): \(r.body)")
                #expect(r.errorKey == "request.invalidPath")
                #expect(r.fieldNames == ["id"])
            }
            let unknown = try await t.send(.GET, "\(base)/\(UUID().uuidString)", token: token)
            #expect(unknown.status == .notFound)
            let badStore = try await t.send(.GET, "/admin/api/v1/identityStores/no%20such/invite", token: token)
            #expect(badStore.status == .badRequest)
            #expect(badStore.fieldNames == ["store"])
        }
    }
}
