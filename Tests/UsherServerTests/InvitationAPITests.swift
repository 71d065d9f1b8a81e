import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Creating invitations through the admin API (SPEC rules 1 to 7 and 12), on SQLite and on PostgreSQL.
/// Listing is in InvitationListAPITests, resending and revoking in InvitationResendRevokeAPITests.
@Suite struct InvitationAPITests {
    static let invite = "/admin/api/v1/identityStores/default/invite"

    @Test(arguments: TestDatabase.available)
    func createReturnsThePendingInvitationWithALinkAndWritesAuditAndEmail(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let group = try await t.group(token: token, name: "Customers")
            let f = try await t.oidcApplication(token: token)
            let r = try await t.invite(
                f, email: "Jane.Doe@Example.com",
                extra:
                    #","groups":[{"id":"\#(group)"}],"language":"de-DE","metadata":{"givenName":"Jane","familyName":"Doe","plan":"gold"}"#)
            #expect(r.status == .created)
            let v = try r.decode(InvitationView.self)
            #expect(v.status == "PENDING")
            #expect(v.email == "Jane.Doe@Example.com")
            #expect(v.clientId == f.clientId)
            #expect(v.language == "de-DE")
            #expect(v.groups.first?.id == group)
            #expect(v.metadata["plan"] == .string("gold"))
            #expect(r.headers.first(name: .location) == "\(Self.invite)/\(v.id)")
            let link = try #require(v.link)
            #expect(link.hasPrefix("https://shop.example.com/login?iss=http://usher.test&login_hint=inv_"))

            // The token is 256 random bits; only its SHA-256 is stored.
            let hint = try #require(loginHint(link))
            #expect(Data(base64URLEncoded: String(hint.dropFirst(4)))?.count == 32)
            struct Row: Decodable { var token_hash: String }
            let stored = try await t.app.db.sql.raw("SELECT token_hash FROM invitations").all(decoding: Row.self)
            #expect(stored.map(\.token_hash) == [SecretToken.hash(hint)])
            #expect(try await InvitationService.find(token: hint, on: t.app.db)?.id?.idString == v.id)

            // Get shows the same invitation, without the link (Usher keeps no copy of it).
            let g = try await t.send(.GET, "\(Self.invite)/\(v.id)", token: token)
            #expect(g.status == .ok)
            let got = try g.decode(InvitationView.self)
            #expect(got.id == v.id)
            #expect(got.link == nil)
            #expect(!g.body.contains("\"link\""), "no link key at all, not even null")
            #expect(got.delivery?.status == "queued")

            #expect(try await t.count("outbox") == 1)
            let audit = try await t.send(.GET, "/admin/api/v1/auditEvents?action=invitation.created", token: token).decode(
                [AuditEventView].self)
            #expect(audit.count == 1)
            #expect(audit.first?.actor == "apiClient:\(TestApp.adminClientId)")
            #expect(audit.first?.targetId == v.id)
        }
    }

    @Test(arguments: TestDatabase.available)
    func applicationIdStandsForTheFirstClient(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let r = try await t.send(
                .POST, Self.invite, json: #"{"applicationId":"\#(f.applicationId)","email":"a@example.com"}"#, token: token)
            #expect(r.status == .created)
            #expect(try r.decode(InvitationView.self).clientId == f.clientId)
        }
    }

