import Foundation
import Testing
import Vapor

@testable import UsherServer

/// The invitation API treats its path ids as Strivacity does, as opaque strings: one that names
/// nothing is a 404 whatever its shape, because Strivacity declares no 400 for get and revoke and
/// a client written to its document must not meet one.
@Suite struct InvitationRouteParameterTests {
    @Test(arguments: TestDatabase.available)
    func idsOfAnyShapeThatNameNothingAre404(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let base = "/admin/api/v1/identityStores/default/invite"
            for (method, path) in [
                (HTTPMethod.GET, "\(base)/not-a-uuid"), (.POST, "\(base)/not-a-uuid/resend"), (.DELETE, "\(base)/not-a-uuid"),
            ] {
                let r = try await t.send(method, path, token: token)
                #expect(r.status == .notFound, "\(method) \(path): \(r.body)")
                #expect(r.errorKey == "invitation.notFound")
            }
            let unknown = try await t.send(.GET, "\(base)/\(UUID().uuidString)", token: token)
            #expect(unknown.status == .notFound)
            let badStore = try await t.send(.GET, "/admin/api/v1/identityStores/no%20such/invite", token: token)
            #expect(badStore.status == .notFound)
            #expect(badStore.errorKey == "identityStore.notFound")
        }
    }
}
