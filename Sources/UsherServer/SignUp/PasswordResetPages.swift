import Fluent
import Foundation
import UsherCore
import Vapor

/// `/password/forgot` and `/password/reset` (issue 23). "Forgot password?" answers the same for
/// every address; the emailed link's GET only shows a form — mail scanners fetch links before
/// people do — and its POST, CSRF-protected, sets the password (PasswordReset).
struct PasswordResetPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("password", "forgot", use: showForgot)
        routes.post("password", "forgot", use: submitForgot)
        routes.get("password", "reset", use: showReset)
        routes.post("password", "reset", use: submitReset)
    }

    /// Where a forgot-password page belongs: the sign-in flow it was opened from (and its
    /// application's store), or a store named in the address (`?store=`, default `default`).
    struct Place {
        var flow: LoginFlowModel?
        var store: IdentityStoreModel
        var applicationName: String
        var clientId: String?

        var csrfPurpose: String { "password-forgot|" + (flow?.id ?? "store:" + (store.id ?? "")) }
    }

    static func place(_ req: Request, flowId: String?, storeName: String?) async throws -> Place {
        if let flowId, !flowId.isEmpty, let flow = try? await LoginFlows.find(flowId, request: req),
            let client = try await OIDCClientModel.find(flow.clientId, on: req.db),
            let app = try await ApplicationModel.find(client.applicationId, on: req.db),
            let store = try await IdentityStoreModel.find(app.store, on: req.db)
        {
            // Asked from a sign-up form: the page speaks the invitation's language.
            if let invitationId = flow.invitationId, let invitation = try await InvitationModel.find(invitationId, on: req.db) {
                req.choosePageLanguage(invitation.language)
            }
            return Place(flow: flow, store: store, applicationName: app.name, clientId: client.id)
        }
        let store = try await IdentityStoreService(db: req.db).require(storeName.flatMap { $0.isEmpty ? nil : $0 } ?? "default")
        return Place(flow: nil, store: store, applicationName: store.id!, clientId: nil)
    }

    func showForgot(_ req: Request) async throws -> Response {
        let place = try await Self.place(req, flowId: req.query[String.self, at: "flow"], storeName: req.query[String.self, at: "store"])
        let browser = BrowserCookies.browserToken(req)
        let response = render(req, place: place, email: place.flow?.loginHint ?? "")
        response.cookies[BrowserCookies.browser] = BrowserCookies.cookie(browser, request: req, maxAge: nil)
        return response
    }

    func submitForgot(_ req: Request) async throws -> Response {
        let posted = (try? req.content.decode([String: String].self, as: .urlEncodedForm)) ?? [:]
        let place = try await Self.place(req, flowId: posted["flow"], storeName: posted["store"])
        try BrowserCookies.checkCSRF(req, flowId: place.csrfPurpose, presented: posted["csrf"])
        let identifier = String((posted["email"] ?? "").trimmingCharacters(in: .whitespaces).prefix(EmailAddress.maxLength))
        guard !identifier.isEmpty else {
            return render(req, place: place, email: "", error: req.pageLanguage.strings.passwordReset.enterEmail, status: .badRequest)
        }
        let limiter = req.usher.rateLimiter
        // Security: one client address may ask only so often (429, which says nothing about accounts).
        try await limiter.hit(RateLimiter.passwordForgotPerIP, key: req.clientAddress, on: req.db)
        do {
            // Security: an address gets only so many emails. Past the limit nothing is sent and the
            // answer stays the same, so the limit tells nobody whether the address has an account;
            // the customer's password keeps working meanwhile, so nobody is locked out.
            try await limiter.hit(
                RateLimiter.passwordForgotPerAddress, key: place.store.id! + "|" + EmailAddress.normalize(identifier), on: req.db)
            try await PasswordReset(context: req.usher).forgot(
                identifier: identifier, store: place.store, origin: .init(clientId: place.clientId, flowId: place.flow?.id), on: req.db,
                now: Date())
            req.usher.mailWakeUp()
        } catch let error as UsherError where error.status == 429 {
            req.logger.info("Password reset emails to one address are limited; none sent")
        }
        let minutes = Int(req.usher.config.passwordResetLifetime / 60)
        let language = req.pageLanguage
        let context = PasswordForgotSentPage(
            title: language.strings.passwordReset.sentTitle, lang: language.rawValue, t: language.strings,
            lead: PageStrings.fill(
                language.strings.passwordReset.sentLead, ["app": place.applicationName, "minutes": String(minutes)]),
            applicationName: place.applicationName, signInLink: place.flow.map { "/signin?flow=" + $0.id! }, minutes: minutes)
        return Pages.render("page/password-forgot-sent", context, request: req)
    }

    private func render(_ req: Request, place: Place, email: String, error: String? = nil, status: HTTPResponseStatus = .ok) -> Response {
        let language = req.pageLanguage
        let t = language.strings
        let identifier = SignInPages.identifierField(place.store, strings: t)
        let context = PasswordForgotPage(
            title: t.passwordReset.forgotTitle, lang: language.rawValue, t: t,
            lead: PageStrings.fill(t.passwordReset.forgotLead, ["identifier": identifier.label, "app": place.applicationName]),
            applicationName: place.applicationName, flow: place.flow?.id ?? "", store: place.flow == nil ? place.store.id! : "",
            csrf: BrowserCookies.csrfToken(req, flowId: place.csrfPurpose), email: email, identifierLabel: identifier.label,
            identifierType: identifier.type, identifierAutocomplete: identifier.autocomplete,
            signInLink: place.flow.map { "/signin?flow=" + $0.id! }, formError: error)
        return Pages.render("page/password-forgot", context, request: req, status: status)
    }

    // MARK: The emailed link

    func showReset(_ req: Request) async throws -> Response {
        let token = req.query[String.self, at: "token"] ?? ""
        try await req.choosePageLanguage(forLink: token, in: PasswordReset.links)
        let link = try await PasswordReset.usable(token: token, on: req.db, now: Date())
        // The link may be opened in a browser that has never been here: give it the cookie the CSRF token is bound to.
        let browser = BrowserCookies.browserToken(req)
        let response = try await renderReset(req, token: token, link: link, error: nil)
        response.cookies[BrowserCookies.browser] = BrowserCookies.cookie(browser, request: req, maxAge: nil)
        return response
    }

    func submitReset(_ req: Request) async throws -> Response {
        let posted = (try? req.content.decode([String: String].self, as: .urlEncodedForm)) ?? [:]
        let token = posted["token"] ?? ""
        try await req.choosePageLanguage(forLink: token, in: PasswordReset.links)
        try BrowserCookies.checkCSRF(req, flowId: Self.csrfPurpose(token), presented: posted["csrf"])
        let link = try await PasswordReset.usable(token: token, on: req.db, now: Date())
        let account = try await AccountModel.find(link.account_id, on: req.db)
        if let account { req.choosePageLanguage(try await PageLanguage.tag(of: account, on: req.db)) }
        let password = posted["password"] ?? ""
        if let problem = PasswordPolicy().check(
            password: password, confirmation: posted["passwordConfirmation"] ?? "", email: account?.email)
        {
            let error = req.pageLanguage.strings.passwordProblem(problem)
            return try await renderReset(req, token: token, link: link, error: error, status: .badRequest)
        }
        let hash = try await req.usher.passwords.hash(password)
        // The sign-in flow the customer asked from, if it is still open in this browser: the reset ends there.
        var flow: LoginFlowModel? = if let id = link.flow_id { try? await LoginFlows.find(id, request: req) } else { nil }
        // An application that wants a verified address gets no code for an unverified one from a
        // reset either: the done page's link leads to its sign-in, where the gate's page waits.
        if let open = flow, (try? await EmailVerificationGate.check(clientId: open.clientId, accountId: link.account_id, on: req.db)) == nil
        {
            flow = nil
        }
        let outcome = try await PasswordReset.reset(token: token, passwordHash: hash, flow: flow, on: req.db, now: Date())
        req.logger.info("Password reset", metadata: ["account": .string(link.account_id.idString)])
        let response: Response
        if let code = outcome.code, let flow {
            response = AuthorizationCodes.redirect(
                code: code, redirectURI: flow.redirectURI, state: flow.state, issuer: req.usher.config.issuer)
        } else {
            let client: OIDCClientModel? = if let id = link.client_id { try await OIDCClientModel.find(id, on: req.db) } else { nil }
            let name = try await PasswordReset.applicationName(clientId: link.client_id, store: link.store, on: req.db)
            let language = req.pageLanguage
            response = Pages.render(
                "page/password-reset-done",
                PasswordResetDonePage(
                    title: language.strings.passwordReset.doneTitle, lang: language.rawValue, t: language.strings,
                    continueLabel: PageStrings.fill(language.strings.common.continueTo, ["app": name]), applicationName: name,
                    applicationLink: client?.loginURL), request: req)
        }
        CustomerSession.setCookie(outcome.sessionToken, request: req, response: response)
        return response
    }

    private func renderReset(_ req: Request, token: String, link: PasswordReset.Link, error: String?, status: HTTPResponseStatus = .ok)
        async throws -> Response
    {
        let account = try await AccountModel.find(link.account_id, on: req.db)
        if let account { req.choosePageLanguage(try await PageLanguage.tag(of: account, on: req.db)) }
        let language = req.pageLanguage
        let flow: LoginFlowModel? = if let id = link.flow_id { try? await LoginFlows.find(id, request: req) } else { nil }
        let context = PasswordResetPage(
            title: language.strings.passwordReset.resetTitle, lang: language.rawValue, t: language.strings,
            lead: PageStrings.fill(language.strings.passwordReset.resetLead, ["account": account?.email ?? account?.username ?? ""]),
            token: token, csrf: BrowserCookies.csrfToken(req, flowId: Self.csrfPurpose(token)),
            account: account?.email ?? account?.username ?? "", formError: error)
        // The form's answer may redirect to the application (the flow's redirect URI).
        return Pages.render("page/password-reset", context, request: req, status: status, formTargets: flow?.formTargets([]) ?? [])
    }

    /// Binds the form's CSRF token to this link as well as to the browser.
    static func csrfPurpose(_ token: String) -> String { "password-reset|" + SecretToken.hash(token) }
}

