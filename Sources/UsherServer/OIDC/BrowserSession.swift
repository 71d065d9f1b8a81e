import Fluent
import Foundation
import UsherCore
import Vapor

/// The cookies a customer's browser carries at the authorization server.
///
/// `usher_browser` binds sign-in and sign-up flows to the browser that began them (a flow id
/// leaked in a URL is useless elsewhere) and keys the CSRF tokens. `usher_session` is the
/// signed-in session: a random token with an HMAC, whose SHA-256 keys a database row, so any
/// instance can check it and signing out ends it everywhere.
enum BrowserCookies {
    static let browser = "usher_browser"
    static let session = "usher_session"
    static let sessionLifetime: TimeInterval = 12 * 3600

    static func cookie(_ value: String, request: Request, maxAge: Int?) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: value, expires: nil, maxAge: maxAge, domain: nil, path: "/",
            isSecure: request.usher.config.isHTTPS, isHTTPOnly: true, sameSite: .lax)
    }

    /// The browser-binding token, made (and set on `response`) when the browser has none.
    static func browserToken(_ request: Request, settingOn response: Response? = nil) -> String {
        if let existing = request.cookies[browser]?.string, existing.count >= 40, existing.count < 100 { return existing }
        let fresh = SecretToken.generate(prefix: "b_")
        request.cookies[browser] = .init(string: fresh)
        response?.cookies[browser] = cookie(fresh, request: request, maxAge: nil)
        return fresh
    }

    static func csrfToken(_ request: Request, flowId: String) -> String {
        request.usher.secrets.mac("csrf", flowId + "|" + (request.cookies[browser]?.string ?? ""))
    }

    static func checkCSRF(_ request: Request, flowId: String, presented: String?) throws {
        guard let presented, request.cookies[browser] != nil,
            request.usher.secrets.verify("csrf", flowId + "|" + (request.cookies[browser]?.string ?? ""), mac: presented)
        else { throw PageRefusal.formExpired.error }
    }
}

/// A signed-in customer.
struct CustomerSession: Sendable {
    var idHash: String
    var accountId: UUID
    var store: String?
    var authTime: Date
    /// The OIDC client whose authorization request the session was started for (nil: none), so
    /// the account page can follow that application's self-service policy.
    var clientId: String? = nil

    /// Starts a session inside the caller's transaction; the cookie is set by `setCookie`.
    static func start(accountId: UUID, store: String, clientId: String?, on tx: any Database, now: Date = Date()) async throws -> (
        token: String, session: CustomerSession
    ) {
        let started = planStart(accountId: accountId, store: store, clientId: clientId, now: now)
        try await tx.sql.raw(started.statement.query).run()
        return (started.token, started.session)
    }

    /// The same as a statement of a planned write (a sign-up), with the token and the session it makes.
    static func planStart(accountId: UUID, store: String, clientId: String?, now: Date) -> (
        token: String, session: CustomerSession, statement: PlannedStatement
    ) {
        let token = SecretToken.generate(prefix: "s_")
        let idHash = SecretToken.hash(token)
        // Written out: Fluent's create reflects over the model on every call (every sign-in and sign-up).
        let statement = PlannedStatement.insert(
            into: SessionModel.schema,
            [
                ("id_hash", idHash), ("kind", "customer"), ("subject_id", accountId), ("store", store), ("created_at", now),
                ("auth_time", now), ("expires_at", now.addingTimeInterval(BrowserCookies.sessionLifetime)), ("client_id", clientId),
            ])
        return (token, CustomerSession(idHash: idHash, accountId: accountId, store: store, authTime: now, clientId: clientId), statement)
    }

    static func setCookie(_ token: String, request: Request, response: Response) {
        let signed = token + "." + request.usher.secrets.mac("session", token)
        response.cookies[BrowserCookies.session] = BrowserCookies.cookie(
            signed, request: request, maxAge: Int(BrowserCookies.sessionLifetime))
    }

    /// The token inside a signed session cookie value, if its MAC checks out.
    static func token(fromCookie raw: String, kind: String, request: Request) -> String? {
        guard let dot = raw.lastIndex(of: ".") else { return nil }
        let token = String(raw[..<dot])
        let mac = String(raw[raw.index(after: dot)...])
        return request.usher.secrets.verify(kind == "customer" ? "session" : "admin-session", token, mac: mac) ? token : nil
    }

    /// The session the request's cookie names, if it is valid and unexpired.
    static func current(_ request: Request, kind: String = "customer") async throws -> CustomerSession? {
        guard let raw = request.cookies[kind == "customer" ? BrowserCookies.session : AdminSession.cookieName]?.string,
            let token = token(fromCookie: raw, kind: kind, request: request)
        else { return nil }
        guard let model = try await SessionModel.find(SecretToken.hash(token), on: request.db), model.kind == kind, model.expiresAt > Date()
        else {
            return nil
        }
        return CustomerSession(
            idHash: model.id!, accountId: model.subjectId, store: model.store, authTime: model.authTime, clientId: model.clientId)
    }

    static func end(_ request: Request, response: Response) async throws {
        if let session = try await current(request) {
            try await request.db.write { tx in
                try await SessionModel.query(on: tx).filter(\.$id == session.idHash).delete()
            }
        }
        response.cookies[BrowserCookies.session] = BrowserCookies.cookie("", request: request, maxAge: 0)
    }
}

/// Security: one browser, one customer session. When a response starts a new session (a new
/// sign-in or sign-up) in a browser that still carries an older one, the older one ends, so a
/// copy of the old cookie is worth nothing afterwards (session rotation, OWASP ASVS 3.3).
struct CustomerSessionRotation: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        guard let fresh = response.cookies[BrowserCookies.session]?.string, !fresh.isEmpty,
            let old = request.cookies[BrowserCookies.session]?.string, old != fresh,
            let oldToken = CustomerSession.token(fromCookie: old, kind: "customer", request: request)
        else { return response }
        try await request.db.write { tx in
            try await SessionModel.query(on: tx).filter(\.$id == SecretToken.hash(oldToken)).filter(\.$kind == "customer").delete()
        }
        return response
    }
}

enum AdminSession {
    static let cookieName = "usher_admin"
}
