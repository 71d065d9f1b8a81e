import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Resending and revoking invitations through the admin API (SPEC rules 10 and 11), on SQLite and on PostgreSQL.
@Suite struct InvitationResendRevokeAPITests {
    static let invite = "/admin/api/v1/identityStores/default/invite"

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
}