/// `page/password-forgot`: the customer names their account.
struct PasswordForgotPage: PageContext {
    var title: String
    var lang: String
    var t: PageStrings
    var lead: String
    var applicationName: String
    /// The sign-in flow the page was opened from ("" when none).
    var flow: String
    /// The identity store named in the address ("" when a flow says it).
    var store: String
    var csrf: String
    var email: String
    var identifierLabel: String
    var identifierType: String
    var identifierAutocomplete: String
    var signInLink: String?
    var formError: String?
}

/// `page/password-forgot-sent`: the one answer, whatever the address.
struct PasswordForgotSentPage: PageContext {
    var title: String
    var lang: String
    var t: PageStrings
    var lead: String
    var applicationName: String
    var signInLink: String?
    var minutes: Int
}

/// `page/password-reset`: the emailed link's form.
struct PasswordResetPage: PageContext {
    var title: String
    var lang: String
    var t: PageStrings
    var lead: String
    var token: String
    var csrf: String
    /// The account's email or username, so the customer knows which account this is.
    var account: String
    var formError: String?
}

/// `page/password-reset-done`: the password is changed and the customer signed in.
struct PasswordResetDonePage: PageContext {
    var title: String
    var lang: String
    var t: PageStrings
    var continueLabel: String
    var applicationName: String
    /// The application's login URL, when the reset was asked from one that has it.
    var applicationLink: String?
}
