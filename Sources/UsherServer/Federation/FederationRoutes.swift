import Crypto
import Fluent
import Foundation
import UsherCore
import Vapor

/// Sign-up and sign-in with an upstream identity: `/federation/start` sends the browser to
/// the provider (state, nonce, PKCE), `/federation/callback` finishes there.
struct FederationRoutes: RouteCollection {
    static let stateLifetime: TimeInterval = 15 * 60

    func boot(routes: any RoutesBuilder) throws {
        routes.post("federation", "start", use: start)
        routes.get("federation", "callback", use: callback)
    }

    static func callbackURL(_ req: Request) -> String { req.usher.config.publicURL + "/federation/callback" }

    func start(_ req: Request) async throws -> Response {
        let form = (try? req.content.decode([String: String].self, as: .urlEncodedForm)) ?? [:]
        let flow = try await LoginFlows.find(form["flow"], request: req)
        try BrowserCookies.checkCSRF(req, flowId: flow.id!, presented: form["csrf"])
        guard let client = try await OIDCClientModel.find(flow.clientId, on: req.db),
            let providerId = form["provider"].flatMap(UUID.init(uuidString:)),
            let provider = try await ExternalLoginProviderService.enabled(for: client.applicationId, on: req.db).first(where: {
                $0.id == providerId
            })
        else {
            throw UsherError.badRequest(.federationUnknownProvider, "This sign-in option is not available for this application.")
        }
        let metadata = try await UpstreamOIDC.discover(provider.issuer, client: req.client)
        let state = SecretToken.generate()
        let nonce = SecretToken.generate()
        let verifier = SecretToken.generate() + SecretToken.generate()
        let model = ExternalLoginStateModel()
        model.id = SecretToken.hash(state)
        model.flowId = flow.id!
        model.providerId = providerId
        model.nonce = nonce
        model.codeVerifier = verifier
        model.createdAt = Date()
        model.expiresAt = Date().addingTimeInterval(Self.stateLifetime)
        try await req.db.write { tx in try await model.create(on: tx) }
        var items = [
            ("response_type", "code"), ("client_id", provider.clientId), ("redirect_uri", Self.callbackURL(req)),
            ("scope", provider.scopes), ("state", state), ("nonce", nonce),
            ("code_challenge", Data(SHA256.hash(data: Data(verifier.utf8))).base64URLEncodedString()), ("code_challenge_method", "S256"),
        ]
        if let invitationId = flow.invitationId, let invitation = try await InvitationModel.find(invitationId, on: req.db) {
            items.append(("login_hint", invitation.email))
        }
        return Response.seeOther(RedirectURI.appending(items, to: metadata.authorization_endpoint))
    }

    func callback(_ req: Request) async throws -> Response {
        guard let state = req.query[String.self, at: "state"], state.count < 200,
            let stored = try await ExternalLoginStateModel.find(SecretToken.hash(state), on: req.db), stored.expiresAt > Date()
        else {
            throw UsherError(
                status: 400, errorKey: .federationStateUnknown, title: "This sign-in has expired",
                detail:
                    "The answer from the identity provider does not belong to a sign-in in progress. Go back to the application and start again."
            )
        }
        // One use only.
        try await req.db.write { tx in try await ExternalLoginStateModel.query(on: tx).filter(\.$id == stored.id!).delete() }
        let flow = try await LoginFlows.find(stored.flowId, request: req)
        guard let provider = try await ExternalLoginProviderModel.find(stored.providerId, on: req.db) else {
            throw UsherError.badRequest(.federationUnknownProvider, "This sign-in option no longer exists.")
        }
        if let error = req.query[String.self, at: "error"] {
            throw UsherError(
                status: 400, errorKey: .federationCancelled, title: "Sign-in with \(provider.name) did not complete",
                detail: "\(provider.name) answered: \(error). Go back and try again, or choose another way to continue.")
        }
        guard let code = req.query[String.self, at: "code"], !code.isEmpty else {
            throw UsherError.badRequest(.federationNoCode, "\(provider.name) sent no authorization code.")
        }
        let claims = try await UpstreamOIDC.finish(
            provider: provider, code: code, codeVerifier: stored.codeVerifier, nonce: stored.nonce,
            redirectURI: Self.callbackURL(req), client: req.client, logger: req.logger)
        let mapping = JSONText.decode([String: String].self, provider.claimMapping) ?? ExternalLoginProviderService.defaultMapping
        let existing = try await ExternalIdentityModel.query(on: req.db).filter(\.$issuer == claims.issuer).filter(
            \.$subject == claims.subject
        ).first()

        if flow.invitationId != nil {
            return try await signUp(req, flow: flow, provider: provider, claims: claims, mapping: mapping, alreadyLinked: existing != nil)
        }
        return try await signIn(req, flow: flow, provider: provider, identity: existing)
    }

