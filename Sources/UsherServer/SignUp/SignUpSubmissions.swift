import Fluent
import Foundation
import SQLKit
import UsherCore
import Vapor

/// One sign-up per form, however often the browser sends it (issue 22 items 2 and 11).
///
/// A double click on **Create account** sends the form twice; the browser drops the first
/// answer and shows the second, which used to be "already used" although the account was just
/// made. Each submission of a sign-up form claims its flow id in `idempotency_keys`, scoped to
/// the browser (its cookie, hashed), before it touches anything: a second identical submission
/// waits for the first and then gets where the first went, a fresh authorization code for the
/// same account and the same authorization request. What is kept is the request's parameters
/// and the account id — never a code, token or password. Back after the sign-up (the flow is
/// gone) finds the same record and shows "your invitation is accepted" instead of an expiry.
enum SignUpSubmissions {
    /// What an accepted sign-up keeps for a repeat of its form from the same browser.
    struct Outcome: Codable, Sendable {
        var accountId: UUID
        var clientId: String
        var redirectURI: String
        var scope: String
        var state: String?
        var nonce: String?
        var codeChallenge: String?
        var organizationId: UUID?
        var applicationName: String
        var loginURL: String?
        var language: String
        var acceptedAt: Date
    }

    enum Claim {
        /// This submission goes ahead: accept, then `complete` or `release`.
        case first
        /// The form was accepted before, from this browser.
        case accepted(Outcome)
    }

    /// How long a repeat still signs in to the application (the life of the flow it repeats);
    /// later it only shows that the invitation was accepted.
    static let replayWindow = LoginFlows.lifetime

    private static func scope(_ req: Request) -> String? {
        guard let browser = req.cookies[BrowserCookies.browser]?.string else { return nil }
        return "signup|" + SecretToken.hash(browser)
    }

