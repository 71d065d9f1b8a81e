import Fluent
import Foundation
import UsherCore
import Vapor

/// `/signin`: a returning customer signs in with email and password. The answer to a wrong
/// email and to a wrong password is the same, and takes the same time.
struct SignInPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("signin", use: show)
        routes.post("signin", use: submit)
    }

    func show(_ req: Request) async throws -> Response {
        let flow = try await LoginFlows.find(req.query[String.self, at: "flow"], request: req)
        return try await render(req, flow: flow, email: flow.loginHint ?? "", error: nil)
    }

    func submit(_ req: Request) async throws -> Response {
        let posted = (try? req.content.decode([String: String].self, as: .urlEncodedForm)) ?? [:]
        let flow = try await LoginFlows.find(posted["flow"], request: req)
        try BrowserCookies.checkCSRF(req, flowId: flow.id!, presented: posted["csrf"])
        let email = (posted["email"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = posted["password"] ?? ""
        guard let client = try await OIDCClientModel.find(flow.clientId, on: req.db),
            let app = try await ApplicationModel.find(client.applicationId, on: req.db)
        else { throw UsherError.notFound("application", flow.clientId) }

        // Security: the attempts are counted before the password is checked (concurrent guesses
        // cannot all pass), and given back on success, so that only failures count.
        let limiter = req.usher.rateLimiter
        let ip = req.clientAddress
        let reservations = try await SignInAttempts.reserve(
            limiter,
            [
                (RateLimiter.signInPerIP, ip),
                (RateLimiter.signInPerAccount, app.store + "|" + EmailAddress.normalize(email) + "|" + ip),
            ], on: req.db)

        let store = try await IdentityStoreModel.find(app.store, on: req.db)
        let account: AccountModel? = if let store { try await Self.account(named: email, in: store, on: req.db) } else { nil }
        var valid = false
        var rehash: String?
        if let hash = account?.passwordHash, password.count <= 256 {
            let check = try await req.usher.passwords.verify(password, against: hash)
            valid = check.isValid
            // An older kind of hash (bcrypt) or older parameters: upgrade it now that we have the password.
            if check == .valid(needsRehash: true) { rehash = try await req.usher.passwords.hash(password) }
        } else {
            try await req.usher.passwords.verifyDummy(password)
        }
        guard valid, let account else {
            return try await render(
                req, flow: flow, email: email, error: req.pageLanguage.strings.signIn.wrongCredentials, status: .unauthorized)
        }
        try await SignInAttempts.release(limiter, reservations, on: req.db)
        return try await CustomerSignIn.complete(req, flow: flow, account: account, rehash: rehash)
    }

    /// The account `identifier` names in `store`: by email key where the store identifies accounts
    /// by email, else (or if none has it) by username where the store uses usernames — so an
    /// account of a USERNAME-only store can sign in (issue 24 item 7).
    static func account(named identifier: String, in store: IdentityStoreModel, on db: any Database) async throws -> AccountModel? {
        let inStore = AccountModel.query(on: db).filter(\.$store == store.id!)
        if store.supportsEmail, let account = try await inStore.copy().filter(\.$emailKey == EmailAddress.normalize(identifier)).first() {
            return account
        }
        guard store.supportsUsername else { return nil }
        return try await inStore.filter(\.$usernameKey == identifier.lowercased()).first()
    }

    /// What the identifier field asks for, as the store identifies accounts.
    /// `autocomplete` fits the input's type (axe: an email input takes `email`, not `username`).
    static func identifierField(_ store: IdentityStoreModel?, strings: PageStrings = .english) -> (
        label: String, type: String, autocomplete: String
    ) {
        switch (store?.supportsEmail ?? true, store?.supportsUsername ?? false) {
        case (true, false): (strings.common.email, "email", "email")
        case (false, true): (strings.common.username, "text", "username")
        default: (strings.common.emailOrUsername, "text", "username")
        }
    }

    private func render(_ req: Request, flow: LoginFlowModel, email: String, error: String?, status: HTTPResponseStatus = .ok) async throws
        -> Response
    {
        let client = try await OIDCClientModel.find(flow.clientId, on: req.db)
        let app: ApplicationModel? = if let client { try await ApplicationModel.find(client.applicationId, on: req.db) } else { nil }
        let language = req.pageLanguage
        let t = language.strings
        let identifier = Self.identifierField(app == nil ? nil : try await IdentityStoreModel.find(app!.store, on: req.db), strings: t)
        let providers = app == nil ? [] : try await ExternalLoginProviderService.enabled(for: app!.id!, on: req.db)
        let applicationName = app?.name ?? t.common.theApplication
        let context = SignInPage(
            title: t.signIn.title, lang: language.rawValue, t: t, lead: PageStrings.fill(t.signIn.lead, ["app": applicationName]),
            applicationName: applicationName, flow: flow.id!, csrf: BrowserCookies.csrfToken(req, flowId: flow.id!),
            email: email,
            identifierLabel: identifier.label, identifierType: identifier.type, identifierAutocomplete: identifier.autocomplete,
            providers: providers.map {
                .init(id: $0.id!.idString, name: $0.name, label: PageStrings.fill(t.common.continueWith, ["provider": $0.name]))
            },
            hasProviders: !providers.isEmpty, formError: error)
        return Pages.render("page/signin", context, request: req, status: status, formTargets: flow.formTargets(providers))
    }
}

/// `page/signin`: a customer signs in to an application (password or an upstream provider).
struct SignInPage: PageContext {
    /// An upstream provider offered as a button.
    struct Provider {
        var id: String
        var name: String
        /// "Continue with …" in the page's language.
        var label: String
    }

    var title: String
    var lang: String
    /// The page's words (PageStrings).
    var t: PageStrings
    /// "to continue to …", with the application's name.
    var lead: String
    var applicationName: String
    /// The login flow the form belongs to.
    var flow: String
    var csrf: String
    var email: String
    /// "Email", "Username" or "Email or username", per the store's identifiers.
    var identifierLabel: String
    var identifierType: String
    var identifierAutocomplete: String
    var providers: [Provider]
    var hasProviders: Bool
    var formError: String?
}
