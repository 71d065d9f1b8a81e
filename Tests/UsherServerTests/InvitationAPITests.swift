import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Every rule of SPEC.md through the admin API, on SQLite and on PostgreSQL.
@Suite struct InvitationAPITests {
    static let invite = "/admin/api/v1/identityStores/default/invite"

    func loginHint(_ link: String?) -> String? {
        link.flatMap { URLComponents(string: $0)?.queryItems?.first(where: { $0.name == "login_hint" })?.value }
    }

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
    func rule9_expiredShowsExpiredAndFiltersWork(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let old = try await t.invite(f, email: "old@example.com").decode(InvitationView.self)
            _ = try await t.invite(f, email: "new@example.com")
            let oldId = try #require(UUID(uuidString: old.id))
            try await t.app.db.sql.raw(
                "UPDATE invitations SET valid_until = \(bind: Date().addingTimeInterval(-60)) WHERE id = \(bind: oldId)"
            ).run()

            func list(_ query: String) async throws -> [InvitationView] {
                try await t.send(.GET, "\(Self.invite)?\(query)", token: token).decode([InvitationView].self)
            }
            let got = try await t.send(.GET, "\(Self.invite)/\(old.id)", token: token).decode(InvitationView.self)
            #expect(got.status == "EXPIRED")
            #expect(try await list("status=EXPIRED").map(\.email) == ["old@example.com"])
            #expect(try await list("status=PENDING").map(\.email) == ["new@example.com"])
            #expect(try await list("email=NEW@example.com").count == 1)
            #expect(try await list("accepted=false").count == 2)
            #expect(try await list("accepted=true").isEmpty)
            #expect(try await list("clientId=\(f.clientId)").count == 2)
            #expect(try await t.send(.GET, "\(Self.invite)?status=LOST", token: token).status == .badRequest)
        }
    }

    @Test(arguments: TestDatabase.available)
    func listPagesAndSorts(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            for i in 0..<5 { #expect(try await t.invite(f, email: "p\(i)@example.com").status == .created) }
            let page0 = try await t.send(.GET, "\(Self.invite)?size=2&page=0&sort=email,asc", token: token)
            #expect(try page0.decode([InvitationView].self).map(\.email) == ["p0@example.com", "p1@example.com"])
            #expect(page0.headers.first(name: "X-Total-Count") == "5")
            #expect(page0.headers.first(name: "Link")?.contains("rel=\"next\"") == true)
            let page2 = try await t.send(.GET, "\(Self.invite)?size=2&page=2&sort=email,asc", token: token)
            #expect(try page2.decode([InvitationView].self).map(\.email) == ["p4@example.com"])
            let desc = try await t.send(.GET, "\(Self.invite)?size=1&sort=email,desc", token: token)
            #expect(try desc.decode([InvitationView].self).map(\.email) == ["p4@example.com"])
            #expect(try await t.send(.GET, "\(Self.invite)?sort=password", token: token).status == .badRequest)
            #expect(try await t.send(.GET, "\(Self.invite)?size=0", token: token).status == .badRequest)
        }
    }

    /// Keyset paging (`after=` the previous page's `X-Next-Cursor`) walks the same rows in the
    /// same order as page numbers, in every sort order, with ties on the sort value, and goes on
    /// past a row that was revoked after its cursor was handed out.
    @Test(arguments: TestDatabase.available)
    func cursorPagingWalksEveryRowOnceInOrder(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            var created: [String] = []
            for i in 0..<7 { created.append(try await t.invite(f, email: "c\(i)@example.com").decode(InvitationView.self).id) }
            // Ties: three invitations with exactly the same creation time.
            let tie = Date(timeIntervalSince1970: 1_800_000_000.123456)
            for id in created.prefix(3) {
                try await t.app.db.sql.raw("UPDATE invitations SET created_at = \(bind: tie) WHERE id = \(bind: UUID(uuidString: id)!)")
                    .run()
            }
            func ids(_ r: TestApp.Reply) throws -> [String] { try r.decode([InvitationView].self).map(\.id) }
            for sort in ["created,desc", "created,asc", "email,asc", "sent,desc", "status,asc", "validUntil,desc"] {
                let all = try await t.send(.GET, "\(Self.invite)?size=200&sort=\(sort)", token: token)
                #expect(all.headers.first(name: "X-Next-Cursor") == nil)
                var walked: [String] = []
                var r = try await t.send(.GET, "\(Self.invite)?size=3&sort=\(sort)", token: token)
                walked += try ids(r)
                while let cursor = r.headers.first(name: "X-Next-Cursor") {
                    #expect(r.headers.first(name: "Link")?.contains("page=1>; rel=\"next\"") == true || walked.count > 3)
                    r = try await t.send(.GET, "\(Self.invite)?size=3&sort=\(sort)&after=\(cursor)", token: token)
                    #expect(r.status == .ok)
                    if r.headers.first(name: "X-Next-Cursor") != nil {
                        #expect(r.headers.first(name: "Link")?.contains("after=") == true)
                    }
                    walked += try ids(r)
                }
                #expect(walked == (try ids(all)), "sort \(sort)")
                #expect(walked.count == 7)
            }
            // A cursor whose row is revoked still leads on to the rows after it.
            let first = try await t.send(.GET, "\(Self.invite)?size=2&sort=email,asc", token: token)
            let cursor = try #require(first.headers.first(name: "X-Next-Cursor"))
            let revoked = try #require(try ids(first).last)
            #expect(try await t.send(.DELETE, "\(Self.invite)/\(revoked)", token: token).status == .noContent)
            let next = try await t.send(.GET, "\(Self.invite)?size=2&sort=email,asc&after=\(cursor)", token: token)
            #expect(try next.decode([InvitationView].self).map(\.email) == ["c2@example.com", "c3@example.com"])
            // A cursor from another order, or none at all, is refused with a clear 400.
            let other = try await t.send(.GET, "\(Self.invite)?size=2&sort=created,desc&after=\(cursor)", token: token)
            #expect(other.status == .badRequest)
            #expect(try other.decode(Problem.self).errorKey == "request.invalidQuery")
            #expect(try await t.send(.GET, "\(Self.invite)?after=not-a-cursor", token: token).status == .badRequest)
        }
    }

    /// Past 10,000 matches the total is no longer counted on every page; the next link still is exact.
    @Test(arguments: TestDatabase.available)
    func largeListsCountUpToTheCapAndStillLinkTheNextPage(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let cap = Listing<InvitationView>.countCap
            let now = Date()
            try await t.app.db.transaction { tx in
                for chunk in stride(from: 0, to: cap + 1, by: 500) {
                    let models = (chunk..<min(cap + 1, chunk + 500)).map { i -> InvitationModel in
                        let m = InvitationModel()
                        m.store = "default"
                        m.applicationId = UUID(uuidString: f.applicationId)!
                        m.clientId = f.clientId
                        m.email = "bulk\(i)@example.com"
                        m.emailKey = m.email
                        m.groups = "[]"
                        m.metadata = "{}"
                        m.language = "en-US"
                        m.status = i.isMultiple(of: 2) ? "DONE" : "PENDING"
                        m.tokenHash = UUID().uuidString
                        m.sentAt = now
                        m.validUntil = now.addingTimeInterval(3600)
                        m.sendCount = 1
                        m.createdBy = "test"
                        m.createdAt = now.addingTimeInterval(Double(-i))
                        return m
                    }
                    try await models.create(on: tx)
                }
            }
            let first = try await t.send(.GET, "\(Self.invite)?size=3", token: token)
            #expect(
                try first.decode([InvitationView].self).map(\.email) == ["bulk0@example.com", "bulk1@example.com", "bulk2@example.com"])
            #expect(first.headers.first(name: "X-Total-Count") == nil)
            #expect(first.headers.first(name: "X-Total-Count-At-Least") == String(cap + 1))
            #expect(first.headers.first(name: "Link")?.contains("page=1>; rel=\"next\"") == true)
            // Under the cap the count is exact again: half of them are PENDING.
            let pending = try await t.send(.GET, "\(Self.invite)?status=PENDING&size=200&page=25", token: token)
            #expect(pending.headers.first(name: "X-Total-Count") == String(cap / 2))
            #expect(try pending.decode([InvitationView].self).isEmpty)
            #expect(pending.headers.first(name: "Link")?.contains("rel=\"next\"") == false)
            let last = try await t.send(.GET, "\(Self.invite)?status=PENDING&size=200&page=24", token: token)
            #expect(try last.decode([InvitationView].self).count == cap / 2 - 24 * 200)
            #expect(last.headers.first(name: "Link")?.contains("rel=\"next\"") == false)
        }
    }

    @Test(arguments: TestDatabase.available)
    func rule10_resendRotatesTheTokenAndMovesValidUntil(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token, policy: #"{"accountInvitation":{"linkMaxAgeHours":10}}"#)
            let created = try await t.invite(f, email: "again@example.com").decode(InvitationView.self)
            let id = created.id
            let oldHint = try #require(loginHint(created.link))
            // Let it expire: resend works on EXPIRED too.
            try await t.app.db.sql.raw(
                "UPDATE invitations SET valid_until = \(bind: Date().addingTimeInterval(-5)), sent_at = \(bind: Date().addingTimeInterval(-3600)) WHERE id = \(bind: UUID(uuidString: id)!)"
            ).run()

            let before = Date()
            let resent = try await t.send(.POST, "\(Self.invite)/\(id)/resend", token: token)
            #expect(resent.status == .ok)
            let view = try resent.decode(InvitationView.self)
            #expect(view.status == "PENDING")
            #expect(view.sendCount == 2)
            let newHint = try #require(loginHint(view.link))
            #expect(newHint != oldHint)
            #expect(try await InvitationService.find(token: oldHint, on: t.app.db) == nil)
            #expect(try await InvitationService.find(token: newHint, on: t.app.db)?.id?.idString == id)

            #expect(abs(view.validUntil.timeIntervalSince(before.addingTimeInterval(10 * 3600))) < 5)
            #expect(view.sent >= before.addingTimeInterval(-1))

            // A second email, and the first one (with the dead link) is not sent any more.
            let mails = try await t.send(.GET, "/admin/api/v1/mailbox?invitationId=\(id)", token: token).decode([MailboxMessageView].self)
            #expect(mails.count == 2)
            #expect(Set(mails.map(\.status)) == ["queued", "cancelled"])
            #expect(
                try await t.send(.GET, "/admin/api/v1/auditEvents?action=invitation.resent", token: token).decode([AuditEventView].self)
                    .count == 1)
        }
    }

    /// SPEC rules 10 and 11 as Strivacity declares them: resending an accepted invitation is a
    /// 400; revoking it is a 204 that removes the record and keeps the account it created.
    @Test(arguments: TestDatabase.available)
    func rules10and11_doneInvitationIsNotResentButCanBeRevokedKeepingItsAccount(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let (f, _) = try await OIDCFlowTests().fixtureWithSecret(t)
            var browser = OIDCFlowTests.Browser()
            let accepted = try await OIDCFlowTests().signUp(
                t, f, email: "done@example.com", challenge: OIDCFlowTests().pkce().challenge, browser: &browser)
            #expect(accepted.status == .seeOther)
            let listed = try await t.send(.GET, "\(Self.invite)?email=done@example.com", token: f.token).decode([InvitationView].self)
            let done = try #require(listed.first)
            #expect(done.status == "DONE")
            let accountId = try #require(done.accountId)

            let resend = try await t.send(.POST, "\(Self.invite)/\(done.id)/resend", token: f.token)
            #expect(resend.status == .badRequest)
            #expect(try resend.decode(Problem.self).errorKey == "invitation.alreadyAccepted")
            #expect(try await t.count("outbox") == 1)

            let revoke = try await t.send(.DELETE, "\(Self.invite)/\(done.id)", token: f.token)
            #expect(revoke.status == .noContent)
            #expect(try await t.send(.GET, "\(Self.invite)/\(done.id)", token: f.token).status == .notFound)
            #expect(try await t.send(.DELETE, "\(Self.invite)/\(done.id)", token: f.token).status == .notFound)
            // The account it created stays; the audit log keeps the invitation and who revoked it.
            #expect(try await t.send(.GET, "/admin/api/v1/identityStores/default/accounts/\(accountId)", token: f.token).status == .ok)
            let audit = try await t.send(.GET, "/admin/api/v1/auditEvents?action=invitation.revoked", token: f.token).decode(
                [AuditEventView].self)
            #expect(audit.map(\.targetId) == [done.id])
        }
    }

    @Test(arguments: TestDatabase.available)
    func rule11_revokeDeletesItKillsTheLinkAndIsAudited(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let created = try await t.invite(f, email: "gone@example.com").decode(InvitationView.self)
            let id = created.id
            let hint = try #require(loginHint(created.link))

            let revoke = try await t.send(.DELETE, "\(Self.invite)/\(id)", token: token)
            #expect(revoke.status == .noContent)
            #expect(try await t.send(.GET, "\(Self.invite)/\(id)", token: token).status == .notFound)
            #expect(try await t.send(.GET, Self.invite, token: token).decode([InvitationView].self).isEmpty)
            #expect(try await t.send(.DELETE, "\(Self.invite)/\(id)", token: token).status == .notFound)
            #expect(try await t.send(.POST, "\(Self.invite)/\(id)/resend", token: token).status == .notFound)
            #expect(try await InvitationService.find(token: hint, on: t.app.db) == nil)
            let audit = try await t.send(.GET, "/admin/api/v1/auditEvents?action=invitation.revoked", token: token).decode(
                [AuditEventView].self)
            #expect(audit.count == 1)
            #expect(audit.first?.targetId == id)
            #expect(audit.first?.details["email"] == "gone@example.com")
            // Its email, still queued, will not go out with a dead link.
            let mails = try await t.send(.GET, "/admin/api/v1/mailbox?to=gone@example.com", token: token).decode([MailboxMessageView].self)
            #expect(mails.first?.status == "cancelled")
            // The email may be invited again.
            #expect(try await t.invite(f, email: "gone@example.com").status == .created)
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
