import Fluent
import Foundation
import UsherCore
import Vapor

/// A signed-in administrator.
struct AdminUser: Sendable {
    var id: UUID
    var email: String
    var sessionHash: String

    var actor: Actor { Actor(kind: .administrator, id: id.idString, displayName: email) }
}

extension Request {
    private struct AdminUserKey: StorageKey { typealias Value = AdminUser }
    var adminUser: AdminUser? {
        get { storage[AdminUserKey.self] }
        set { storage[AdminUserKey.self] = newValue }
    }

    /// The signed-in administrator as an audit actor, as `apiActor` is the API caller. ConsoleGuard
    /// signs every console route in first; a route outside it answers 401 here instead of crashing.
    var consoleActor: Actor {
        get throws {
            guard let adminUser else { throw UsherError.unauthorized }
            return adminUser.actor
        }
    }

    /// The console's CSRF token: bound to the session, so a form from one session is useless in another.
    var consoleCSRF: String { usher.secrets.mac("console-csrf", adminUser?.sessionHash ?? "") }
}

/// Lets signed-in administrators through; sends everyone else to the sign-in page. Every POST
/// must carry the session's CSRF token.
struct ConsoleGuard: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let session = try await CustomerSession.current(request, kind: "admin"),
            let admin = try await AdministratorModel.find(session.accountId, on: request.db)
        else {
            let back = request.url.path + (request.url.query.map { "?" + $0 } ?? "")
            return Response.seeOther("/admin/signin?next=" + (back.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        }
        request.adminUser = AdminUser(id: admin.id!, email: admin.email, sessionHash: session.idHash)
        if request.method == .POST {
            let token = try? request.content.get(String.self, at: "csrf")
            guard let token, SecretToken.constantTimeEquals(token, request.consoleCSRF) else {
                throw UsherError(
                    status: 403, errorKey: .csrfInvalid, title: "This form has expired",
                    detail: "The form could not be verified. Reload the page and try again.")
            }
        }
        return try await next.respond(to: request)
    }
}

/// `/admin/signin` and `/admin/signout`.
struct ConsoleAuthRoutes: RouteCollection {
    static let sessionLifetime: TimeInterval = 8 * 3600

    func boot(routes: any RoutesBuilder) throws {
        routes.get("admin", "signin", use: show)
        routes.post("admin", "signin", use: signIn)
        routes.grouped(ConsoleGuard()).post("admin", "signout", use: signOut)
    }

    /// The sign-in form's CSRF token is bound to the browser cookie (there is no session yet).
    func show(_ req: Request) async throws -> Response {
        let response = Response(status: .ok)
        let browser = BrowserCookies.browserToken(req, settingOn: response)
        let page = render(req, browser: browser, email: "", error: nil)
        page.cookies = response.cookies
        return page
    }

    private func render(_ req: Request, browser: String, email: String, error: String?, status: HTTPResponseStatus = .ok) -> Response {
        let context = ConsoleSignInPage(
            email: email, csrf: req.usher.secrets.mac("admin-signin", browser),
            next: Self.safeNext(req.query[String.self, at: "next"] ?? (try? req.content.get(String.self, at: "next")) ?? nil),
            formError: error)
        return Pages.render("console/signin", context, request: req, status: status)
    }

