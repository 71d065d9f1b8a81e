import Foundation
import UsherCore
import Vapor

/// The page an account whose email is not verified sees instead of the application when the
/// policy says `requireVerifiedEmail` (EmailVerificationGate), and its **Send the link again**
/// button (`POST /email/verify/resend`).
///
/// Security: the page is shown only after the person proved the account is theirs, so its form
/// carries the account and the application; what keeps anyone else from posting it is its CSRF
/// token, a MAC over those, an expiry and this browser's cookie (BrowserCookies.csrfToken). The
/// answer is the same whatever the address (a pending address another account took gets its
/// owner's notice instead, as at sign-up), and emails are limited per account
/// (EmailVerification.sendAgain, `RateLimiter.accountEmailsPerAccount`).
struct EmailVerificationResend: RouteCollection {
    /// How long the confirm-first page's form works.
    static let formLifetime: TimeInterval = 3600

    func boot(routes: any RoutesBuilder) throws {
        routes.post("email", "verify", "resend", use: resend)
    }

    /// The confirm-first page for the account the gate stopped (403), or the same page after a
    /// resend, with its notice (200).
    static func page(_ req: Request, _ stopped: EmailVerificationGate.Stopped, resent: Bool, now: Date = Date()) -> Response {
        let t = req.pageLanguage.strings
        let until = String(Int(now.addingTimeInterval(formLifetime).timeIntervalSince1970))
        let browser = BrowserCookies.browserToken(req)
        let context = ConfirmFirstPage(
            title: t.verification.firstTitle, lang: req.pageLanguage.rawValue, t: t,
            lead: PageStrings.fill(t.verification.firstLead, ["app": stopped.applicationName]),
            account: stopped.accountId.idString, client: stopped.clientId, until: until,
            csrf: BrowserCookies.csrfToken(req, flowId: purpose(stopped.accountId.idString, stopped.clientId, until)),
            notice: resent ? t.verification.resent : nil)
        let response = Pages.render("page/email-confirm-first", context, request: req, status: resent ? .ok : .forbidden)
        response.cookies[BrowserCookies.browser] = BrowserCookies.cookie(browser, request: req, maxAge: nil)
        return response
    }

    func resend(_ req: Request) async throws -> Response {
        let posted = (try? req.content.decode([String: String].self, as: .urlEncodedForm)) ?? [:]
        let (accountRaw, client, until) = (posted["account"] ?? "", posted["client"] ?? "", posted["until"] ?? "")
        try BrowserCookies.checkCSRF(req, flowId: Self.purpose(accountRaw, client, until), presented: posted["csrf"])
        let now = Date()
        let account: AccountModel? = if let id = UUID(uuidString: accountRaw) { try await AccountModel.find(id, on: req.db) } else { nil }
        // The form is the account's (its CSRF token says so): even its expiry speaks the account's language.
        if let account { req.choosePageLanguage(try await PageLanguage.tag(of: account, on: req.db)) }
        guard let expiry = Double(until), Date(timeIntervalSince1970: expiry) > now, let account, let accountId = account.id else {
            throw Self.expired
        }
        let name = try await PasswordReset.applicationName(clientId: client, store: account.store, on: req.db)
        try await EmailVerification.sendAgain(account, applicationName: name, context: req.usher, on: req.db, now: now)
        req.logger.info("Verification link sent again", metadata: ["account": .string(accountId.idString)])
        return Self.page(req, .init(accountId: accountId, clientId: client, applicationName: name), resent: true, now: now)
    }

    /// Binds the form's CSRF token to the account, the application and the form's expiry as well
    /// as to the browser.
    static func purpose(_ account: String, _ client: String, _ until: String) -> String {
        "email-resend|" + account + "|" + client + "|" + until
    }

    static let expired = PageRefusal.confirmPageExpired.error
}

/// `page/email-confirm-first`: the account must confirm its address before the application.
struct ConfirmFirstPage: PageContext {
    var title: String
    var lang: String
    var t: PageStrings
    /// Names the application.
    var lead: String
    var account: String
    var client: String
    /// When the form stops working (seconds since 1970), inside its CSRF token.
    var until: String
    var csrf: String
    /// "We sent the link again", after a resend.
    var notice: String?
}

extension EmailVerificationTemplates {
    static let confirmFirstPage = """
        {{<page_layout}}{{$body}}
        <h1>{{title}}</h1>
        {{#notice}}<div class="notice" role="status" id="notice">{{notice}}</div>{{/notice}}
        <p class="lead" id="error-detail">{{lead}}</p>
        <form method="post" action="/email/verify/resend">
        <input type="hidden" name="account" value="{{account}}">
        <input type="hidden" name="client" value="{{client}}">
        <input type="hidden" name="until" value="{{until}}">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit" class="secondary" id="resend-verification">{{t.verification.resendButton}}</button>
        </form>
        {{/body}}{{/page_layout}}
        """
}
