import Fluent
import Foundation
import UsherCore
import Vapor

/// `/account`: the signed-in customer's own page (issue 23). Every form posts with a CSRF token
/// bound to the browser and the session; each answer goes back to the page (POST, redirect,
/// GET) with a notice, or shows the page again with what was wrong. The work is done by
/// AccountSelfService.
struct AccountPageRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("account", use: show)
        let post = routes.grouped("account")
        post.post("profile", use: profile)
        post.post("password", use: password)
        post.post("email", use: email)
        post.post("verification", use: verification)
        post.post("sessions", "end", use: endSession)
        post.post("sessions", "end-others", use: endOtherSessions)
        post.post("delete", use: delete)
        post.post("identities", "unlink", use: unlinkIdentity)
    }

    static let signInRequired = UsherError(
        status: 401, errorKey: .accountPageSignInRequired, title: "Sign in to see your account",
        detail:
            "This page shows your account once you are signed in. Sign in to your application first, then come back to this page in the same browser."
    )

    /// What each successful form says on the page it leads back to.
    enum Notice: String, CaseIterable {
        case profileSaved, passwordChanged, emailChangeSent, verificationSent, sessionEnded, otherSessionsEnded, identityUnlinked

        func text(_ t: PageStrings) -> String {
            switch self {
            case .profileSaved: t.account.profileSaved
            case .passwordChanged: t.account.passwordChanged
            case .emailChangeSent: t.account.emailChangeSent
            case .verificationSent: t.account.verificationSent
            case .sessionEnded: t.account.sessionEnded
            case .otherSessionsEnded: t.account.otherSessionsEnded
            case .identityUnlinked: t.account.identityUnlinked
            }
        }
    }

    func show(_ req: Request) async throws -> Response {
        let session = try await Self.session(req)
        let notice = req.query[String.self, at: "done"].flatMap(Notice.init(rawValue:))
        return try await render(req, session: session, notice: notice)
    }

    func profile(_ req: Request) async throws -> Response {
        try await act(req, notice: .profileSaved) { service, account, session, form in
            let fields = try await AccountProfileFields.modes(for: session, account: account, on: req.db)
            try await service.updateProfile(account, form: form, fields: fields, now: Date())
        }
    }

    func password(_ req: Request) async throws -> Response {
        try await act(req, notice: .passwordChanged) { service, account, session, form in
            try await service.changePassword(
                account, current: form["currentPassword"], new: form["password"] ?? "", confirmation: form["passwordConfirmation"] ?? "",
                keeping: session.idHash, clientAddress: req.clientAddress, now: Date())
        }
    }

    func email(_ req: Request) async throws -> Response {
        try await act(req, notice: .emailChangeSent) { service, account, session, form in
            try await service.requestEmailChange(
                account, session: session, to: form["email"] ?? "", current: form["currentPassword"], clientAddress: req.clientAddress,
                now: Date())
        }
    }

    func verification(_ req: Request) async throws -> Response {
        try await act(req, notice: .verificationSent) { service, account, session, _ in
            try await service.resendVerification(account, session: session, now: Date())
        }
    }

    func endSession(_ req: Request) async throws -> Response {
        try await act(req, notice: .sessionEnded) { service, account, _, form in
            try await service.endSession(account, sessionHash: form["session"] ?? "", now: Date())
        }
    }

    func endOtherSessions(_ req: Request) async throws -> Response {
        try await act(req, notice: .otherSessionsEnded) { service, account, session, _ in
            try await service.endOtherSessions(account, keeping: session.idHash, now: Date())
        }
    }

    func unlinkIdentity(_ req: Request) async throws -> Response {
        try await act(req, notice: .identityUnlinked) { service, account, _, form in
            try await service.unlinkIdentity(account, identityId: form["identity"] ?? "", now: Date())
        }
    }

    func delete(_ req: Request) async throws -> Response {
        let session = try await Self.session(req)
        let form = try Self.form(req, session: session)
        let account = try await Self.account(req, of: session)
        do {
            try await AccountSelfService(db: req.db, context: req.usher, strings: req.pageLanguage.strings).delete(
                account, current: form["currentPassword"], confirmation: form["confirmation"] ?? "", clientAddress: req.clientAddress)
        } catch let error as UsherError where [400, 403, 429].contains(error.status) {
            return try await render(req, session: session, error: error)
        }
        req.logger.info("Account deleted by its owner", metadata: ["account": .string(account.id!.idString)])
        let strings = req.pageLanguage.strings
        let response = Pages.render(
            "page/account-deleted", AccountDeletedPage(title: strings.account.deletedTitle, lang: req.pageLanguage.rawValue, t: strings),
            request: req)
        response.cookies[BrowserCookies.session] = BrowserCookies.cookie("", request: req, maxAge: 0)
        return response
    }

    // MARK: Shared steps

    static func session(_ req: Request) async throws -> CustomerSession {
        guard let session = try await CustomerSession.current(req) else { throw signInRequired }
        return session
    }

    /// The session's account. The page speaks its language, else the browser's (issue 23: the
    /// pages in the customer's language), its refusals too (AccountPageRefusal).
    static func account(_ req: Request, of session: CustomerSession) async throws -> AccountModel {
        let account = try await AccountSelfService.account(of: session, on: req.db)
        req.choosePageLanguage(try await PageLanguage.tag(of: account, on: req.db))
        return account
    }

    static func csrfPurpose(_ session: CustomerSession) -> String { "account|" + session.idHash }

    static func form(_ req: Request, session: CustomerSession) throws -> [String: String] {
        let form = (try? req.content.decode([String: String].self, as: .urlEncodedForm)) ?? [:]
        try BrowserCookies.checkCSRF(req, flowId: csrfPurpose(session), presented: form["csrf"])
        return form
    }

    /// Session, CSRF, the account, the change; then back to the page with `notice`, or the page
    /// again with the refusal (a wrong field, a wrong password, a limit).
    private func act(
        _ req: Request, notice: Notice,
        _ change: (AccountSelfService, AccountModel, CustomerSession, [String: String]) async throws -> Void
    ) async throws -> Response {
        let session = try await Self.session(req)
        let form = try Self.form(req, session: session)
        let account = try await Self.account(req, of: session)
        do {
            try await change(AccountSelfService(db: req.db, context: req.usher, strings: req.pageLanguage.strings), account, session, form)
        } catch let error as UsherError where error.status == 400 || error.status == 429 {
            return try await render(req, session: session, error: error)
        }
        return Response.seeOther("/account?done=" + notice.rawValue)
    }

    private func render(_ req: Request, session: CustomerSession, notice: Notice? = nil, error: UsherError? = nil) async throws -> Response
    {
        let account = try await Self.account(req, of: session)
        var page = try await AccountPageView.build(
            account: account, session: session, csrf: BrowserCookies.csrfToken(req, flowId: Self.csrfPurpose(session)),
            language: req.pageLanguage, on: req.db, now: Date())
        page.localize(req.pageLanguage)
        page.notice = notice?.text(req.pageLanguage.strings)
        page.formError = error.map { AccountPageRefusal.formError($0, req.pageLanguage.strings) }
        let status: HTTPResponseStatus = error.map { HTTPResponseStatus(statusCode: $0.status) } ?? .ok
        let response = Pages.render("page/account", page, request: req, status: status)
        if let retryAfter = error?.retryAfter { response.headers.replaceOrAdd(name: .retryAfter, value: String(retryAfter)) }
        return response
    }
}

/// `page/account-deleted`.
struct AccountDeletedPage: PageContext {
    var title: String
    var lang: String
    var t: PageStrings
}
