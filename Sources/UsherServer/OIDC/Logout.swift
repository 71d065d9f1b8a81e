import Fluent
import Foundation
import JWTKit
import UsherCore
import Vapor

/// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0). Security: a GET alone never
/// signs anyone out, since any site can make a browser send one. The session ends at once only
/// when `id_token_hint` is an ID token of ours for the session's own subject (only the
/// application the person signed in to holds one); otherwise the person confirms on a page whose
/// POST carries a CSRF token bound to the session. The browser goes back only to a
/// post_logout_redirect_uri registered, exactly, for the client the request names.
struct LogoutRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("oauth2", "logout", use: start)
        routes.post("oauth2", "logout", use: confirm)
    }

    /// What a logout request asks for, checked.
    struct LogoutRequest: Sendable {
        var clientId: String?
        var postLogoutRedirectURI: String?
        var state: String?
        /// The subject of a valid `id_token_hint`, if one came.
        var hintSubject: String?

        /// Where the browser goes afterwards: the registered URI with `state`, or nil.
        var target: String? {
            postLogoutRedirectURI.map { uri in state.map { RedirectURI.appending([("state", $0)], to: uri) } ?? uri }
        }
    }

    func start(_ req: Request) async throws -> Response {
        let hint = req.query[String.self, at: "id_token_hint"]
        var hintSubject: String?
        var hintClient: String?
        if let hint, hint.count < 8192, let token = try? await req.usher.keys.verifyIgnoringExpiry(hint, as: IDToken.self),
            token.iss.value == req.usher.config.issuer
        {
            hintSubject = token.sub.value
            hintClient = token.aud.value.first
        }
        let named = req.query[String.self, at: "client_id"]
        if let named, let hintClient, named != hintClient {
            throw UsherError.badRequest(
                .logoutClientMismatch,
                "The sign-out request names two different applications. Close this page and sign out from the application again.")
        }
        let request = try await Self.checked(
            clientId: named ?? hintClient, postLogout: req.query[String.self, at: "post_logout_redirect_uri"],
            state: req.query[String.self, at: "state"], hintSubject: hintSubject, on: req.db)

        guard let session = try await CustomerSession.current(req) else { return Self.signedOut(request, req) }
        if let subject = request.hintSubject, subject == session.accountId.idString {
            return try await Self.end(request, req)
        }
        let context = LogoutConfirmPage(
            csrf: Self.csrf(session, req), clientId: request.clientId,
            postLogoutRedirectUri: request.postLogoutRedirectURI, state: request.state)
        return Pages.render("page/logout-confirm", context, request: req, formTargets: request.postLogoutRedirectURI.map { [$0] } ?? [])
    }

    func confirm(_ req: Request) async throws -> Response {
        struct Form: Content {
            var csrf: String?
            var client_id: String?
            var post_logout_redirect_uri: String?
            var state: String?
        }
        let form = try req.content.decode(Form.self, as: .urlEncodedForm)
        let request = try await Self.checked(
            clientId: form.client_id, postLogout: form.post_logout_redirect_uri, state: form.state, hintSubject: nil, on: req.db)
        guard let session = try await CustomerSession.current(req) else { return Self.signedOut(request, req) }
        guard let csrf = form.csrf, req.usher.secrets.verify("logout", session.idHash, mac: csrf) else {
            throw UsherError(
                status: 403, errorKey: .csrfInvalid, title: "This form has expired",
                detail:
                    "The sign-out could not be verified (the page may be old, or it came from another site). You are still signed in; sign out from the application again."
            )
        }
        return try await Self.end(request, req)
    }

    static func csrf(_ session: CustomerSession, _ req: Request) -> String {
        req.usher.secrets.mac("logout", session.idHash)
    }

    /// Refuses a post_logout_redirect_uri that is not registered, exactly, for the named client.
    static func checked(clientId: String?, postLogout: String?, state: String?, hintSubject: String?, on db: any Database) async throws
        -> LogoutRequest
    {
        if let postLogout {
            guard let clientId, clientId.count <= 100, let client = try await OIDCClientModel.find(clientId, on: db),
                (JSONText.decode([String].self, client.postLogoutRedirectURIs) ?? []).contains(where: {
                    SecretToken.constantTimeEquals($0, postLogout)
                })
            else {
                throw UsherError.badRequest(
                    .logoutUnknownRedirect,
                    "The application asked to send you back to an address that is not registered for it. You are not signed out yet; close this page and sign out from the application again."
                )
            }
        }
        if let state, state.count > 2048 { throw UsherError.badRequest(.logoutBadState, "The sign-out request's state is too long.") }
        return LogoutRequest(clientId: clientId, postLogoutRedirectURI: postLogout, state: state, hintSubject: hintSubject)
    }

    static func end(_ request: LogoutRequest, _ req: Request) async throws -> Response {
        let response = signedOut(request, req)
        try await CustomerSession.end(req, response: response)
        return response
    }

    static func signedOut(_ request: LogoutRequest, _ req: Request) -> Response {
        request.target.map { Response.seeOther($0) }
            ?? Pages.render("page/signed-out", TitledPage(title: "You are signed out"), request: req)
    }
}

enum LogoutTemplates {
    static let confirm = """
        {{<page_layout}}{{$body}}
        <h1>Sign out?</h1>
        <p class="lead">An application asked to sign you out of your account here.</p>
        <form method="post" action="/oauth2/logout">
        <input type="hidden" name="csrf" value="{{csrf}}">
        {{#clientId}}<input type="hidden" name="client_id" value="{{clientId}}">{{/clientId}}
        {{#postLogoutRedirectUri}}<input type="hidden" name="post_logout_redirect_uri" value="{{postLogoutRedirectUri}}">{{/postLogoutRedirectUri}}
        {{#state}}<input type="hidden" name="state" value="{{state}}">{{/state}}
        <button type="submit" id="sign-out">Sign out</button>
        </form>
        {{/body}}{{/page_layout}}
        """

    static var all: [String: String] { ["page/logout-confirm": confirm] }
}

/// `page/logout-confirm`: asks before signing out when the request did not prove it came from
/// the person's application (no matching `id_token_hint`).
struct LogoutConfirmPage: PageContext {
    var title = "Sign out?"
    var lang = "en"
    var csrf: String
    var clientId: String?
    var postLogoutRedirectUri: String?
    var state: String?
}
