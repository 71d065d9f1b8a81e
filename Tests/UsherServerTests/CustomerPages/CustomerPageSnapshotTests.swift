import Foundation
import SnapshotTesting
import Testing
import UsherCore

@testable import UsherServer

/// The customer pages as they render, in every language (issue 22): each page's context is
/// rendered with the built-in templates, no server, and compared with the snapshot committed
/// under `__Snapshots__/`. A changed word or tag shows up as a diff in review. To accept a
/// change on purpose, delete the snapshot file and run the suite twice (it records, then passes).
@Suite struct CustomerPageSnapshotTests {
    static let templates: Templates = {
        do { return try Templates.load(overrideDirectory: nil) } catch { fatalError("\(error)") }
    }()

    static let application = "Shop"
    static let login = "https://shop.example.com/login?iss=https%3A%2F%2Fid.example.com"

    /// The page's `<html>` and `<title>` and its `<main>`: the shared layout's styles are left
    /// out, so restyling every page does not rewrite every snapshot.
    static func essentials(_ html: String) -> String {
        let lines = html.split(separator: "\n", omittingEmptySubsequences: false)
        let head = lines.filter { $0.hasPrefix("<html") || $0.hasPrefix("<title>") }
        guard let start = html.range(of: "<main"), let end = html.range(of: "</main>") else { return html }
        return (head.map(String.init) + [String(html[start.lowerBound..<end.upperBound])]).joined(separator: "\n")
    }

    func snapshot(_ template: String, _ make: (PageLanguage, PageStrings) -> any PageContext, testName: String = #function) {
        for language in PageLanguage.allCases {
            let page = make(language, language.strings)
            let html = Self.templates.render(template, page)
            #expect(html.contains(#"<html lang="\#(language.rawValue)">"#), "\(template) \(language)")
            assertSnapshot(of: Self.essentials(html), as: .lines, named: language.rawValue, testName: testName)
        }
    }

    @Test func signUpWithFieldErrors() {
        snapshot("page/signup") { language, t in
            SignUpPage(
                title: t.signUp.title, lang: language.rawValue, t: t, lead: PageStrings.fill(t.signUp.lead, ["app": Self.application]),
                applicationName: Self.application, flow: "f_flow", csrf: "csrf-token", email: "jane@example.com", emailReadonly: true,
                fields: [
                    .init(
                        name: "givenName", label: t.label(.givenName), value: "Jane", readonly: false, required: true, type: "text",
                        autocomplete: "given-name", error: nil),
                    .init(
                        name: "familyName", label: t.label(.familyName), value: "", readonly: false, required: true, type: "text",
                        autocomplete: "family-name", error: t.fieldErrors.required),
                ],
                passwordAllowed: true,
                providers: [.init(id: "p1", name: "Google", label: PageStrings.fill(t.common.continueWith, ["provider": "Google"]))],
                hasProviders: true, emailError: nil, passwordError: t.passwordProblem(.tooShort(10)), formError: t.common.fixFields)
        }
    }

    @Test func signUpAccepted() {
        snapshot("page/signup-accepted") { language, t in
            SignUpAcceptedPage(
                title: t.signUp.acceptedTitle, lang: language.rawValue, t: t,
                lead: PageStrings.fill(t.signUp.acceptedLead, ["app": Self.application]),
                continueLabel: PageStrings.fill(t.common.continueTo, ["app": Self.application]), continueURL: Self.login)
        }
    }

    @Test func signIn() {
        snapshot("page/signin") { language, t in
            SignInPage(
                title: t.signIn.title, lang: language.rawValue, t: t, lead: PageStrings.fill(t.signIn.lead, ["app": Self.application]),
                applicationName: Self.application, flow: "f_flow", csrf: "csrf-token", email: "jane@example.com",
                identifierLabel: t.common.email, identifierType: "email", identifierAutocomplete: "email", providers: [],
                hasProviders: false,
                formError: t.signIn.wrongCredentials)
        }
    }

    @Test func usedInvitationLink() {
        snapshot("page/error") { language, t in
            var page = ErrorPage(InvitationLinkRefusal.used.error)
            (page.title, page.detail) = t.refusal(.used)
            page.lang = language.rawValue
            page.wayOn = ErrorPageWayOn.forRefusal(
                .used, application: .init(name: Self.application, loginURL: "https://shop.example.com/login"),
                issuer: "https://id.example.com", strings: t)
            return page
        }
    }

    @Test func unknownInvitationLink() {
        snapshot("page/error") { language, t in
            var page = ErrorPage(InvitationLinkRefusal.unknown.error)
            (page.title, page.detail) = t.refusal(.unknown)
            page.lang = language.rawValue
            page.wayOn = ErrorPageWayOn.forRefusal(
                .unknown, application: .init(name: Self.application, loginURL: "https://shop.example.com/login"),
                issuer: "https://id.example.com", strings: t)
            return page
        }
    }

