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
        let link = try await EmailVerification.usable(token: token, on: req.db, now: Date())
        if let account = try await AccountModel.find(link.account_id, on: req.db) {
            req.choosePageLanguage(try await PageLanguage.tag(of: account, on: req.db))
        }
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
        try BrowserCookies.checkCSRF(req, flowId: Self.csrfPurpose(token), presented: posted["csrf"])
        let link = try await EmailVerification.verify(token: token, on: req.db, now: Date())
        req.logger.info("Email verified", metadata: ["account": .string(link.account_id.idString)])
        if let account = try await AccountModel.find(link.account_id, on: req.db) {
            req.choosePageLanguage(try await PageLanguage.tag(of: account, on: req.db))
        }
        let t = req.pageLanguage.strings
        return Pages.render(
            "page/email-verified",
            EmailVerificationPage(
                title: t.verification.verifiedTitle, lang: req.pageLanguage.rawValue, t: t,
                lead: PageStrings.fill(t.verification.verifiedLead, ["email": link.email]), email: link.email), request: req)
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
        {{/body}}{{/page_layout}}
        """

    static var all: [String: String] {
        ["page/email-verify": verifyPage, "page/email-verified": verifiedPage]
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
}
