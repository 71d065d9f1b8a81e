import Fluent
import Foundation
import UsherCore
import Vapor

/// `/signup`: the form an invitee sees (GET never uses the invitation up — SPEC journey step 5)
/// and its submission (POST accepts it).
struct SignUpPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("signup", use: show)
        routes.post("signup", use: submit)
    }

    struct Context {
        var flow: LoginFlowModel
        var invitation: InvitationModel
        var application: ApplicationModel
        var form: SignUpForm
        var providers: [ExternalLoginProviderModel]
        /// Whether the flow's application asks for a verified address before it gets a code
        /// (EmailVerificationGate), from the same read: a sign-up with no such policy skips the gate's reads.
        var verifiedEmailRequired: Bool
    }

    func show(_ req: Request) async throws -> Response {
        let flowId = req.query[String.self, at: "flow"]
        let context: Context
        do {
            context = try await Self.load(req, flowId: flowId)
        } catch let error as UsherError where error.errorKey == .flowExpired {
            // Back after the sign-up: the flow is gone, the invitation accepted (issue 22 item 11).
            guard let flowId, let outcome = try await SignUpSubmissions.outcome(req, flowId: flowId) else { throw error }
            return SignUpSubmissions.acceptedPage(req, outcome)
        }
        try await InvitationService(db: req.db, context: req.usher).markOpened(context.invitation)
        return render(req, context, posted: [:], errors: [], message: nil)
    }

    func submit(_ req: Request) async throws -> Response {
        let posted = (try? req.content.decode([String: String].self, as: .urlEncodedForm)) ?? [:]
        let flowId = posted["flow"] ?? ""
        // The CSRF token is bound to the browser and the flow id, so it is checked before the flow is read.
        try BrowserCookies.checkCSRF(req, flowId: flowId, presented: posted["csrf"])
        switch try await SignUpSubmissions.claim(req, flowId: flowId) {
        case .accepted(let outcome):
            return try await SignUpSubmissions.answer(req, outcome)
        case .first, nil:
            break
        }
        do {
            // An accepted form keeps its outcome in the acceptance's own transaction.
            let (response, accepted) = try await accept(req, posted: posted, flowId: flowId)
            if !accepted { await SignUpSubmissions.release(req, flowId: flowId) }
            return response
        } catch {
            await SignUpSubmissions.release(req, flowId: flowId)
            throw error
        }
    }

    /// The submission, first of its form: the form again with its refusals (not accepted), or
    /// the redirect to the application, the outcome a repeat needs to land there too kept with the account.
    private func accept(_ req: Request, posted: [String: String], flowId: String) async throws -> (Response, accepted: Bool) {
        let context = try await Self.load(req, flowId: posted["flow"])
        try await req.usher.rateLimiter.hit(RateLimiter.signUpPerIP, key: req.remoteAddress?.ipAddress ?? "unknown", on: req.db)
        try await req.usher.rateLimiter.hit(RateLimiter.signUpPerInvitation, key: context.invitation.id!.idString, on: req.db)

        let submission: SignUpForm.Submission
        do {
            submission = try context.form.read(posted, strings: req.pageLanguage.strings)
        } catch let error as UsherError where !error.fieldErrors.isEmpty {
            return (render(req, context, posted: posted, errors: error.fieldErrors, message: nil, status: .unprocessableEntity), false)
        }
        let hash: String? = if let password = submission.password { try await req.usher.passwords.hash(password) } else { nil }
        let flow = context.flow
        let accountId = UUID()
        // What a repeat of this form needs to land where this one does — also where the
        // application waits for the address to be confirmed (the gate below).
        let outcome = SignUpSubmissions.Outcome(
            accountId: accountId, clientId: flow.clientId, redirectURI: flow.redirectURI, scope: flow.scope, state: flow.state,
            nonce: flow.nonce, codeChallenge: flow.codeChallenge, organizationId: flow.organizationId,
            applicationName: context.application.name, loginURL: req.pageApplication?.loginURL, language: req.pageLanguage.rawValue,
            acceptedAt: Date())
        let accepted: SignUpService.Accepted
        do {
            // Security: another address than the invited one is held pending and verified by email,
            // so this answer is the same whether or not it has an account (issue 14, item 14).
            accepted = try await SignUpService(db: req.db).accept(
                flow: flow, invitation: context.invitation, submission: submission, passwordHash: hash,
                verification: .atSignUp(context, profile: submission.profile, context: req.usher), accountId: accountId,
                recording: try SignUpSubmissions.completeStatement(req, flowId: flowId, outcome: outcome))
        } catch let error as UsherError where error.errorKey == .accountEmailExists {
            let errors = [FieldError("email", req.pageLanguage.strings.fieldErrors.emailUnusable)]
            return (render(req, context, posted: posted, errors: errors, message: nil, status: .conflict), false)
        }
        req.logger.info(
            "Invitation accepted",
            metadata: ["invitation": .string(context.invitation.id!.idString), "account": .string(accepted.accountId.idString)])
        return (
            try await CustomerSignIn.complete(req, flow: flow, signUp: accepted, verifiedEmailRequired: context.verifiedEmailRequired), true
        )
    }

    private func render(
        _ req: Request, _ c: Context, posted: [String: String], errors: [FieldError], message: String?, status: HTTPResponseStatus = .ok
    ) -> Response {
        let language = req.pageLanguage
        let t = language.strings
        func error(_ field: String) -> String? { errors.first { $0.field == field }?.message }
        var fields: [SignUpPage.Field] = []
        for attribute in ProfileAttribute.allCases where c.form.fields[attribute].isShown {
            let mode = c.form.fields[attribute]
            let value =
                mode.acceptsInput ? (posted[attribute.rawValue] ?? c.form.prefill[attribute] ?? "") : (c.form.prefill[attribute] ?? "")
            fields.append(
                SignUpPage.Field(
                    name: attribute.rawValue, label: t.label(attribute), value: value,
                    readonly: mode == .readOnly, required: mode == .required,
                    type: attribute == .phoneNumber ? "tel" : "text",
                    autocomplete: Self.autocomplete[attribute] ?? "off", error: error(attribute.rawValue)))
        }
        let context = SignUpPage(
            title: t.signUp.title, lang: language.rawValue, t: t,
            lead: PageStrings.fill(t.signUp.lead, ["app": c.application.name]), applicationName: c.application.name, flow: c.flow.id!,
            csrf: BrowserCookies.csrfToken(req, flowId: c.flow.id!),
            email: c.form.emailEditable ? (posted["email"] ?? c.invitation.email) : c.invitation.email,
            emailReadonly: !c.form.emailEditable, fields: fields, passwordAllowed: c.form.passwordAllowed,
            providers: c.providers.map {
                .init(id: $0.id!.idString, name: $0.name, label: PageStrings.fill(t.common.continueWith, ["provider": $0.name]))
            },
            hasProviders: !c.providers.isEmpty,
            emailError: error("email"), passwordError: error("password"),
            formError: message ?? (errors.isEmpty ? nil : t.common.fixFields))
        return Pages.render(
            "page/signup", MirroredPage(context), request: req, status: status, formTargets: c.flow.formTargets(c.providers))
    }

    static let autocomplete: [ProfileAttribute: String] = [
        .givenName: "given-name", .familyName: "family-name", .displayName: "nickname", .phoneNumber: "tel", .locale: "language",
    ]
}

/// `page/signup`: the invitee's form, in the invitation's language, with each field as the
/// application's policy shows it (editable, read-only, required) and each refusal beside it.
struct SignUpPage: PageContext {
    struct Field {
        var name: String
        var label: String
        var value: String
        var readonly: Bool
        var required: Bool
        /// The input type: `tel` for the phone number, `text` otherwise.
        var type: String
        var autocomplete: String
        var error: String?
    }

    /// An upstream provider offered as a button.
    struct Provider {
        var id: String
        var name: String
        /// "Continue with …" in the page's language.
        var label: String
    }

    var title: String
    var lang: String
    /// The page's words (PageStrings), as `{{t.signUp.createAccount}}`.
    var t: PageStrings
    /// "You were invited to …", with the application's name.
    var lead: String
    var applicationName: String
    /// The login flow the form belongs to.
    var flow: String
    var csrf: String
    var email: String
    var emailReadonly: Bool
    var fields: [Field]
    var passwordAllowed: Bool
    var providers: [Provider]
    var hasProviders: Bool
    var emailError: String?
    var passwordError: String?
    var formError: String?
}
