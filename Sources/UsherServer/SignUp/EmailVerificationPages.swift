import Foundation
import UsherCore
import Vapor

/// `/email/verify`: the page an email verification link opens. Security: the GET only shows a
/// confirm button — mail scanners fetch links before people do — and the POST, CSRF-protected,
/// verifies (EmailVerification).
struct EmailVerificationPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("email", "verify", use: show)
        routes.post("email", "verify", use: confirm)
    }

    func show(_ req: Request) async throws -> Response {
        let token = req.query[String.self, at: "token"] ?? ""
        try await req.choosePageLanguage(forLink: token, in: EmailVerification.links)
        let link = try await EmailVerification.usable(token: token, on: req.db, now: Date())
        // The link may be opened in a browser that has never been here: give it the cookie the CSRF token is bound to.
        let browser = BrowserCookies.browserToken(req)
        let t = req.pageLanguage.strings
        let response = Pages.render(
            "page/email-verify",
            EmailVerificationPage(
                title: t.verification.confirmTitle, lang: req.pageLanguage.rawValue, t: t,
                lead: PageStrings.fill(t.verification.confirmLead, ["email": link.email]), email: link.email, token: token,
                csrf: BrowserCookies.csrfToken(req, flowId: Self.csrfPurpose(token))), request: req)
        response.cookies[BrowserCookies.browser] = BrowserCookies.cookie(browser, request: req, maxAge: nil)
        return response
    }

    func confirm(_ req: Request) async throws -> Response {
        let posted = (try? req.content.decode([String: String].self, as: .urlEncodedForm)) ?? [:]
        let token = posted["token"] ?? ""
        try await req.choosePageLanguage(forLink: token, in: EmailVerification.links)
        try BrowserCookies.checkCSRF(req, flowId: Self.csrfPurpose(token), presented: posted["csrf"])
        let link = try await EmailVerification.verify(token: token, on: req.db, now: Date())
        req.logger.info("Email verified", metadata: ["account": .string(link.account_id.idString)])
        if let account = try await AccountModel.find(link.account_id, on: req.db) {
            req.choosePageLanguage(try await PageLanguage.tag(of: account, on: req.db))
        }
        let t = req.pageLanguage.strings
        var page = EmailVerificationPage(
            title: t.verification.verifiedTitle, lang: req.pageLanguage.rawValue, t: t,
            lead: PageStrings.fill(t.verification.verifiedLead, ["email": link.email]), email: link.email)
        if let next = try await Self.application(of: link.account_id, request: req) {
            page.lead = PageStrings.fill(t.verification.verifiedContinueLead, ["email": link.email, "app": next.name])
            page.continueLabel = PageStrings.fill(t.common.continueTo, ["app": next.name])
            page.continueURL = RedirectURI.appending([("iss", req.usher.config.issuer)], to: next.loginURL)
        }
        return Pages.render("page/email-verified", page, request: req)
    }

    /// Where the customer goes on from a verified address: the application this browser is
    /// signed in to (its session's client), else the one the account was invited to — through
    /// its login URL, so the application starts its sign-in as it always does and, with this
    /// browser's session, gets its code without asking again. Nil when it has no login URL.
    static func application(of accountId: UUID, request req: Request) async throws -> (name: String, loginURL: String)? {
        var clientId: String?
        if let session = try await CustomerSession.current(req), session.accountId == accountId { clientId = session.clientId }
        if clientId == nil, let account = try await AccountModel.find(accountId, on: req.db), let invitationId = account.invitationId {
            clientId = try await InvitationModel.find(invitationId, on: req.db)?.clientId
        }
        guard let clientId, let client = try await OIDCClientModel.find(clientId, on: req.db),
            let loginURL = client.loginURL, !loginURL.isEmpty,
            let application = try await ApplicationModel.find(client.applicationId, on: req.db)
        else { return nil }
        return (application.name, loginURL)
    }

    /// Binds the form's CSRF token to this link as well as to the browser.
    static func csrfPurpose(_ token: String) -> String { "email-verify|" + SecretToken.hash(token) }
}

/// The pages of email verification, their words from `t` (PageStrings); the emails are built
/// with the other self-service emails (CustomerEmailTemplates).
enum EmailVerificationTemplates {
    static let verifyPage = """
        {{<page_layout}}{{$body}}
        <h1>{{title}}</h1>
        <p class="lead">{{lead}}</p>
        <form method="post" action="/email/verify">
        <input type="hidden" name="token" value="{{token}}">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit" id="confirm-email">{{t.verification.confirmButton}}</button>
        </form>
        {{/body}}{{/page_layout}}
        """

    static let verifiedPage = """
        {{<page_layout}}{{$body}}
        <h1>{{title}}</h1>
        <p class="lead" id="verified-detail">{{lead}}</p>
        {{#continueURL}}<p class="way-on"><a class="button" href="{{continueURL}}" id="way-on">{{continueLabel}}</a></p>{{/continueURL}}
        {{/body}}{{/page_layout}}
        """

    static var all: [String: String] {
        ["page/email-verify": verifyPage, "page/email-verified": verifiedPage, "page/email-confirm-first": confirmFirstPage]
    }
}

/// `page/email-verify` (the confirm button) and `page/email-verified`.
struct EmailVerificationPage: PageContext {
    var title: String
    var lang: String
    var t: PageStrings
    /// The page's sentence, with the address in it.
    var lead: String
    var email: String
    var token: String?
    var csrf: String?
    /// The way on from a verified address: the application's login URL, and its label.
    var continueURL: String?
    var continueLabel: String?
}
