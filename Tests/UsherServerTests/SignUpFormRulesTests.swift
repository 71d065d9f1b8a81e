import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// The sign-up form as the policy shapes it (SPEC: Self-service policy, journey step 2, rule 6;
/// issue 24 items 1 and 2): what the invitee sees, and that what they post cannot change what
/// the administrator fixed.
@Suite struct SignUpFormRulesTests {
    static let lenient = #"{"accountInvitation":{"allowEmailMismatch":true}}"#

    struct Row: Decodable {
        var email: String?
        var pending_email: String?
        var email_verified: Bool
        var given_name: String?
        var family_name: String?
        var display_name: String?
        var phone_number: String?
        var locale: String?
    }

    func account(_ t: TestApp, invitation: TestApp.Reply) async throws -> Row {
        let id = try #require(invitation["id"] as? String)
        let done = try await t.send(.GET, "/admin/api/v1/identityStores/default/invite/\(id)", token: try await t.token())
        let accountId = try #require(UUID(uuidString: done["accountId"] as? String ?? ""), "\(done.body)")
        return try #require(
            try await t.app.db.sql.raw(
                """
                SELECT email, pending_email, email_verified, given_name, family_name, display_name, phone_number, locale FROM accounts WHERE id = \(bind: accountId)
                """
            ).first(decoding: Row.self))
    }

    func status(_ t: TestApp, invitation: TestApp.Reply) async throws -> String? {
        let id = try #require(invitation["id"] as? String)
        return try await t.send(.GET, "/admin/api/v1/identityStores/default/invite/\(id)", token: try await t.token())["status"] as? String
    }

    /// allowEmailMismatch = false (the default): the email field is read-only, and an address
    /// posted anyway is ignored — the account gets the invited address, verified by the link.
    @Test(arguments: TestDatabase.available)
    func theEmailIsReadOnlyAndAPostedAddressIsIgnored(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let (f, secret) = try await InviteeJourney.application(t, token: try await t.token())
            let invitation = try await t.invite(f, email: "invited@example.com")
            var invitee = try await InviteeJourney.open(t, f, invitation: invitation)
            let field = try #require(invitee.input("email"), "\(invitee.page.body)")
            #expect(field.contains(#"value="invited@example.com""#))
            #expect(field.contains(" readonly"))

            let reply = try await invitee.submit(t, [("email", "mallory@example.com"), ("givenName", "Ivy")])
            #expect(reply.status == .seeOther, "\(reply.body)")
            let row = try await account(t, invitation: invitation)
            #expect(row.email == "invited@example.com" && row.pending_email == nil && row.email_verified)
            #expect(
                try await t.app.db.sql.raw(
                    "SELECT 1 AS n FROM accounts WHERE email_key = 'mallory@example.com' OR pending_email = 'mallory@example.com'"
                ).all().isEmpty)
            #expect(try await t.app.db.sql.raw("SELECT 1 AS n FROM outbox WHERE recipient = 'mallory@example.com'").all().isEmpty)
            let claims = try await invitee.idTokenClaims(t, f, secret: secret, reply: reply)
            #expect(claims["email"] as? String == "invited@example.com" && claims["email_verified"] as? Bool == true)
        }
    }

    /// allowEmailMismatch = true: the field is editable; keeping the invited address keeps it
    /// verified, another one is held unverified (SPEC rule 6; SignUpEmailMismatchTests has the rest).
    @Test(arguments: TestDatabase.available)
    func theEmailIsEditableWhenTheInvitationAllowsAnotherAddress(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let (f, _) = try await InviteeJourney.application(t, token: try await t.token(), name: "Lenient", policy: Self.lenient)
            let same = try await t.invite(f, email: "kept@example.com")
            var keeper = try await InviteeJourney.open(t, f, invitation: same)
            let field = try #require(keeper.input("email"), "\(keeper.page.body)")
            #expect(field.contains(#"value="kept@example.com""#))
            #expect(!field.contains("readonly"))
            #expect(try await keeper.submit(t, [("email", "Kept@Example.com"), ("givenName", "K")]).status == .seeOther)
            let kept = try await account(t, invitation: same)
            #expect(kept.email == "kept@example.com" && kept.pending_email == nil && kept.email_verified)

            let other = try await t.invite(f, email: "first@example.com")
            var changer = try await InviteeJourney.open(t, f, invitation: other)
            #expect(try await changer.submit(t, [("email", "second@example.com"), ("givenName", "S")]).status == .seeOther)
            let changed = try await account(t, invitation: other)
            #expect(changed.email == nil && changed.pending_email == "second@example.com" && !changed.email_verified)
        }
    }

    /// Each field mode: hidden (not shown, the invitation's value kept), readOnly (shown, the
    /// invitation's value kept whatever is posted), editable (the invitee's value, may be empty),
    /// required (must be given: refused with nothing written otherwise).
    @Test(arguments: TestDatabase.available)
    func fieldModesShapeTheFormAndWhatIsStored(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let policy = """
                {"registration":{"fields":{"givenName":"readOnly","familyName":"required","displayName":"editable","phoneNumber":"hidden","locale":"hidden"}}}
                """
            let (f, _) = try await InviteeJourney.application(t, token: try await t.token(), name: "Modes", policy: policy)
            let invitation = try await t.invite(
                f, email: "modes@example.com",
                extra: """
                    ,"metadata":{"givenName":"Ann","familyName":"Lee","displayName":"Annie","phoneNumber":"+15550100"}
                    """)
            #expect(invitation.status == .created, "\(invitation.body)")
            var invitee = try await InviteeJourney.open(t, f, invitation: invitation)

            let given = try #require(invitee.input("givenName"), "\(invitee.page.body)")
            #expect(given.contains(#"value="Ann""#) && given.contains(" readonly"))
            let family = try #require(invitee.input("familyName"))
            #expect(family.contains(#"value="Lee""#) && family.contains(" required") && !family.contains("readonly"))
            let display = try #require(invitee.input("displayName"))
            #expect(display.contains(#"value="Annie""#) && !display.contains("readonly") && !display.contains(" required"))
            #expect(invitee.input("phoneNumber") == nil && invitee.input("locale") == nil)
            #expect(!invitee.page.body.contains("+15550100"))

            // A required field left empty: refused, the field named, nothing written.
            let refused = try await invitee.submit(t, [("givenName", "Mallory"), ("familyName", " "), ("displayName", "A.L.")])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.contains(#"id="familyName-error""#))
            #expect(try await t.count("accounts") == 0)
            #expect(try await status(t, invitation: invitation) == "PENDING")

            // Posted values for the read-only and hidden fields are ignored.
            let reply = try await invitee.submit(
                t,
                [
                    ("givenName", "Mallory"), ("familyName", "Lee-Smith"), ("displayName", "A.L."),
                    ("phoneNumber", "+19999999999"), ("locale", "fr-FR"),
                ])
            #expect(reply.status == .seeOther, "\(reply.body)")
            let row = try await account(t, invitation: invitation)
            #expect(row.given_name == "Ann")
            #expect(row.family_name == "Lee-Smith")
            #expect(row.display_name == "A.L.")
            #expect(row.phone_number == "+15550100")
            #expect(row.locale == nil)
        }
    }

    /// An editable field the invitee empties is stored empty, not as the invitation's value.
    @Test(arguments: TestDatabase.available)
    func anEditableFieldCanBeCleared(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let (f, _) = try await InviteeJourney.application(
                t, token: try await t.token(),
                policy: #"{"registration":{"fields":{"displayName":"editable"}}}"#)
            let invitation = try await t.invite(f, email: "clear@example.com", extra: #","metadata":{"displayName":"Prefilled"}"#)
            var invitee = try await InviteeJourney.open(t, f, invitation: invitation)
            #expect(try await invitee.submit(t, [("displayName", "")]).status == .seeOther)
            #expect(try await account(t, invitation: invitation).display_name == nil)
        }
    }
}