    @Test func expiredInvitationLink() {
        snapshot("page/invitation-expired") { language, t in
            ExpiredInvitationPage(
                title: t.expired.title, lang: language.rawValue, words: t.expired, t: t,
                wayOn: ErrorPageWayOn.forRefusal(
                    .expired, application: .init(name: Self.application, loginURL: "https://shop.example.com/login"),
                    issuer: "https://id.example.com", strings: t),
                expiredOn: PageStrings.fill(t.expired.expiredOn, ["date": "1 Dec 2026"]), token: "inv_token", csrf: "csrf-token",
                requested: false, sent: false)
        }
    }

    @Test func forgotPassword() {
        snapshot("page/password-forgot") { language, t in
            PasswordForgotPage(
                title: t.passwordReset.forgotTitle, lang: language.rawValue, t: t,
                lead: PageStrings.fill(t.passwordReset.forgotLead, ["identifier": t.common.email, "app": Self.application]),
                applicationName: Self.application, flow: "f_flow", store: "", csrf: "csrf-token", email: "",
                identifierLabel: t.common.email,
                identifierType: "email", identifierAutocomplete: "email", signInLink: "/signin?flow=f_flow", formError: nil)
        }
    }

    @Test func forgotPasswordSent() {
        snapshot("page/password-forgot-sent") { language, t in
            PasswordForgotSentPage(
                title: t.passwordReset.sentTitle, lang: language.rawValue, t: t,
                lead: PageStrings.fill(t.passwordReset.sentLead, ["app": Self.application, "minutes": "30"]),
                applicationName: Self.application, signInLink: "/signin?flow=f_flow", minutes: 30)
        }
    }

    @Test func resetPasswordWithAnError() {
        snapshot("page/password-reset") { language, t in
            PasswordResetPage(
                title: t.passwordReset.resetTitle, lang: language.rawValue, t: t,
                lead: PageStrings.fill(t.passwordReset.resetLead, ["account": "jane@example.com"]), token: "pr_token", csrf: "csrf-token",
                account: "jane@example.com", formError: t.passwordProblem(.mismatch))
        }
    }

    @Test func resetPasswordDone() {
        snapshot("page/password-reset-done") { language, t in
            PasswordResetDonePage(
                title: t.passwordReset.doneTitle, lang: language.rawValue, t: t,
                continueLabel: PageStrings.fill(t.common.continueTo, ["app": Self.application]), applicationName: Self.application,
                applicationLink: "https://shop.example.com/login")
        }
    }

    @Test func confirmEmail() {
        snapshot("page/email-verify") { language, t in
            EmailVerificationPage(
                title: t.verification.confirmTitle, lang: language.rawValue, t: t,
                lead: PageStrings.fill(t.verification.confirmLead, ["email": "jane@example.com"]), email: "jane@example.com",
                token: "ev_token", csrf: "csrf-token")
        }
    }

    @Test func emailConfirmed() {
        snapshot("page/email-verified") { language, t in
            EmailVerificationPage(
                title: t.verification.verifiedTitle, lang: language.rawValue, t: t,
                lead: PageStrings.fill(t.verification.verifiedLead, ["email": "jane@example.com"]), email: "jane@example.com")
        }
    }

    @Test func accountPage() {
        snapshot("page/account") { language, _ in
            var page = AccountPageView(
                csrf: "csrf-token", store: "default", email: "jane@example.com", username: nil, emailUnverified: true,
                pendingEmail: "new@example.com",
                fields: [
                    .init(
                        name: "givenName", label: "", value: "Jane", type: "text", autocomplete: "given-name", readOnly: false,
                        required: true)
                ],
                hasFields: true, hasEditableFields: true, hasPassword: true,
                identities: [.init(id: "i1", canUnlink: true, provider: "Google", email: "jane@gmail.example", linked: "1 Dec 2026")],
                sessions: [
                    .init(id: "s1", started: "1 Dec 2026, 14:02", current: true, other: false),
                    .init(id: "s2", started: "30 Nov 2026, 09:15", current: false, other: true),
                ],
                hasOtherSessions: true, canDelete: true, notice: nil, formError: nil)
            page.localize(language)
            page.notice = AccountPageRoutes.Notice.profileSaved.text(language.strings)
            return page
        }
    }

    /// The emails of the journey in each language: subject, text and HTML of each.
    @Test func selfServiceEmails() {
        for base in ["email/email-verification", "email/password-reset", "email/email-change-notice"] {
            for language in PageLanguage.allCases {
                let values = CustomerEmailContext(
                    applicationName: Self.application, email: "jane@example.com", link: "https://id.example.com/x?token=t", minutes: 30,
                    newEmail: "new@example.com", lang: language.rawValue)
                let rendered = ["subject", "text", "html"].map { suffix in
                    Self.templates.render(Self.templates.localized(base, language: language.rawValue, suffix: suffix), values)
                }
                #expect(Self.templates.has("\(base).\(language.rawValue).html"), "\(base) \(language)")
                assertSnapshot(
                    of: rendered.joined(separator: "\n----\n"), as: .lines,
                    named: base.replacingOccurrences(of: "email/", with: "") + "." + language.rawValue)
            }
        }
    }
}
