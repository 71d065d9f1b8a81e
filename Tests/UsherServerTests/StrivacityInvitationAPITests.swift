import Foundation
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// The invitation API as a client written to Strivacity's published document uses it: nested
/// metadata, the X-Skip headers, several sorts, Spring's size clamping, its id pattern and the
/// statuses it declares (SPEC: Strivacity compatibility).
@Suite struct StrivacityInvitationAPITests {
    static let invite = "/admin/api/v1/identityStores/default/invite"

    @Test(arguments: TestDatabase.available)
    func nestedMetadataPrefillsTheFormAndIsAnsweredAsSent(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let metadata =
                #"{"name":{"givenName":"John","familyName":"Doe"},"contact":{"phoneNumber":"+36 1 234 5678"},"crm":{"tier":"gold"}}"#
            let r = try await t.invite(f, email: "john@example.com", extra: #","metadata":\#(metadata)"#)
            #expect(r.status == .created, "\(r.body)")
            let v = try r.decode(InvitationView.self)
            #expect(v.metadata["name"] == .object(["givenName": .string("John"), "familyName": .string("Doe")]))
            #expect(v.metadata["crm"] == .object(["tier": .string("gold")]))

            let journey = try await InviteeJourney.open(t, f, invitation: r)
            #expect(journey.input("givenName")?.contains(#"value="John""#) == true, "\(journey.input("givenName") ?? "no field")")
            #expect(journey.input("familyName")?.contains(#"value="Doe""#) == true)
        }
    }

    @Test func theFlatFormWinsAndNestedNonStringsAreNamedByPath() throws {
        let both: [String: JSONValue] = [
            "givenName": .string("Flat"), "name": .object(["givenName": .string("Nested"), "familyName": .string("Doe")]),
            "phoneNumber": .object(["value": .string("+1 555 0100")]),
        ]
        let profile = InvitationMetadata.profile(from: both)
        #expect(profile.givenName == "Flat")
        #expect(profile.familyName == "Doe")
        #expect(profile.phoneNumber == "+1 555 0100")
        let bad = InvitationMetadata.attributes(in: ["name": .object(["givenName": .number(7)])])
        #expect(bad == [InvitationMetadata.Found(attribute: .givenName, path: "name.givenName", value: .number(7))])
    }

    @Test(arguments: TestDatabase.available)
    func aNestedValueOfTheWrongTypeIsRefusedByItsPath(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let r = try await t.invite(f, email: "x@example.com", extra: #","metadata":{"name":{"givenName":42}}"#)
            #expect(r.status == .badRequest)
            #expect(r.fieldNames == ["metadata.name.givenName"])
            #expect(try await t.count("invitations") == 0)
        }
    }

    @Test(arguments: TestDatabase.available)
    func skipVerificationHeadersAreAcceptedAndChecked(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let body = #"{"clientId":"\#(f.clientId)","email":"h@example.com"}"#
            var headers = HTTPHeaders([("X-Skip-Email-Verification", "true"), ("X-Skip-Phone-Verification", "false")])
            let ok = try await t.send(.POST, Self.invite, json: body, token: token, headers: headers)
            #expect(ok.status == .created, "\(ok.body)")
            headers.replaceOrAdd(name: "X-Skip-Email-Verification", value: "maybe")
            let bad = try await t.send(
                .POST, Self.invite, json: #"{"clientId":"\#(f.clientId)","email":"i@example.com"}"#, token: token, headers: headers)
            #expect(bad.status == .badRequest)
            #expect(bad.fieldNames == ["X-Skip-Email-Verification"])
            #expect(try await t.count("invitations") == 1)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aMalformedGroupIdIsABadRequestAndAnUnknownOneNotFound(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let malformed = try await t.invite(f, email: "g@example.com", extra: #","groups":[{"id":"no such group!"}]"#)
            #expect(malformed.status == .badRequest)
            #expect(malformed.fieldNames == ["groups[0].id"])
            let unknown = try await t.invite(f, email: "g@example.com", extra: #","groups":[{"id":"\#(UUID().uuidString)"}]"#)
            #expect(unknown.status == .notFound)
            #expect(try await t.count("invitations") == 0)
        }
    }

    @Test(arguments: TestDatabase.available)
    func severalSortsApplyInOrderAndEachIsChecked(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let a = try await t.oidcApplication(token: token)
            let b = try await t.oidcApplication(token: token, name: "Second")
            for (f, email) in [(a, "c@example.com"), (b, "a@example.com"), (a, "b@example.com"), (b, "d@example.com")] {
                #expect(try await t.invite(f, email: email).status == .created)
            }
            func emails(_ query: String) async throws -> [String] {
                let r = try await t.send(.GET, "\(Self.invite)?\(query)", token: token)
                #expect(r.status == .ok, "\(query): \(r.body)")
                return try r.decode([InvitationView].self).map(\.email)
            }
            let byClientThenEmail = try await emails("sort=clientId,asc&sort=email,desc")
            let ofA = ["c@example.com", "b@example.com"]
            let ofB = ["d@example.com", "a@example.com"]
            let expected = a.clientId < b.clientId ? ofA + ofB : ofB + ofA
            #expect(byClientThenEmail == expected)
            #expect(try await emails("sort=email") == ["a@example.com", "b@example.com", "c@example.com", "d@example.com"])
            #expect(try await emails("sort=clientId,email,desc").count == 4)

            // Every sort is checked, not only the last.
            let bad = try await t.send(.GET, "\(Self.invite)?sort=nonsense,asc&sort=email,asc", token: token)
            #expect(bad.status == .badRequest)
            #expect(bad.fieldNames == ["sort"])
            // A list sorted by several fields pages by number, not by cursor.
            let paged = try await t.send(.GET, "\(Self.invite)?sort=clientId&sort=email&size=1", token: token)
            #expect(paged.headers.first(name: "X-Next-Cursor") == nil)
            #expect(paged.headers.first(name: "Link")?.contains("page=1") == true)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aSizeAboveTheMaximumIsClampedNotRefused(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            #expect(try await t.invite(f, email: "s@example.com").status == .created)
            let r = try await t.send(.GET, "\(Self.invite)?size=1000", token: token)
            #expect(r.status == .ok, "\(r.body)")
            #expect(try r.decode([InvitationView].self).count == 1)
            let zero = try await t.send(.GET, "\(Self.invite)?size=0", token: token)
            #expect(zero.status == .badRequest)
        }
    }
}

/// A 405's `Allow` names the methods of the resource the path names: the most specific route
/// pattern, as the router picks it (`/invite/stats` is not the invitation `/invite/{id}`).
@Suite struct MethodNotAllowedTests {
    @Test(arguments: TestDatabase.available)
    func allowListsTheMethodsOfTheMostSpecificResource(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let stats = try await t.send(.OPTIONS, "/admin/api/v1/identityStores/default/invite/stats", token: token)
            #expect(stats.status == .methodNotAllowed)
            #expect(stats.headers.first(name: .allow) == "GET")
            let one = try await t.send(.OPTIONS, "/admin/api/v1/identityStores/default/invite/\(UUID().uuidString)", token: token)
            #expect(one.headers.first(name: .allow) == "DELETE, GET, PATCH")
        }
    }
}
