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
            request = try await AuthorizationRequest.parse(params, on: req.db, context: req.usher)
        } catch let e as AuthorizationRequest.RedirectError {
            return AuthorizationRequest.errorRedirect(e, issuer: req.usher.config.issuer)
        }
        // Security: from here on every request writes a row (a flow or a code); see AuthorizeLimit.
        try await AuthorizeLimit.hit(req)
        let response = Response(status: .seeOther)
        let browser = BrowserCookies.browserToken(req, settingOn: response)

        // An invitation link: show the sign-up form, whatever session the browser has.
        if let hint = request.loginHint, hint.hasPrefix(InvitationService.tokenPrefix) {
            // A dead link's page names the application and offers its sign-in (issue 22 item 7).
            req.pageApplication = .init(name: request.application.name, loginURL: request.client.loginURL)
            let invitation: InvitationModel
            do {
                invitation = try await InvitationLink.usableInvitation(
                    token: hint, clientId: request.client.id!, on: req.db, context: req.usher)
            } catch let error as UsherError where InvitationLinkRefusal(errorKey: error.errorKey) != nil {
                // The refusal speaks the invitation's language while the invitation is still there.
                req.choosePageLanguage(try await InvitationService.find(token: hint, on: req.db)?.language)
                guard error.errorKey == .invitationExpired else { throw error }
                // An expired link offers "Ask for a new invitation" (SPEC: Lifecycle).
                guard let expired = try await InvitationService(db: req.db, context: req.usher).expiredInvitation(token: hint) else {
                    throw error
                }
                return InvitationRenewalPages.expiredLinkPage(req, token: hint, invitation: expired, pending: response)
            }
            // The sign-up is for the invitation's organization (issue 16), whatever the parameter says.
            let flow = try await LoginFlows.create(
                request, invitationId: invitation.id, invitationLinkHash: invitation.tokenHash, organizationId: invitation.organizationId,
                browserToken: browser, on: req.db, context: req.usher)
            response.headers.replaceOrAdd(name: .location, value: "/signup?flow=\(flow.id!)")
            return response
        }

        // The `organization` parameter picks the organization a later sign-in is for (issue 16).
        var organizationId: UUID?
        if let organization = request.organization {
            organizationId = try await OrganizationClaims.requested(organization, store: request.application.store, on: req.db).id
        }
        let session = try await CustomerSession.current(req)
        let sessionFits =
            session.map { s in
                s.store == request.application.store && (request.maxAge.map { Date().timeIntervalSince(s.authTime) <= Double($0) } ?? true)
            } ?? false
        if request.prompt?.split(separator: " ").contains("none") == true {
            guard sessionFits, let session else {
                return AuthorizationRequest.errorRedirect(
                    .init(
                        redirectURI: request.redirectURI, error: "login_required", description: "The person is not signed in.",
                        state: request.state),
                    issuer: req.usher.config.issuer)
            }
            // prompt=none shows no page: not being in the organization goes back to the client.
            if let organizationId {
                do {
                    try await OrganizationClaims.requireMember(accountId: session.accountId, organizationId: organizationId, on: req.db)
                } catch is UsherError {
                    return AuthorizationRequest.errorRedirect(
                        .init(
                            redirectURI: request.redirectURI, error: "access_denied",
                            description: "The person is not a member of the organization.", state: request.state),
                        issuer: req.usher.config.issuer)
                }
            }
            do {
                try await EmailVerificationGate.check(clientId: request.client.id!, accountId: session.accountId, on: req.db)
            } catch is UsherError {
                return AuthorizationRequest.errorRedirect(
                    .init(
                        redirectURI: request.redirectURI, error: "access_denied",
                        description: "The person's email address is not confirmed yet.", state: request.state),
                    issuer: req.usher.config.issuer)
            }
            return try await AuthorizationCodes.redirectWithCode(
                request: request, accountId: session.accountId, authTime: session.authTime, sessionHash: session.idHash,
                organizationId: organizationId, req: req)
        }
        if sessionFits, let session, request.prompt?.split(separator: " ").contains("login") != true {
            if let organizationId {
                try await OrganizationClaims.requireMember(accountId: session.accountId, organizationId: organizationId, on: req.db)
            }
            try await EmailVerificationGate.check(req, clientId: request.client.id!, accountId: session.accountId)
            return try await AuthorizationCodes.redirectWithCode(
                request: request, accountId: session.accountId, authTime: session.authTime, sessionHash: session.idHash,
                organizationId: organizationId, req: req)
        }
        let flow = try await LoginFlows.create(
            request, invitationId: nil, organizationId: organizationId, browserToken: browser, on: req.db, context: req.usher)
        response.headers.replaceOrAdd(name: .location, value: "/signin?flow=\(flow.id!)")
        return response
    }
}
