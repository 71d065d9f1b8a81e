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
    }

    static func load(_ req: Request, flowId: String?) async throws -> Context {
        let flow = try await LoginFlows.find(flowId, request: req)
        // The invitation may have been used, resent, revoked or expired since the form was opened.
        let invitation = try await InvitationLink.usableInvitation(for: flow, on: req.db)
        guard let application = try await ApplicationModel.find(invitation.applicationId, on: req.db),
            let invited = EmailAddress(invitation.email)
        else {
            throw UsherError.notFound("application", invitation.applicationId.idString)
        }
        let policy = try await SelfServicePolicyModel.find(application.policyId, on: req.db)
        let metadata = JSONText.decode([String: JSONValue].self, invitation.metadata) ?? [:]
        let form = SignUpForm(
            invitedEmail: invited, prefill: InvitationRequest.profile(from: metadata),
            fields: policy?.fields ?? RegistrationFields(), options: policy?.invitationOptions ?? AccountInvitationOptions())
        let providers = try await ExternalLoginProviderService.enabled(for: application.id!, on: req.db)
        return Context(flow: flow, invitation: invitation, application: application, form: form, providers: providers)
    }

    func show(_ req: Request) async throws -> Response {
        let context = try await Self.load(req, flowId: req.query[String.self, at: "flow"])
        try await InvitationService(db: req.db, context: req.usher).markOpened(context.invitation)
        return render(req, context, posted: [:], errors: [], message: nil)
    }

    func submit(_ req: Request) async throws -> Response {
        let posted = (try? req.content.decode([String: String].self, as: .urlEncodedForm)) ?? [:]
        let context = try await Self.load(req, flowId: posted["flow"])
        try BrowserCookies.checkCSRF(req, flowId: context.flow.id!, presented: posted["csrf"])
        try await req.usher.rateLimiter.hit(RateLimiter.signUpPerIP, key: req.remoteAddress?.ipAddress ?? "unknown", on: req.db)
        try await req.usher.rateLimiter.hit(RateLimiter.signUpPerInvitation, key: context.invitation.id!.idString, on: req.db)

        let submission: SignUpForm.Submission
        do {
            submission = try context.form.read(posted)
        } catch let error as UsherError where !error.fieldErrors.isEmpty {
            return render(req, context, posted: posted, errors: error.fieldErrors, message: nil, status: .unprocessableEntity)
        }
        let hash: String? = if let password = submission.password { try await req.usher.passwords.hash(password) } else { nil }
        let accepted: SignUpService.Accepted
        do {
            // Security: another address than the invited one is held pending and verified by email,
            // so this answer is the same whether or not it has an account (issue 14, item 14).
            let verification = EmailVerification(
                context: req.usher, applicationName: context.application.name, language: context.invitation.language)
            accepted = try await SignUpService(db: req.db).accept(
                flow: context.flow, invitation: context.invitation, submission: submission,
                passwordHash: hash, verification: verification)
        } catch let error as UsherError where error.errorKey == .accountEmailExists {
            return render(req, context, posted: posted, errors: error.fieldErrors, message: nil, status: .conflict)
        }
        req.usher.mailWakeUp()
        req.logger.info(
            "Invitation accepted",
            metadata: ["invitation": .string(context.invitation.id!.idString), "account": .string(accepted.accountId.idString)])
        // The account exists and its verification email is queued; the application waits for it.
        try await EmailVerificationGate.check(clientId: context.flow.clientId, accountId: accepted.accountId, on: req.db)
        let response = AuthorizationCodes.redirect(
            code: accepted.code, redirectURI: context.flow.redirectURI, state: context.flow.state, issuer: req.usher.config.issuer)
        CustomerSession.setCookie(accepted.sessionToken, request: req, response: response)
        return response
    }

    private func render(
        _ req: Request, _ c: Context, posted: [String: String], errors: [FieldError], message: String?, status: HTTPResponseStatus = .ok
    ) -> Response {
        func error(_ field: String) -> String? { errors.first { $0.field == field }?.message }
        var fields: [SignUpPage.Field] = []
        for attribute in ProfileAttribute.allCases where c.form.fields[attribute].isShown {
            let mode = c.form.fields[attribute]
            let value =
                mode.acceptsInput ? (posted[attribute.rawValue] ?? c.form.prefill[attribute] ?? "") : (c.form.prefill[attribute] ?? "")
            fields.append(
                SignUpPage.Field(
                    name: attribute.rawValue, label: attribute.label, value: value,
                    readonly: mode == .readOnly, required: mode == .required,
                    type: attribute == .phoneNumber ? "tel" : "text",
                    autocomplete: Self.autocomplete[attribute] ?? "off", error: error(attribute.rawValue)))
        }
        let context = SignUpPage(
            lang: c.invitation.language, applicationName: c.application.name, flow: c.flow.id!,
            csrf: BrowserCookies.csrfToken(req, flowId: c.flow.id!),
            email: c.form.emailEditable ? (posted["email"] ?? c.invitation.email) : c.invitation.email,
            emailReadonly: !c.form.emailEditable, fields: fields, passwordAllowed: c.form.passwordAllowed,
            providers: c.providers.map { .init(id: $0.id!.idString, name: $0.name) }, hasProviders: !c.providers.isEmpty,
            emailError: error("email"), passwordError: error("password"),
            formError: message ?? (errors.isEmpty ? nil : "Please correct the fields marked below."))
        return Pages.render("page/signup", context, request: req, status: status, formTargets: c.flow.formTargets(c.providers))
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
    }

    var title = "Create your account"
    var lang: String
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