    /// Claims `flowId` for this submission; waits (up to `patience`) while another submission
    /// of the same form is running. Nil without a browser cookie (the CSRF check refuses that).
    static func claim(_ req: Request, flowId: String, patience: Duration = IdempotencyRecords.patience) async throws -> Claim? {
        guard let scope = scope(req), let key = IdempotencyKey(flowId) else { return nil }
        let records = IdempotencyRecords(db: req.db)
        let fingerprint = IdempotencyRecords.fingerprint(method: req.method, path: req.url.path, body: req.body.data)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: patience)
        while true {
            do {
                switch try await records.claim(
                    scope: scope, key: key, fingerprint: fingerprint, now: Date(), groupCommit: req.usher.groupCommit)
                {
                case .claimed: return .first
                case .replay(let answer):
                    if let outcome = decode(answer.body) { return .accepted(outcome) }
                    return .first
                }
            } catch let error as UsherError where error.errorKey == .idempotencyKeyReused || error.errorKey == .idempotencyInProgress {
                // Another submission of this form (the same or, after Back, an edited one): once it
                // is accepted, this one shows where it went.
                // The wait only reads, so it never queues for SQLite's one writer ahead of the
                // submission it waits for.
                repeat {
                    if let outcome = try await outcome(req, flowId: flowId) { return .accepted(outcome) }
                    guard clock.now < deadline else { throw error }
                    try await Task.sleep(for: .milliseconds(100))
                } while try await records.isRunning(scope: scope, key: key)
            }
        }
    }

    static func complete(_ req: Request, flowId: String, outcome: Outcome) async throws {
        guard let statement = try completeStatement(req, flowId: flowId, outcome: outcome) else { return }
        try await req.db.writeStatement { sql in try await sql.raw(statement.query).run() }
    }

    /// The same as a statement of the acceptance's planned write (SignUpService.accept): the
    /// outcome is kept if and only if the account is made.
    static func completeStatement(_ req: Request, flowId: String, outcome: Outcome) throws -> PlannedStatement? {
        guard let scope = scope(req), let key = IdempotencyKey(flowId) else { return nil }
        let body = String(decoding: try JSONEncoder().encode(outcome), as: UTF8.self)
        return IdempotencyRecords.completeStatement(scope: scope, key: key, answer: .init(status: 303, body: body, location: nil))
    }

    /// Frees the form after a refusal (a field to correct, a limit), so that it can be sent again.
    static func release(_ req: Request, flowId: String) async {
        guard let scope = scope(req), let key = IdempotencyKey(flowId) else { return }
        try? await IdempotencyRecords(db: req.db).release(scope: scope, key: key)
    }

    /// The accepted outcome of `flowId` from this browser, if there is one.
    static func outcome(_ req: Request, flowId: String) async throws -> Outcome? {
        guard let scope = scope(req), flowId.count < 100 else { return nil }
        struct Row: Decodable { var response_body: String? }
        let row = try await req.db.sql.raw(
            """
            SELECT response_body FROM idempotency_keys
            WHERE scope = \(bind: scope) AND idem_key = \(bind: flowId) AND state = 'done' AND expires_at > \(bind: Date())
            """
        ).first(decoding: Row.self)
        return decode(row?.response_body)
    }

    private static func decode(_ body: String?) -> Outcome? {
        body.flatMap { try? JSONDecoder().decode(Outcome.self, from: Data($0.utf8)) }
    }

    /// Where a repeat lands: while the flow would still be open, the application again with a
    /// fresh code for the same account; later, the page saying the invitation was accepted.
    static func answer(_ req: Request, _ outcome: Outcome, now: Date = Date()) async throws -> Response {
        guard now.timeIntervalSince(outcome.acceptedAt) < replayWindow,
            try await AccountModel.find(outcome.accountId, on: req.db) != nil
        else {
            return acceptedPage(req, outcome)
        }
        // The same gate as the first submission: an address still to confirm gets its page again.
        try await EmailVerificationGate.check(req, clientId: outcome.clientId, accountId: outcome.accountId)
        // No new session: the first submission's may have reached the browser, and its token
        // is not kept anywhere to give again. The application is signed in either way.
        let code = try await req.db.write { tx in
            try await AuthorizationCodes.issue(
                clientId: outcome.clientId, redirectURI: outcome.redirectURI, scope: outcome.scope, nonce: outcome.nonce,
                codeChallenge: outcome.codeChallenge, accountId: outcome.accountId, authTime: outcome.acceptedAt, sessionHash: nil,
                organizationId: outcome.organizationId, on: tx, now: now)
        }
        req.logger.info("Sign-up form sent again; answered as the first", metadata: ["account": .string(outcome.accountId.idString)])
        return AuthorizationCodes.redirect(
            code: code, redirectURI: outcome.redirectURI, state: outcome.state, issuer: req.usher.config.issuer)
    }

    /// "Your invitation is accepted", with the way to the application (its login URL).
    static func acceptedPage(_ req: Request, _ outcome: Outcome) -> Response {
        req.choosePageLanguage(outcome.language)
        let language = req.pageLanguage
        let t = language.strings
        let page = SignUpAcceptedPage(
            title: t.signUp.acceptedTitle, lang: language.rawValue, t: t,
            lead: PageStrings.fill(t.signUp.acceptedLead, ["app": outcome.applicationName]),
            continueLabel: PageStrings.fill(t.common.continueTo, ["app": outcome.applicationName]),
            continueURL: outcome.loginURL.flatMap { $0.isEmpty ? nil : RedirectURI.appending([("iss", req.usher.config.issuer)], to: $0) })
        return Pages.render("page/signup-accepted", page, request: req)
    }
}

/// `page/signup-accepted`: what Back (or a late repeat of the form) shows after the sign-up.
struct SignUpAcceptedPage: PageContext {
    var title: String
    var lang: String
    var t: PageStrings
    var lead: String
    var continueLabel: String
    var continueURL: String?
}
