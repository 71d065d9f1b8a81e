import Fluent
import Foundation
import UsherCore
import Vapor

/// `/oauth2/authorize`: where an application sends a person to sign in, or, when `login_hint`
/// carries an invitation token, to sign up (SPEC: the invitee's journey, step 2).
struct AuthorizeEndpoint: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("oauth2", "authorize", use: authorize)
        routes.post("oauth2", "authorize", use: authorize)
    }

    func authorize(_ req: Request) async throws -> Response {
        var params: [String: String] = (try? req.query.decode([String: String].self)) ?? [:]
        if req.method == .POST, let form = try? req.content.decode([String: String].self, as: .urlEncodedForm) {
            params.merge(form) { a, _ in a }
        }
        let request: AuthorizationRequest
        do {
            request = try await AuthorizationRequest.parse(params, on: req.db)
        } catch let e as AuthorizationRequest.RedirectError {
            return AuthorizationRequest.errorRedirect(e, issuer: req.usher.config.issuer)
        }
        let response = Response(status: .seeOther)
        let browser = BrowserCookies.browserToken(req, settingOn: response)

        // An invitation link: show the sign-up form, whatever session the browser has.
        if let hint = request.loginHint, hint.hasPrefix(InvitationService.tokenPrefix) {
            let invitation = try await InvitationLinks.usableInvitation(token: hint, clientId: request.client.id!, on: req.db)
            let flow = try await LoginFlows.create(request, invitationId: invitation.id, browserToken: browser, on: req.db)
            response.headers.replaceOrAdd(name: .location, value: "/signup?flow=\(flow.id!)")
            return response
        }

        let session = try await CustomerSession.current(req)
        let sessionFits = session.map { s in
            s.store == request.application.store && (request.maxAge.map { Date().timeIntervalSince(s.authTime) <= Double($0) } ?? true)
        } ?? false
        if request.prompt?.split(separator: " ").contains("none") == true {
            guard sessionFits, let session else {
                return AuthorizationRequest.errorRedirect(
                    .init(redirectURI: request.redirectURI, error: "login_required", description: "The person is not signed in.", state: request.state),
                    issuer: req.usher.config.issuer)
            }
            return try await AuthorizationCodes.redirectWithCode(request: request, accountId: session.accountId, authTime: session.authTime, sessionHash: session.idHash, req: req)
        }
        if sessionFits, let session, request.prompt?.split(separator: " ").contains("login") != true {
            return try await AuthorizationCodes.redirectWithCode(request: request, accountId: session.accountId, authTime: session.authTime, sessionHash: session.idHash, req: req)
        }
        let flow = try await LoginFlows.create(request, invitationId: nil, browserToken: browser, on: req.db)
        response.headers.replaceOrAdd(name: .location, value: "/signin?flow=\(flow.id!)")
        return response
    }
}

/// What an invitation link can be: usable, or one of the dead ends SPEC journey step 6 lists.
enum InvitationLinks {
    /// The pending, unexpired invitation `token` belongs to, for `clientId`; otherwise an error
    /// page that says which dead end it is (used, revoked, replaced, expired, unknown) and what
    /// to do, without revealing anything about accounts.
    static func usableInvitation(token: String, clientId: String?, on db: any Database, now: Date = Date()) async throws -> InvitationModel {
        guard let invitation = try await InvitationService.find(token: token, on: db) else {
            let retired = try await RetiredLinkModel.find(SecretToken.hash(token), on: db)
            switch retired?.reason {
            case "revoked":
                throw UsherError(status: 410, errorKey: "invitation.revoked", title: "This invitation was withdrawn",
                                 detail: "The invitation this link belonged to has been revoked. If you still need access, ask the person who invited you for a new invitation.")
            case "replaced":
                throw UsherError(status: 410, errorKey: "invitation.replaced", title: "This link was replaced",
                                 detail: "A newer invitation email was sent for this invitation, and only its link works. Open the most recent invitation email, or ask for a new invitation.")
            default:
                throw UsherError(status: 404, errorKey: "invitation.unknown", title: "This invitation link is not valid",
                                 detail: "The link may be incomplete or mistyped. Open it again from the invitation email, or ask the person who invited you for a new invitation.")
            }
        }
        switch InvitationRules.status(storedDone: invitation.status == InvitationStatus.done.rawValue, validUntil: invitation.validUntil, now: now) {
        case .done:
            throw UsherError(status: 410, errorKey: "invitation.used", title: "This invitation has already been used",
                             detail: "An account was already created with this invitation. Sign in to the application instead; if that was not you, contact the person who invited you.")
        case .expired:
            throw UsherError(status: 410, errorKey: "invitation.expired", title: "This invitation has expired",
                             detail: "Invitation links work for a limited time, and this one has run out. Ask the person who invited you to send the invitation again.")
        case .pending:
            break
        }
        if let clientId, invitation.clientId != clientId {
            throw UsherError(status: 400, errorKey: "invitation.otherApplication", title: "This invitation is for another application",
                             detail: "Open the invitation link from the email as it is; it takes you to the right application.")
        }
        return invitation
    }
}
