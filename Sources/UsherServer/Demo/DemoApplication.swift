import Crypto
import Fluent
import Foundation
import UsherCore
import Vapor

/// `usher serve --demo`: an application served by Usher itself, so a newcomer can invite
/// themselves and walk the whole journey in a browser. It is an ordinary public OIDC client
/// (PKCE, no secret) that talks to Usher over HTTP like any other application would.
enum DemoApplication {
    static let clientId = "usher-demo"
    static let name = "Usher Demo"

    /// Creates the demo application once.
    static func seed(_ app: Application) async throws {
        guard try await OIDCClientModel.find(clientId, on: app.db) == nil else { return }
        let base = app.usher.config.publicURL
        let policy = try await SelfServicePolicyService(db: app.db).defaultPolicy()
        let application = ApplicationModel()
        application.id = UUID()
        application.name = name
        application.store = Bootstrap.defaultStore
        application.protocolKind = ApplicationProtocol.oidc.rawValue
        application.policyId = policy.id!
        application.createdAt = Date()
        let client = OIDCClientModel()
        client.id = clientId
        client.applicationId = application.id!
        client.isPublic = true
        client.secretHash = nil
        client.redirectURIs = JSONText.encode([base + "/demo/callback"])
        client.postLogoutRedirectURIs = JSONText.encode([base + "/demo"])
        client.loginURL = base + "/demo/login"
        client.position = 0
        client.createdAt = Date()
        do {
            try await app.db.write { tx in
                try await application.create(on: tx)
                try await client.create(on: tx)
                try await Audit.record(
                    on: tx, actor: .system, action: .applicationCreated, store: Bootstrap.defaultStore,
                    targetType: "application", targetId: application.id!.idString, details: ["name": name, "demo": "true"])
            }
            app.logger.notice("Seeded the demo application '\(name)' (client \(clientId)); invite yourself to it and open \(base)/demo")
        } catch let error where error.isConstraintViolation {
            // Another instance seeded it at the same moment.
        }
    }
}

