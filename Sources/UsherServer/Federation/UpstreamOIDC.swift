import Crypto
import Foundation
import JWTKit
import NIOConcurrencyHelpers
import UsherCore
import Vapor

/// Usher as a relying party of an upstream OpenID provider: discovery, the code exchange, and
/// the ID token checks (signature against the provider's JWKS, `iss`, `aud`, `exp`, `nonce`).
enum UpstreamOIDC {
    struct Metadata: Codable, Sendable {
        var issuer: String
        var authorization_endpoint: String
        var token_endpoint: String
        var jwks_uri: String
    }

    static func failure(_ detail: String) -> UsherError {
        UsherError(
            status: 502, errorKey: .federationUpstreamFailed, title: "The identity provider did not answer as expected", detail: detail)
    }

    static func discover(_ issuer: String, client: any Client) async throws -> Metadata {
        let base = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        let response: ClientResponse
        do {
            let url = base + "/.well-known/openid-configuration"
            response = try await OperationsSpans.upstream("discovery", url: url) { trace in
                try await client.get(URI(string: url)) {
                    $0.headers.add(contentsOf: trace)
                    $0.timeout = .seconds(5)
                }
            }
        } catch {
            throw UsherError.badRequest(
                .federationDiscoveryFailed, "The identity provider at \(base) cannot be reached (\(error)). Check the issuer URL.",
                fieldErrors: [FieldError("issuer", "cannot be reached")])
        }
        guard response.status == .ok, let metadata = try? response.content.decode(Metadata.self, using: JSONDecoder()) else {
            throw UsherError.badRequest(
                .federationDiscoveryFailed,
                "\(base)/.well-known/openid-configuration is not an OpenID provider configuration (HTTP \(response.status.code)).",
                fieldErrors: [FieldError("issuer", "has no OpenID configuration")])
        }
        guard metadata.issuer == base || metadata.issuer == issuer else {
            throw UsherError.badRequest(
                .federationIssuerMismatch, "The provider calls itself '\(metadata.issuer)', not '\(base)'.",
                fieldErrors: [FieldError("issuer", "does not match the provider's own issuer")])
        }
        return metadata
    }

    /// The verified claims of an upstream ID token.
    struct Claims: Sendable {
        var issuer: String
        var subject: String
        var values: [String: JSONValue]

        func string(_ name: String) -> String? {
            if case .string(let s)? = values[name], !s.isEmpty { return s }
            return nil
        }

        /// `email_verified` is a boolean, though some providers send the string "true".
        var emailVerified: Bool {
            switch values["email_verified"] {
            case .bool(let b)?: b
            case .string(let s)?: s == "true"
            default: false
            }
        }
    }

    private struct IDTokenPayload: JWTPayload {
        var iss: IssuerClaim
        var sub: SubjectClaim
        var aud: AudienceClaim
        var exp: ExpirationClaim
        var nonce: String?
        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired(currentDate: Date().addingTimeInterval(-60))  // a minute of clock skew
        }
    }

    /// Exchanges the code and checks the ID token; any failure is refused with a clear message.
    static func finish(
        provider: ExternalLoginProviderModel, code: String, codeVerifier: String, nonce: String, redirectURI: String,
        client: any Client, logger: Logger
    ) async throws -> Claims {
        let metadata = try await discover(provider.issuer, client: client)
        let tokenResponse: ClientResponse
        do {
            tokenResponse = try await OperationsSpans.upstream("token", url: metadata.token_endpoint) { trace in
                try await client.post(URI(string: metadata.token_endpoint)) { out in
                    out.headers.add(contentsOf: trace)
                    out.headers.basicAuthorization = .init(
                        username: provider.clientId.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? provider.clientId,
                        password: provider.clientSecret.addingPercentEncoding(withAllowedCharacters: .alphanumerics)
                            ?? provider.clientSecret)
                    try out.content.encode(
                        ["grant_type": "authorization_code", "code": code, "redirect_uri": redirectURI, "code_verifier": codeVerifier],
                        as: .urlEncodedForm)
                    out.timeout = .seconds(10)
                }
            }
        } catch {
            throw failure("\(provider.name) could not be reached to finish the sign-in. Try again in a moment.")
        }
        struct Tokens: Decodable { var id_token: String? }
        guard tokenResponse.status == .ok, let idToken = (try? tokenResponse.content.decode(Tokens.self, using: JSONDecoder()))?.id_token
        else {
            logger.warning(
                "Upstream token request failed",
                metadata: ["provider": .string(provider.name), "status": .string("\(tokenResponse.status.code)")])
            throw failure("\(provider.name) refused to finish the sign-in. Go back to the application and try again.")
        }

        let jwksResponse = try await OperationsSpans.upstream("jwks", url: metadata.jwks_uri) { trace in
            try await client.get(URI(string: metadata.jwks_uri)) { $0.headers.add(contentsOf: trace) }
        }
        guard jwksResponse.status == .ok, let body = jwksResponse.body,
            let jwks = try? JSONDecoder().decode(JWKS.self, from: Data(buffer: body))
        else {
            throw failure("\(provider.name)'s signing keys could not be read.")
        }
        let keys = JWTKeyCollection()
        let payload: IDTokenPayload
        do {
            try await keys.add(jwks: jwks)
            payload = try await keys.verify(idToken, as: IDTokenPayload.self)
        } catch {
            logger.warning("Upstream ID token refused", metadata: ["provider": .string(provider.name), "reason": .string("\(error)")])
            throw failure(
                "The answer from \(provider.name) could not be verified, so Usher did not use it. Try again; if it keeps happening, tell the administrator."
            )
        }
        guard payload.iss.value == provider.issuer || payload.iss.value == metadata.issuer,
            payload.aud.value.contains(provider.clientId),
            let tokenNonce = payload.nonce, SecretToken.constantTimeEquals(tokenNonce, nonce)
        else {
            logger.warning("Upstream ID token has the wrong issuer, audience or nonce", metadata: ["provider": .string(provider.name)])
            throw failure("The answer from \(provider.name) was not made for this sign-in, so Usher did not use it.")
        }
        let parts = idToken.split(separator: ".")
        guard parts.count == 3, let data = Data(base64URLEncoded: String(parts[1])),
            let values = try? JSONDecoder().decode([String: JSONValue].self, from: data)
        else { throw failure("The answer from \(provider.name) is malformed.") }
        return Claims(issuer: payload.iss.value, subject: payload.sub.value, values: values)
    }
}
