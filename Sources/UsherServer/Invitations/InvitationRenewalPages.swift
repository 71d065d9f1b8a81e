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
        let words = ExpiredInvitationWords.forLanguage(invitation.language)
        let page = ExpiredInvitationPage(
            title: words.title, lang: invitation.language, words: words,
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
        let words = ExpiredInvitationWords.forLanguage(invitation.language)
        let page = ExpiredInvitationPage(
            title: words.sentTitle, lang: invitation.language, words: words, expiredOn: "", token: nil, csrf: nil, requested: true,
            sent: true)
        return Pages.render("page/invitation-expired", page, request: req)
    }

    /// Binds the form's CSRF token to this link as well as to the browser.
    static func csrfPurpose(_ token: String) -> String { "invitation-renewal|" + SecretToken.hash(token) }
}

/// The expired link's page in the invitation's language (the invitee reads the email in it).
struct ExpiredInvitationWords: Sendable {
    var title: String
    var expiredOn: String  // "…{date}…"
    var ask: String
    var button: String
    var alreadyAsked: String
    var sentTitle: String
    var sent: String

    static let byLanguage: [String: ExpiredInvitationWords] = [
        "en": .init(
            title: "This invitation has expired", expiredOn: "This invitation expired on {date}.",
            ask: "You can ask the person who invited you for a new one.", button: "Ask for a new invitation",
            alreadyAsked: "A new invitation has already been asked for. It will arrive by email.",
            sentTitle: "We asked for a new invitation",
            sent: "The person who invited you has been told that you would like a new invitation. It will arrive by email."),
        "de": .init(
            title: "Diese Einladung ist abgelaufen", expiredOn: "Diese Einladung ist am {date} abgelaufen.",
            ask: "Sie können die Person, die Sie eingeladen hat, um eine neue bitten.", button: "Neue Einladung anfordern",
            alreadyAsked: "Eine neue Einladung wurde bereits angefordert. Sie kommt per E-Mail.",
            sentTitle: "Neue Einladung angefordert",
            sent: "Die Person, die Sie eingeladen hat, weiß jetzt, dass Sie eine neue Einladung möchten. Sie kommt per E-Mail."),
        "fr": .init(
            title: "Cette invitation a expiré", expiredOn: "Cette invitation a expiré le {date}.",
            ask: "Vous pouvez en demander une nouvelle à la personne qui vous a invité.", button: "Demander une nouvelle invitation",
            alreadyAsked: "Une nouvelle invitation a déjà été demandée. Elle arrivera par e-mail.",
            sentTitle: "Nouvelle invitation demandée",
            sent: "La personne qui vous a invité sait maintenant que vous souhaitez une nouvelle invitation. Elle arrivera par e-mail."),
        "es": .init(
            title: "Esta invitación ha caducado", expiredOn: "Esta invitación caducó el {date}.",
            ask: "Puedes pedir una nueva a la persona que te invitó.", button: "Pedir una nueva invitación",
            alreadyAsked: "Ya se ha pedido una nueva invitación. Llegará por correo.",
            sentTitle: "Hemos pedido una nueva invitación",
            sent: "La persona que te invitó ya sabe que quieres una nueva invitación. Llegará por correo."),
        "hu": .init(
            title: "Ez a meghívó lejárt", expiredOn: "Ez a meghívó lejárt: {date}.",
            ask: "Kérhet újat attól, aki meghívta.", button: "Új meghívó kérése",
            alreadyAsked: "Új meghívót már kértek. E-mailben érkezik.", sentTitle: "Új meghívót kértünk",
            sent: "Aki meghívta, már tudja, hogy új meghívót szeretne. E-mailben érkezik."),
    ]

    static func forLanguage(_ tag: String) -> ExpiredInvitationWords {
        for candidate in LanguageTag.fallbacks(for: tag) {
            if let words = byLanguage[String(candidate.split(separator: "-")[0]).lowercased()] { return words }
        }
        return byLanguage["en"]!
    }
}

/// `page/invitation-expired`.
struct ExpiredInvitationPage: PageContext {
    var title: String
    var lang: String
    var words: ExpiredInvitationWords
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
        </form>{{/requested}}{{/sent}}
        {{/body}}{{/page_layout}}
        """
}
