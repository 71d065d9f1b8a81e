import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Listing invitations through the admin API (SPEC rule 9, paging, sorting, cursors), on SQLite and on PostgreSQL.
@Suite struct InvitationListAPITests {
    static let invite = "/admin/api/v1/identityStores/default/invite"

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
}
