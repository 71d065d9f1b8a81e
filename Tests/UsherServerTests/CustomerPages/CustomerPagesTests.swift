import Fluent
import Foundation
import Testing
import Vapor

@testable import UsherServer

/// Issue 22, the customer's side: a double click on Create account, Back after the sign-up,
/// pages in the invitation's language (else the browser's), field errors tied to their fields,
/// and a way on from a dead invitation link.
@Suite struct CustomerPagesTests {
    static let login = "https://shop.example.com/login"

    @Test(arguments: TestDatabase.available)
    func twoSubmitsOfTheFormAtOnceBothLandInTheApplicationWithOneAccount(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let (f, secret) = try await InviteeJourney.application(t, token: token)
            let invitation = try await t.invite(f, email: "double@example.com")
            let invitee = try await InviteeJourney.open(t, f, invitation: invitation)
            let form = invitee.flows.query([
                ("flow", invitee.flow), ("csrf", invitee.csrf), ("password", InviteeJourney.password),
                ("passwordConfirmation", InviteeJourney.password),
            ])
            // The double click: the same form twice, the second sent before the first is answered.
            async let first = t.send(.POST, "/signup", headers: invitee.browser.header, form: form)
            async let second = t.send(.POST, "/signup", headers: invitee.browser.header, form: form)
            let replies = try await [first, second]
            for reply in replies {
                #expect(reply.status == .seeOther, "\(reply.status) \(reply.body)")
                #expect(invitee.flows.location(reply)?.host == "shop.example.com", "\(reply.headers)")
                #expect(invitee.flows.param(reply, "state") == "st4te")
            }
            #expect(try await t.count("accounts") == 1)
            // The browser shows the second answer: its code signs the application in, for the same account.
            let claims = try await invitee.idTokenClaims(t, f, secret: secret, reply: replies[1])
            let firstClaims = try await invitee.idTokenClaims(t, f, secret: secret, reply: replies[0])
            #expect(claims["email"] as? String == "double@example.com")
            #expect(claims["sub"] as? String == firstClaims["sub"] as? String)
        }
    }

    @Test(arguments: TestDatabase.available)
    func backAfterTheSignUpSaysTheInvitationIsAcceptedAndOffersTheApplication(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let (f, _) = try await InviteeJourney.application(t, token: token)
            let invitation = try await t.invite(f, email: "back@example.com")
            var invitee = try await InviteeJourney.open(t, f, invitation: invitation)
            let accepted = try await invitee.submit(t, [])
            #expect(accepted.status == .seeOther, "\(accepted.body)")

            let back = try await t.send(.GET, "/signup?flow=\(invitee.flow)", headers: invitee.browser.header)
            #expect(back.status == .ok, "\(back.body)")
            #expect(back.body.contains("Your invitation is accepted"), "\(back.body)")
            #expect(back.body.contains(#"id="continue""#) && back.body.contains("\(Self.login)?iss="), "\(back.body)")
            #expect(!back.body.contains("expired"))
            // Sending the form again from there changes nothing and lands on the same answer.
            let again = try await invitee.submit(t, [("givenName", "Other")])
            #expect(again.status == .seeOther, "\(again.status) \(again.body)")
            #expect(try await t.count("accounts") == 1)
            // Another browser learns nothing from the flow id.
            let stranger = try await t.send(.GET, "/signup?flow=\(invitee.flow)")
            #expect(stranger.status == .badRequest && !stranger.body.contains("accepted"), "\(stranger.body)")
        }
    }

    @Test(arguments: TestDatabase.available)
    func aGermanInvitationShowsTheSignUpItsErrorsAndTheUsedLinkInGerman(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let (f, _) = try await InviteeJourney.application(t, token: token)
            let invitation = try await t.invite(f, email: "de@example.com", extra: #","language":"de-DE""#)
            var invitee = try await InviteeJourney.open(t, f, invitation: invitation)
            #expect(invitee.page.body.contains(#"<html lang="de-DE">"#), "\(invitee.page.body.prefix(200))")
            #expect(invitee.page.body.contains("Konto erstellen") && invitee.page.body.contains("Passwort bestätigen"))
            #expect(!invitee.page.body.contains("Create account"))

            // A refused password: in German, under Password, tied to it for screen readers.
            let refused = try await invitee.submit(t, [("password", "short"), ("passwordConfirmation", "short")])
            #expect(refused.status == .unprocessableEntity)
            let body = refused.body
            #expect(body.contains("Das Passwort muss mindestens 10 Zeichen lang sein."), "\(body)")
            let input = try #require(body.firstMatch(of: /<input id="password"[^>]*>/).map { String(body[$0.range]) })
            #expect(input.contains(#"aria-invalid="true""#) && input.contains(#"aria-describedby="password-error password-hint""#))
            let error = try #require(body.range(of: #"id="password-error""#))
            let confirmation = try #require(body.range(of: #"for="passwordConfirmation""#))
            #expect(error.lowerBound < confirmation.lowerBound, "the password's error shows under Password")

            let accepted = try await invitee.submit(t, [])
            #expect(accepted.status == .seeOther, "\(accepted.body)")
            // The link again, in a fresh browser: used, in German, with the way to sign in.
            let hint = try #require(
                URLComponents(string: invitation["link"] as! String)?.queryItems?.first { $0.name == "login_hint" }?.value)
            let used = try await t.send(.GET, Self.authorize(f, hint: hint, flows: invitee.flows))
            #expect(used.status == .gone)
            #expect(used.body.contains(#"<html lang="de-DE">"#) && used.body.contains("Diese Einladung wurde bereits verwendet"))
            #expect(used.body.contains(#"id="way-on""#) && used.body.contains("Bei Shop anmelden"), "\(used.body)")
            #expect(used.body.contains("\(Self.login)?iss="))
        }
    }

    @Test(arguments: TestDatabase.available)
    func withoutAnInvitationThePagesFollowTheBrowsersLanguage(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let (f, _) = try await InviteeJourney.application(t, token: token)
            let flows = OIDCFlowTests()
            // An unknown link, a French browser: the refusal in French, with "already have an account?".
            let unknown = try await t.send(
                .GET, Self.authorize(f, hint: "inv_" + String(repeating: "x", count: 43), flows: flows),
                headers: ["Accept-Language": "fr-CH, fr;q=0.9, en;q=0.8"])
            #expect(unknown.status == .notFound)
            #expect(unknown.body.contains(#"<html lang="fr-FR">"#) && unknown.body.contains("Ce lien d’invitation n’est pas valide"))
            #expect(unknown.body.contains("Vous avez déjà un compte ?") && unknown.body.contains("Se connecter à Shop"))
            // A language we do not have: English, and `lang` says so.
            let japanese = try await t.send(
                .GET, Self.authorize(f, hint: "inv_" + String(repeating: "y", count: 43), flows: flows),
                headers: ["Accept-Language": "ja-JP"])
            #expect(japanese.body.contains(#"<html lang="en-US">"#) && japanese.body.contains("This invitation link is not valid"))
            // Hungarian wins over a lower-ranked German.
            #expect(PageLanguage.preferred(acceptLanguage: "de;q=0.5, hu-HU") == .hungarian)
            #expect(PageLanguage.preferred(acceptLanguage: "*, it") == nil)
            #expect(PageLanguage.forTag("es-MX") == .spanish && PageLanguage.forTag("pt-BR") == .english)
        }
    }

    @Test(arguments: TestDatabase.available)
    func anAccountFromAGermanInvitationGetsItsEmailsAndPagesInGerman(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let (f, _) = try await InviteeJourney.application(t, token: token)
            let invitation = try await t.invite(f, email: "dora@example.com", extra: #","language":"de-DE""#)
            var invitee = try await InviteeJourney.open(t, f, invitation: invitation)
            #expect(try await invitee.submit(t, []).status == .seeOther)
            let done = try await t.send(.GET, "/admin/api/v1/identityStores/default/invite/\(invitation["id"] as! String)", token: token)
            let accountId = try #require(done["accountId"] as? String)

            // The administrator's reset email: the account has no locale, its invitation was German.
            let reset = try await t.send(.POST, "/admin/api/v1/identityStores/default/accounts/\(accountId)/passwordReset", token: token)
            #expect(reset.status.code < 300, "\(reset.body)")
            let email = try #require(
                try await OutboxMessageModel.query(on: t.app.db).filter(\.$recipient == "dora@example.com").all().first {
                    $0.subject.contains("Passwort")
                })
            #expect(
                email.language == "de-DE" && email.subject.hasPrefix("Passwort für ") && email.subject.hasSuffix(" zurücksetzen"),
                "\(email.subject)")
            #expect(email.textBody.contains("Der Link funktioniert einmal"))
        }
    }

    static func authorize(_ f: TestApp.Fixture, hint: String, flows: OIDCFlowTests) -> String {
        let (_, challenge) = flows.pkce()
        return "/oauth2/authorize?"
            + flows.query([
                ("response_type", "code"), ("client_id", f.clientId), ("redirect_uri", OIDCFlowTests.redirect), ("scope", "openid email"),
                ("state", "s"), ("login_hint", hint), ("code_challenge", challenge), ("code_challenge_method", "S256"),
            ])
    }
}