    /// SPEC journey step 3 with an external identity: the same acceptance as with a password.
    private func signUp(
        _ req: Request, flow: LoginFlowModel, provider: ExternalLoginProviderModel, claims: UpstreamOIDC.Claims,
        mapping: [String: String], alreadyLinked: Bool
    ) async throws -> Response {
        let context = try await SignUpPages.load(req, flowId: flow.id)
        guard !alreadyLinked else {
            throw UsherError(
                status: 409, errorKey: .federationAlreadyLinked, title: "This \(provider.name) account is already in use",
                detail:
                    "Another account already signs in with this \(provider.name) identity. Sign in to the application with it instead, or use another identity."
            )
        }
        guard let upstreamEmail = mapping["email"].flatMap(claims.string).flatMap(EmailAddress.init) else {
            throw UsherError.badRequest(
                .federationNoEmail,
                "\(provider.name) did not share an email address, which this sign-up needs. Allow it to share your email, or create a password instead."
            )
        }
        let form = context.form
        var email = form.invitedEmail
        var verified = true
        if upstreamEmail.normalized != form.invitedEmail.normalized {
            // SPEC journey step 3: refused unless allowEmailMismatch; then verified only if the upstream says so.
            guard form.options.allowEmailMismatch else {
                throw UsherError(
                    status: 403, errorKey: .signupEmailMismatch, title: "This is not the invited email address",
                    detail:
                        "Your \(provider.name) account uses another email address than the one this invitation was sent to. Continue with the \(provider.name) account of the invited address, or create a password instead."
                )
            }
            email = upstreamEmail
            verified = claims.emailVerified
        }
        var profile = Profile()
        for attribute in ProfileAttribute.allCases {
            switch form.fields[attribute] {
            case .hidden, .readOnly:
                profile[attribute] = form.prefill[attribute]
            case .editable, .required:
                profile[attribute] =
                    mapping[attribute.rawValue].flatMap(claims.string).map { String($0.prefix(attribute.maxLength)) }
                    ?? form.prefill[attribute]
                if form.fields[attribute] == .required && profile[attribute] == nil {
                    throw UsherError.badRequest(
                        .signupMissingField,
                        "\(provider.name) did not share your \(attribute.label.lowercased()), which this sign-up requires. Create a password instead and fill it in."
                    )
                }
            }
        }
        let submission = SignUpForm.Submission(email: email, emailVerified: verified, profile: profile.normalized, password: nil)
        let accepted: SignUpService.Accepted
        do {
            // As a password sign-up (issue 23): an address the invitation and the provider did not
            // both vouch for gets its verification email with the account, held pending like a
            // typed one so that this answer says nothing about whether another account has it.
            accepted = try await SignUpService(db: req.db).accept(
                flow: flow, invitation: context.invitation, submission: submission, passwordHash: nil,
                externalIdentity: ExternalIdentityInput(
                    providerId: provider.id!, issuer: claims.issuer, subject: claims.subject, email: upstreamEmail.value),
                verification: .atSignUp(context, profile: submission.profile, context: req.usher))
        } catch let error where error.isConstraintViolation {
            throw UsherError(
                status: 409, errorKey: .federationAlreadyLinked, title: "This \(provider.name) account is already in use",
                detail: "Another account already signs in with this \(provider.name) identity.")
        }
        // As after a password sign-up: an address the upstream provider did not vouch for waits
        // for confirmation where the policy says so.
        return try await CustomerSignIn.complete(req, flow: flow, signUp: accepted)
    }

    /// SPEC: returning customers sign in later with the same upstream identity.
    private func signIn(_ req: Request, flow: LoginFlowModel, provider: ExternalLoginProviderModel, identity: ExternalIdentityModel?)
        async throws -> Response
    {
        guard let client = try await OIDCClientModel.find(flow.clientId, on: req.db),
            let app = try await ApplicationModel.find(client.applicationId, on: req.db),
            let identity, let account = try await AccountModel.find(identity.accountId, on: req.db), account.store == app.store
        else {
            throw UsherError(
                status: 403, errorKey: .federationNoAccount, title: "No account for this \(provider.name) identity",
                detail:
                    "There is no account here that signs in with this \(provider.name) identity. If you were invited, open the link in your invitation email to create one."
            )
        }
        // As a password sign-in, the gate of requireVerifiedEmail included (issue 23).
        return try await CustomerSignIn.complete(req, flow: flow, account: account)
    }
}
