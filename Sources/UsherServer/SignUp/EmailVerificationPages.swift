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
        // The link may be opened in a browser that has never been here: give it the cookie the CSRF token is bound to.
        let browser = BrowserCookies.browserToken(req)
        let response = Pages.render(
            "page/email-verify",
            EmailVerificationPage(
                title: "Confirm your email address", email: link.email, token: token,
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
        return Pages.render(
            "page/email-verified", EmailVerificationPage(title: "Your email address is verified", email: link.email), request: req)
    }

    /// Binds the form's CSRF token to this link as well as to the browser.
    static func csrfPurpose(_ token: String) -> String { "email-verify|" + SecretToken.hash(token) }
}

/// The pages and emails of email verification (en-US; an operator adds languages with
/// USHER_TEMPLATES_DIR, e.g. `email/email-verification.de-DE.text.mustache`).
enum EmailVerificationTemplates {
    static let verifyPage = """
        {{<page_layout}}{{$body}}
        <h1>Confirm your email address</h1>
        <p class="lead">Confirm that <strong>{{email}}</strong> is your email address, to use it for your account.</p>
        <form method="post" action="/email/verify">
        <input type="hidden" name="token" value="{{token}}">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit" id="confirm-email">Confirm email address</button>
        </form>
        {{/body}}{{/page_layout}}
        """

    static let verifiedPage = """
        {{<page_layout}}{{$body}}
        <h1>Your email address is verified</h1>
        <p class="lead" id="verified-detail"><strong>{{email}}</strong> is now your account's email address. You can close this page.</p>
        {{/body}}{{/page_layout}}
        """

    static let button =
        "background:#2457d6;color:#ffffff;text-decoration:none;padding:12px 24px;border-radius:6px;font-weight:600;display:inline-block;"

    static var all: [String: String] {
        [
            "page/email-verify": verifyPage,
            "page/email-verified": verifiedPage,
            "email/email-verification.en-US.subject": "Confirm your email address for {{{applicationName}}}",
            "email/email-verification.en-US.text": """
            Hello,

            Please confirm that this is your email address for your account in {{{applicationName}}}. Open this link and press the button:
            {{{link}}}

            The link works once, for 24 hours.

            If you did not create an account, you can ignore this email.

            """,
            "email/email-verification.en-US.html": """
            {{<email_layout}}{{$body}}
            <p>Hello,</p>
            <p>Please confirm that this is your email address for your account in {{applicationName}}.</p>
            <p style="text-align:center;margin:32px 0;"><a href="{{link}}" style="\(button)">Confirm email address</a></p>
            <p style="font-size:14px;color:#52606d;">Or open this link in your browser:<br><a href="{{link}}" style="color:#2457d6;word-break:break-all;">{{link}}</a></p>
            <p style="font-size:14px;color:#52606d;">The link works once, for 24 hours.</p>
            <p style="font-size:13px;color:#7b8794;">If you did not create an account, you can ignore this email.</p>
            {{/body}}{{/email_layout}}
            """,
            "email/account-exists.en-US.subject": "Someone tried to create an account in {{{applicationName}}} with your email address",
            "email/account-exists.en-US.text": """
            Hello,

            Someone tried to create a new account in {{{applicationName}}} with this email address. It already belongs to your account, so no new account uses it, and your account is unchanged.

            If this was you, sign in with your existing account instead. If it was not, you can ignore this email.

            """,
            "email/account-exists.en-US.html": """
            {{<email_layout}}{{$body}}
            <p>Hello,</p>
            <p>Someone tried to create a new account in {{applicationName}} with this email address. It already belongs to your account, so no new account uses it, and your account is unchanged.</p>
            <p style="font-size:13px;color:#7b8794;">If this was you, sign in with your existing account instead. If it was not, you can ignore this email.</p>
            {{/body}}{{/email_layout}}
            """,
        ]
    }
}

/// `page/email-verify` (the confirm button) and `page/email-verified`.
struct EmailVerificationPage: PageContext {
    var title: String
    var lang = "en"
    var email: String
    var token: String?
    var csrf: String?
}
