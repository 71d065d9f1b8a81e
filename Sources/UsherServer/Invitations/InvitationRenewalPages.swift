import Foundation
import UsherCore
import Vapor

/// The expired link's page (SPEC: Lifecycle): says when the invitation expired and offers
/// **Ask for a new invitation**, in the invitation's language (PageStrings). Other dead links
/// keep the refusal page (Pages.errorPage), which reveals nothing and offers the application's
/// sign-in.
struct InvitationRenewalPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("invitation", "renewal", use: request)
    }

    /// Shown instead of the refusal when an expired invitation's link is opened. `pending` is
    /// the answer the authorization endpoint had begun (it may carry the browser's new cookie,
    /// which the form's CSRF token is bound to).
    static func expiredLinkPage(_ req: Request, token: String, invitation: InvitationModel, pending: Response) -> Response {
        _ = BrowserCookies.browserToken(req, settingOn: pending)
        let language = PageLanguage.forTag(invitation.language)
        let words = language.strings.expired
        let page = ExpiredInvitationPage(
            title: words.title, lang: language.rawValue, words: words, t: language.strings, wayOn: wayOn(req, language),
            expiredOn: words.expiredOn.replacingOccurrences(
                of: "{date}", with: DateText.long(invitation.validUntil, language: invitation.language)), token: token,
            csrf: BrowserCookies.csrfToken(req, flowId: csrfPurpose(token)), requested: invitation.renewalRequestedAt != nil, sent: false)
        let rendered = Pages.render("page/invitation-expired", page, request: req, status: .gone)
        for value in pending.headers[.setCookie] { rendered.headers.add(name: .setCookie, value: value) }
        return rendered
    }

    func request(_ req: Request) async throws -> Response {
        let posted = (try? req.content.decode([String: String].self, as: .urlEncodedForm)) ?? [:]
        let token = posted["token"] ?? ""
        try BrowserCookies.checkCSRF(req, flowId: Self.csrfPurpose(token), presented: posted["csrf"])
        try await req.usher.rateLimiter.hit(RateLimiter.renewalRequestsPerIP, key: req.remoteAddress?.ipAddress ?? "unknown", on: req.db)
        let service = InvitationService(db: req.db, context: req.usher)
        guard let invitation = try await service.expiredInvitation(token: token) else {
            return Pages.errorPage(InvitationLinkRefusal.unknown.error, request: req)
        }
        try await service.requestRenewal(of: invitation)
        let language = PageLanguage.forTag(invitation.language)
        let words = language.strings.expired
        let page = ExpiredInvitationPage(
            title: words.sentTitle, lang: language.rawValue, words: words, t: language.strings, wayOn: nil, expiredOn: "", token: nil,
            csrf: nil, requested: true, sent: true)
        return Pages.render("page/invitation-expired", page, request: req)
    }

    /// "Already have an account? Sign in to …" under the renewal, where the application has a login URL.
    private static func wayOn(_ req: Request, _ language: PageLanguage) -> ErrorPageWayOn? {
        ErrorPageWayOn.forRefusal(.expired, application: req.pageApplication, issuer: req.usher.config.issuer, strings: language.strings)
    }

    /// Binds the form's CSRF token to this link as well as to the browser.
    static func csrfPurpose(_ token: String) -> String { "invitation-renewal|" + SecretToken.hash(token) }
}

/// `page/invitation-expired`.
struct ExpiredInvitationPage: PageContext {
    var title: String
    var lang: String
    var words: PageStrings.Expired
    var t: PageStrings
    var wayOn: ErrorPageWayOn?
    var expiredOn: String
    var token: String?
    var csrf: String?
    /// A renewal was asked for already (now or before).
    var requested: Bool
    /// This page answers the request just made.
    var sent: Bool
}

enum InvitationRenewalTemplates {
    static let expired = """
        {{<page_layout}}{{$body}}
        <h1>{{title}}</h1>
        {{#sent}}<p class="lead" id="renewal-sent" role="status">{{words.sent}}</p>{{/sent}}
        {{^sent}}<p class="lead" id="expired-on">{{expiredOn}}</p>
        {{#requested}}<p id="renewal-already">{{words.alreadyAsked}}</p>{{/requested}}
        {{^requested}}<p>{{words.ask}}</p>
        <form method="post" action="/invitation/renewal">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="token" value="{{token}}">
        <button type="submit" id="ask-renewal">{{words.button}}</button>
        </form>{{/requested}}
        {{#wayOn}}<p class="way-on" style="margin-top:24px"><span class="muted">{{question}}</span> <a href="{{url}}" id="way-on">{{label}}</a></p>{{/wayOn}}{{/sent}}
        {{/body}}{{/page_layout}}
        """
}