    /// Only a path of the console itself: the sign-in page must not become an open redirect, and
    /// `next` ends up in the Location header, so it must not carry anything that could end a header.
    static func safeNext(_ raw: String?) -> String {
        let fallback = "/admin/accounts"
        // Security: printable ASCII only (no CR/LF or other control character, no space, nothing
        // a browser might re-encode), checked as sent and once percent-decoded.
        guard let raw, raw.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }),
            let decoded = raw.removingPercentEncoding, isConsolePath(raw), isConsolePath(decoded)
        else { return fallback }
        return raw
    }

    /// `/admin`, `/admin/…` or `/admin?…`, without a second slash, a backslash, a scheme or a `..`
    /// that could lead a browser to another host or out of the console.
    private static func isConsolePath(_ path: String) -> Bool {
        guard path == "/admin" || path.hasPrefix("/admin/") || path.hasPrefix("/admin?") else { return false }
        let bad = ["//", "\\", ":", ".."]
        return !bad.contains { path.contains($0) } && !path.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }

    func signIn(_ req: Request) async throws -> Response {
        struct Form: Content {
            var email: String?
            var password: String?
            var csrf: String?
            var next: String?
        }
        let form = try req.content.decode(Form.self)
        guard let browser = req.cookies[BrowserCookies.browser]?.string, let csrf = form.csrf,
            req.usher.secrets.verify("admin-signin", browser, mac: csrf)
        else {
            throw UsherError(
                status: 403, errorKey: .csrfInvalid, title: "This form has expired", detail: "Reload the sign-in page and try again.")
        }
        let email = (form.email ?? "").trimmingCharacters(in: .whitespaces)
        let ip = req.clientAddress
        let limiter = req.usher.rateLimiter
        // Security: the attempts are counted before the password is checked (concurrent guesses
        // cannot all pass), and given back on success, so that only failures count.
        let reservations = try await SignInAttempts.reserve(
            limiter,
            [
                (RateLimiter.adminSignInFailuresPerIP, ip),
                (RateLimiter.adminSignInFailuresPerAccount, EmailAddress.normalize(email) + "|" + ip),
            ], on: req.db)
        let admin = try await AdministratorModel.query(on: req.db).filter(\.$emailKey == EmailAddress.normalize(email)).first()
        var valid = false
        var rehash: String?
        if let admin, let password = form.password, password.count <= 256 {
            let check = try await req.usher.passwords.verify(password, against: admin.passwordHash)
            valid = check.isValid
            if check == .valid(needsRehash: true) { rehash = try await req.usher.passwords.hash(password) }
        } else {
            try await req.usher.passwords.verifyDummy(form.password ?? "")
        }
        guard valid, let admin else {
            req.logger.notice("Administrator sign-in failed", metadata: ["ip": .string(ip)])
            return render(req, browser: browser, email: email, error: "The email address or password is not right.", status: .unauthorized)
        }
        let now = Date()
        let token = SecretToken.generate(prefix: "a_")
        let session = SessionModel()
        session.id = SecretToken.hash(token)
        session.kind = "admin"
        session.subjectId = admin.id!
        session.createdAt = now
        session.authTime = now
        session.expiresAt = now.addingTimeInterval(Self.sessionLifetime)
        let newHash = rehash
        try await req.db.write { tx in
            try await session.create(on: tx)
            admin.lastSignInAt = now
            if let newHash { admin.passwordHash = newHash }
            try await admin.save(on: tx)
            try await Audit.record(
                on: tx, actor: Actor(kind: .administrator, id: admin.id!.idString, displayName: admin.email),
                action: .administratorSignedIn, store: nil, targetType: "administrator", targetId: admin.id!.idString)
        }
        try await SignInAttempts.release(limiter, reservations, on: req.db)
        let response = Response.seeOther(Self.safeNext(form.next))
        response.cookies[AdminSession.cookieName] = HTTPCookies.Value(
            string: token + "." + req.usher.secrets.mac("admin-session", token), maxAge: Int(Self.sessionLifetime), path: "/admin",
            isSecure: req.usher.config.isHTTPS, isHTTPOnly: true, sameSite: .strict)
        return response
    }

    func signOut(_ req: Request) async throws -> Response {
        if let admin = req.adminUser {
            try await req.db.write { tx in try await SessionModel.query(on: tx).filter(\.$id == admin.sessionHash).delete() }
        }
        let response = Response.seeOther("/admin/signin")
        response.cookies[AdminSession.cookieName] = HTTPCookies.Value(
            string: "", maxAge: 0, path: "/admin", isHTTPOnly: true, sameSite: .strict)
        return response
    }
}

/// `console/signin`: the administrator's sign-in form.
struct ConsoleSignInPage: PageContext {
    var title = "Administrator sign-in"
    var lang = "en"
    var email: String
    /// Bound to the browser cookie: there is no session yet.
    var csrf: String
    /// Where to go after signing in, already kept to a console path (`safeNext`).
    var next: String
    var formError: String?
}
