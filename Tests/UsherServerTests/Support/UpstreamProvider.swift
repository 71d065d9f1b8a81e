import Crypto
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// An upstream OpenID provider inside the test process, for the federation routes: it takes
/// the place of Usher's HTTP client (`app.clients`) and answers discovery, the code exchange and
/// the JWKS itself, so Usher's own checks (ES256 signature, issuer, audience, expiry, nonce)
/// run as against a real provider, without a network or a second process (the e2e suite has
/// the Authlib one). A code carries the claims the test chose for the person signing in.
final class UpstreamProvider: Sendable {
    let issuer: String
    let clientId = "usher-rp"
    private let key = P256.Signing.PrivateKey()
    private let codes = NIOLockedValueBox<[String: [String: any Sendable]]>([:])

    init(issuer: String = "https://upstream.test") {
        self.issuer = issuer
    }

    /// Replaces `t`'s HTTP client with this provider and registers it with Usher (with
    /// `claimMapping`, a JSON object, if given); its id.
    func register(with t: TestApp, token: String, claimMapping: String? = nil) async throws -> String {
        t.app.clients.use { [self] app in Connection(provider: self, eventLoop: app.eventLoopGroup.any()) }
        let mapping = claimMapping.map { #","claimMapping":\#($0)"# } ?? ""
        let reply = try await t.send(
            .POST, "/admin/api/v1/externalLoginProviders",
            json: #"{"name":"Upstream ID","issuer":"\#(issuer)","clientId":"\#(clientId)","clientSecret":"upstream-secret"\#(mapping)}"#,
            token: token)
        return try #require(reply["id"] as? String, "\(reply.status) \(reply.body)")
    }

    /// The code the provider sends back for a sign-in of `subject` with `claims` (email,
    /// email_verified, given_name, …) in answer to an authorization request with `nonce`.
    func code(subject: String, nonce: String, claims: [String: any Sendable]) -> String {
        let code = SecretToken.generate()
        var all = claims
        all["sub"] = subject
        all["nonce"] = nonce
        codes.withLockedValue { $0[code] = all }
        return code
    }

    private var jwks: [String: Any] {
        let raw = key.publicKey.rawRepresentation
        return [
            "keys": [
                [
                    "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": "upstream-1",
                    "x": Data(raw.prefix(32)).base64URLEncodedString(), "y": Data(raw.suffix(32)).base64URLEncodedString(),
                ]
            ]
        ]
    }

    private func idToken(_ claims: [String: any Sendable]) throws -> String {
        let now = Int(Date().timeIntervalSince1970)
        var payload: [String: Any] = ["iss": issuer, "aud": clientId, "iat": now, "exp": now + 300]
        for (name, value) in claims { payload[name] = value }
        let header = try JSONSerialization.data(withJSONObject: ["alg": "ES256", "typ": "JWT", "kid": "upstream-1"])
        let body = try JSONSerialization.data(withJSONObject: payload)
        let input = header.base64URLEncodedString() + "." + body.base64URLEncodedString()
        let signature = try key.signature(for: Data(input.utf8)).rawRepresentation
        return input + "." + signature.base64URLEncodedString()
    }

    private func answer(_ request: ClientRequest) throws -> ClientResponse {
        let url = request.url.string
        switch (request.method, url) {
        case (.GET, issuer + "/.well-known/openid-configuration"):
            return try json([
                "issuer": issuer, "authorization_endpoint": issuer + "/authorize", "token_endpoint": issuer + "/token",
                "jwks_uri": issuer + "/jwks",
            ])
        case (.GET, issuer + "/jwks"):
            return try json(jwks)
        case (.POST, issuer + "/token"):
            var form = URLComponents()
            form.percentEncodedQuery = request.body.map { String(buffer: $0) }
            let code = form.queryItems?.first { $0.name == "code" }?.value ?? ""
            // One use, as a provider would.
            guard let claims = codes.withLockedValue({ $0.removeValue(forKey: code) }) else {
                return ClientResponse(status: .badRequest, headers: ["Content-Type": "application/json"], body: nil)
            }
            return try json(["access_token": "upstream-access", "token_type": "Bearer", "id_token": try idToken(claims)])
        default:
            return ClientResponse(status: .notFound, headers: [:], body: nil)
        }
    }

    private func json(_ object: Any) throws -> ClientResponse {
        ClientResponse(
            status: .ok, headers: ["Content-Type": "application/json"],
            body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: object)))
    }

    /// Usher's HTTP client while the provider is registered.
    private struct Connection: Client {
        let provider: UpstreamProvider
        let eventLoop: any EventLoop

        func delegating(to eventLoop: any EventLoop) -> any Client { Connection(provider: provider, eventLoop: eventLoop) }

        func send(_ request: ClientRequest) -> EventLoopFuture<ClientResponse> {
            eventLoop.makeCompletedFuture(withResultOf: { try provider.answer(request) })
        }
    }
}