    @Test(arguments: TestDatabase.available)
    func rule1_saml2ApplicationIsRefused(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let app = try await t.send(
                .POST, "/admin/api/v1/applications", json: #"{"name":"Legacy","store":"default","protocol":"saml2"}"#, token: token)
            #expect(app.status == .created)
            let appId = try app.decode(IdOnly.self).id
            let r = try await t.send(.POST, Self.invite, json: #"{"applicationId":"\#(appId)","email":"a@example.com"}"#, token: token)
            #expect(r.status == .badRequest)
            #expect(r.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            let problem = try r.decode(Problem.self)
            #expect(problem.detail.contains("SAML2 applications do not support customer invitation"))
            #expect(problem.errorKey == "invitation.unsupportedProtocol")
            #expect(try await t.count("invitations") == 0)
        }
    }

    @Test(arguments: TestDatabase.available)
    func rule2_missingLoginURLAndDisabledPolicyAreRefused(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let noLogin = try await t.oidcApplication(token: token, name: "NoLogin", loginUrl: nil)
            let r1 = try await t.invite(noLogin, email: "a@example.com")
            #expect(r1.status == .badRequest)
            #expect(try r1.decode(Problem.self).errorKey == "invitation.noLoginUrl")

            let disabled = try await t.oidcApplication(token: token, name: "Disabled", policy: #"{"accountInvitation":{"enabled":false}}"#)
            let r2 = try await t.invite(disabled, email: "a@example.com")
            #expect(r2.status == .badRequest)
            #expect(try r2.decode(Problem.self).errorKey == "invitation.disabled")
            #expect(try await t.count("invitations") == 0)
            #expect(try await t.count("outbox") == 0)
        }
    }

    @Test(arguments: TestDatabase.available)
    func rule3_foreignOrUnknownApplicationAndGroupsAreRefused(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            #expect(
                try await t.send(.POST, "/admin/api/v1/identityStores", json: #"{"name":"partners","identifiers":["EMAIL"]}"#, token: token)
                    .status == .created)
            let f = try await t.oidcApplication(token: token)
            let partnerApp = try await t.oidcApplication(token: token, store: "partners", name: "Partner portal")
            let partnerGroup = try await t.group(token: token, store: "partners", name: "Partners")

            let foreignApp = try await t.invite(partnerApp, email: "a@example.com")
            #expect(foreignApp.status == .badRequest)
            #expect(try foreignApp.decode(Problem.self).errorKey == "invitation.applicationNotInStore")

            let foreignGroup = try await t.invite(f, email: "a@example.com", extra: #","groups":[{"id":"\#(partnerGroup)"}]"#)
            #expect(foreignGroup.status == .badRequest)
            #expect(try foreignGroup.decode(Problem.self).fieldErrors.map(\.field).contains("groups[0].id"))

            let unknownGroup = try await t.invite(f, email: "a@example.com", extra: #","groups":[{"id":"\#(UUID().uuidString)"}]"#)
            #expect(unknownGroup.status == .notFound)

            let unknownClient = try await t.send(.POST, Self.invite, json: #"{"clientId":"nope","email":"a@example.com"}"#, token: token)
            #expect(unknownClient.status == .notFound)

            let unknownStore = try await t.send(
                .POST, "/admin/api/v1/identityStores/nowhere/invite", json: #"{"clientId":"\#(f.clientId)","email":"a@example.com"}"#,
                token: token)
            #expect(unknownStore.status == .notFound)
            // The store and the target come in one read (issue 21); the store's 404 still comes
            // before anything about the body, and an unknown target is still told apart.
            let unknownStoreBadBody = try await t.send(
                .POST, "/admin/api/v1/identityStores/nowhere/invite", json: #"{"email":"not an address"}"#, token: token)
            #expect(unknownStoreBadBody.status == .notFound)
            #expect(try unknownStoreBadBody.decode(Problem.self).errorKey == "identityStore.notFound")
            let unknownApplication = try await t.send(
                .POST, Self.invite, json: #"{"applicationId":"\#(UUID().uuidString)","email":"a@example.com"}"#, token: token)
            #expect(unknownApplication.status == .notFound)
            #expect(try unknownApplication.decode(Problem.self).errorKey == "application.notFound")
            #expect(try await t.count("invitations") == 0)
        }
    }

    @Test(arguments: TestDatabase.available)
    func rule5_readOnlyInviteMethodWithExistingAccountIsDenied_rule6_allowedWithMismatch(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let account = try await t.send(
                .POST, "/admin/api/v1/identityStores/default/accounts", json: #"{"email":"taken@example.com","givenName":"Tak"}"#,
                token: token)
            #expect(account.status == .created)
            let strict = try await t.oidcApplication(token: token, name: "Strict")
            let denied = try await t.invite(strict, email: "TAKEN@example.com")
            #expect(denied.status == .conflict)
            #expect(try denied.decode(Problem.self).errorKey == "account.emailExists")
            #expect(try await t.count("invitations") == 0)

            let lenient = try await t.oidcApplication(
                token: token, name: "Lenient", policy: #"{"accountInvitation":{"allowEmailMismatch":true}}"#)
            let allowed = try await t.invite(lenient, email: "taken@example.com")
            #expect(allowed.status == .created)
        }
    }

    @Test(arguments: TestDatabase.available)
    func rule7_pendingDuplicateIsAnsweredWithConflictingId(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let first = try await t.invite(f, email: "dup@example.com")
            let second = try await t.invite(f, email: "Dup@Example.com")
            #expect(second.status == .conflict)
            let problem = try second.decode(Problem.self)
            #expect(problem.errorKey == "invitation.pendingExists")
            #expect(problem.conflictingId == (try first.decode(InvitationView.self).id))
            #expect(try await t.count("invitations") == 1)

            // Another store is another population: the same email may be invited there.
            #expect(
                try await t.send(.POST, "/admin/api/v1/identityStores", json: #"{"name":"other","identifiers":["EMAIL"]}"#, token: token)
                    .status == .created)
            let other = try await t.oidcApplication(token: token, store: "other", name: "Other")
            #expect(try await t.invite(other, email: "dup@example.com", store: "other").status == .created)
        }
    }

    @Test(arguments: TestDatabase.available)
    func rule7_concurrentDuplicatesCreateOnlyOne(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<6 { group.addTask { try await t.invite(f, email: "race@example.com").status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 1)
            #expect(statuses.filter { $0 == .conflict }.count == 5)
            #expect(try await t.count("invitations") == 1)
        }
    }

    @Test(arguments: TestDatabase.available)
    func rule12_badInputIsAnsweredWithFieldErrorsAndWritesNothing(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let cases: [(String, String)] = [
                ("{not json", ""),
                (#"["an","array"]"#, ""),
                (#"{"clientId":"\#(f.clientId)","email":"not-an-email"}"#, "email"),
                (#"{"clientId":"\#(f.clientId)"}"#, "email"),
                (#"{"email":"a@example.com"}"#, "clientId"),
                (#"{"clientId":"\#(f.clientId)","email":"a@example.com","colour":"blue"}"#, "colour"),
                (#"{"clientId":"\#(f.clientId)","email":"\#(String(repeating: "a", count: 300))@example.com"}"#, "email"),
                (
                    #"{"clientId":"\#(f.clientId)","email":"a@example.com","metadata":{"givenName":"\#(String(repeating: "x", count: 500))"}}"#,
                    "metadata.givenName"
                ),
                (#"{"clientId":"\#(f.clientId)","email":"a@example.com","language":"not a language"}"#, "language"),
                (#"{"clientId":"\#(f.clientId)","email":"a@example.com","groups":"all"}"#, "groups"),
                (#"{"clientId":"\#(f.clientId)","email":"a@example.com\r\nBcc: evil@example.com"}"#, "email"),
                (#"{"clientId":42,"email":"a@example.com"}"#, "clientId"),
            ]
            for (body, field) in cases {
                let r = try await t.send(.POST, Self.invite, json: body, token: token)
                #expect(r.status == .badRequest, "\(body) → \(r.status)")
                #expect(r.headers.contentType?.description.hasPrefix("application/problem+json") == true)
                // Decoding fails unless title, detail and errorKey are all there.
                let problem = try r.decode(Problem.self)
                #expect(!problem.title.isEmpty && !problem.detail.isEmpty && !problem.errorKey.isEmpty)
                let fields = problem.fieldErrors.map(\.field)
                if !field.isEmpty { #expect(fields.contains(field), "\(body) → \(fields)") }
            }
            #expect(try await t.count("invitations") == 0)
            #expect(try await t.count("outbox") == 0)
        }
    }
}
