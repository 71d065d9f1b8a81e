import Foundation
import UsherCore
import Vapor

/// The expired link's page (SPEC: Lifecycle): says when the invitation expired and offers
/// **Ask for a new invitation**. Other dead links keep their plain refusal page, which offers
/// nothing and reveals nothing.
struct InvitationRenewalPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("invitation", "renewal", use: request)
    }

    /// Shown instead of the refusal when an expired invitation's link is opened. `pending` is
    /// the answer the authorization endpoint had begun (it may carry the browser's new cookie,
    /// which the form's CSRF token is bound to).
    static func expiredLinkPage(_ req: Request, token: String, invitation: InvitationModel, pending: Response) -> Response {
        _ = BrowserCookies.browserToken(req, settingOn: pending)
        let page = ExpiredInvitationPage(
            title: "This invitation has expired", lang: invitation.language,
            expiredOn: DateText.long(invitation.validUntil, language: invitation.language), token: token,
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
        try await service.requestRenewal(token: token)
        let page = ExpiredInvitationPage(
            title: "We asked for a new invitation", lang: invitation.language,
            expiredOn: DateText.long(invitation.validUntil, language: invitation.language), token: nil, csrf: nil, requested: true,
            sent: true)
        return Pages.render("page/invitation-expired", page, request: req)
    }

    /// Binds the form's CSRF token to this link as well as to the browser.
    static func csrfPurpose(_ token: String) -> String { "invitation-renewal|" + SecretToken.hash(token) }
}

/// `page/invitation-expired`.
struct ExpiredInvitationPage: PageContext {
    var title: String
    var lang: String
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
        {{#sent}}<p class="lead" id="renewal-sent" role="status">The person who invited you has been told that you would like a new invitation. It will arrive by email.</p>{{/sent}}
        {{^sent}}<p class="lead" id="expired-on">This invitation expired on {{expiredOn}}.</p>
        {{#requested}}<p id="renewal-already">A new invitation has already been asked for. It will arrive by email.</p>{{/requested}}
        {{^requested}}<p>You can ask the person who invited you for a new one.</p>
        <form method="post" action="/invitation/renewal">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="token" value="{{token}}">
        <button type="submit" id="ask-renewal">Ask for a new invitation</button>
        </form>{{/requested}}{{/sent}}
        {{/body}}{{/page_layout}}
        """
}