struct DemoRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let demo = routes.grouped("demo")
        demo.get(use: home)
        demo.get("login", use: login)
        demo.get("callback", use: callback)
    }

    private static let cookie = "usher_demo"
    private static let idTokenCookie = "usher_demo_id"

    func home(_ req: Request) async throws -> Response {
        let base = req.usher.config.publicURL
        var context = DemoPage()
        if let raw = req.cookies["usher_demo_user"]?.string, let data = Data(base64URLEncoded: raw),
            let claims = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        {
            context.signedIn = true
            context.claims = claims.keys.sorted().map { DemoPage.Claim(name: $0, value: "\(claims[$0]!)") }
            // The ID token as id_token_hint: Usher signs the person out at once only with it
            // (without it, it asks them to confirm, so no other site can sign them out).
            var items = [("client_id", DemoApplication.clientId), ("post_logout_redirect_uri", base + "/demo"), ("state", "signedout")]
            if let idToken = req.cookies[Self.idTokenCookie]?.string { items.append(("id_token_hint", idToken)) }
            context.logoutURL = RedirectURI.appending(items, to: base + "/oauth2/logout")
        }
        let response = Pages.render("page/demo", context, request: req)
        if req.query[String.self, at: "state"] == "signedout" {
            response.cookies["usher_demo_user"] = .expired
            response.cookies[Self.idTokenCookie] = .expired
        }
        return response
    }

    /// The login URL: third-party-initiated login (`iss`, `login_hint`) or a plain sign-in.
    func login(_ req: Request) async throws -> Response {
        let base = req.usher.config.publicURL
        if let iss = req.query[String.self, at: "iss"], iss != req.usher.config.issuer {
            throw UsherError.badRequest(.demoWrongIssuer, "This demo only signs in with \(req.usher.config.issuer), not \(iss).")
        }
        let state = SecretToken.generate()
        let nonce = SecretToken.generate()
        let verifier = SecretToken.generate() + SecretToken.generate()
        let challenge = Data(SHA256.hash(data: Data(verifier.utf8))).base64URLEncodedString()
        var items = [
            ("response_type", "code"), ("client_id", DemoApplication.clientId), ("redirect_uri", base + "/demo/callback"),
            ("scope", "openid email profile groups"), ("state", state), ("nonce", nonce),
            ("code_challenge", challenge), ("code_challenge_method", "S256"),
        ]
        if let hint = req.query[String.self, at: "login_hint"] { items.append(("login_hint", hint)) }
        let response = Response.seeOther(RedirectURI.appending(items, to: base + "/oauth2/authorize"))
        let value = [state, nonce, verifier].joined(separator: "~")
        response.cookies[Self.cookie] = BrowserCookies.cookie(
            value + "~" + req.usher.secrets.mac("demo", value), request: req, maxAge: 1800)
        return response
    }

    func callback(_ req: Request) async throws -> Response {
        let base = req.usher.config.publicURL
        if let error = req.query[String.self, at: "error"] {
            throw UsherError.badRequest(
                ErrorKey(rawValue: "demo.\(error)"),
                "The sign-in did not complete: \(req.query[String.self, at: "error_description"] ?? error).")
        }
        let parts = (req.cookies[Self.cookie]?.string ?? "").split(separator: "~").map(String.init)
        guard parts.count == 4, req.usher.secrets.verify("demo", parts[0...2].joined(separator: "~"), mac: parts[3]),
            let state = req.query[String.self, at: "state"], SecretToken.constantTimeEquals(state, parts[0]),
            let code = req.query[String.self, at: "code"]
        else {
            throw UsherError.badRequest(.demoState, "This sign-in answer does not belong to this browser. Start again at /demo.")
        }
        let tokenResponse = try await req.client.post(URI(string: base + "/oauth2/token")) { out in
            try out.content.encode(
                [
                    "grant_type": "authorization_code", "code": code, "redirect_uri": base + "/demo/callback",
                    "client_id": DemoApplication.clientId, "code_verifier": parts[2],
                ], as: .urlEncodedForm)
        }
        struct Tokens: Decodable { var id_token: String }
        guard tokenResponse.status == .ok, let tokens = try? tokenResponse.content.decode(Tokens.self) else {
            throw UsherError.badRequest(
                .demoToken, "The code exchange failed: \(tokenResponse.body.map { String(buffer: $0) } ?? "no answer").")
        }
        let idToken = try await req.usher.keys.verify(tokens.id_token, as: IDToken.self, db: req.db, logger: req.logger)
        guard idToken.nonce == parts[1], idToken.aud.value.contains(DemoApplication.clientId) else {
            throw UsherError.badRequest(.demoNonce, "The ID token was not made for this sign-in.")
        }
        let claims: [String: Any] = [
            "sub": idToken.sub.value, "email": idToken.email ?? "", "email_verified": idToken.email_verified ?? false,
            "name": idToken.name ?? "", "groups": (idToken.groups ?? []).joined(separator: ", "),
        ]
        let data = try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys])
        let response = Response.seeOther("/demo")
        response.cookies["usher_demo_user"] = BrowserCookies.cookie(data.base64URLEncodedString(), request: req, maxAge: 3600)
        response.cookies[Self.idTokenCookie] = BrowserCookies.cookie(tokens.id_token, request: req, maxAge: 3600)
        response.cookies[Self.cookie] = .expired
        return response
    }

    static let template = """
        {{<page_layout}}{{$body}}
        <h1>{{title}}</h1>
        {{#signedIn}}
        <p class="notice" id="signed-in">You are signed in to the demo application.</p>
        <table id="claims">{{#claims}}<tr><th>{{name}}</th><td>{{value}}</td></tr>{{/claims}}</table>
        <a class="button secondary" href="{{logoutURL}}">Sign out</a>
        {{/signedIn}}
        {{^signedIn}}
        <p class="lead">An application that signs its users in with Usher. Invite yourself to it from the admin console
        (application “Usher Demo”), open the link in the invitation email, and you will land back here, signed in.</p>
        <a class="button" href="{{loginURL}}">Sign in</a>
        {{/signedIn}}
        {{/body}}{{/page_layout}}
        """
}

/// `page/demo`: the demo application's one page, signed out or showing the ID token's claims.
struct DemoPage: PageContext {
    struct Claim {
        var name: String
        var value: String
    }

    var title = DemoApplication.name
    var lang = "en"
    var loginURL = "/demo/login"
    var signedIn: Bool?
    var claims: [Claim]?
    var logoutURL: String?
}
