import Foundation
import UsherCore
import Vapor

extension RateLimiter {
    /// Failed client authentications at `/oauth2/token`, per client id and client address. It
    /// takes the name of the rule the operator already knows (`token-client`, changed with
    /// USHER_RATE_LIMITS=token-client=limit/seconds) but counts failures only, so a busy client
    /// with the right secret is never throttled.
    static let tokenClientFailures = Rule(name: "token-client", limit: 20, window: 600)
}

/// Security: a wrong client secret costs the guesser; the right client elsewhere is untouched.
/// The key is the presented client id plus the client's address (see `TrustedProxies`), so an
/// attacker can slow only their own guessing, never lock out the real client at its address.
/// Client secrets are 256-bit random strings, so the limit is not what keeps them safe: it keeps
/// a flood of wrong guesses from costing database reads, hashing and log lines without end.
enum ClientAuthenticationLimit {
    static func key(_ credentials: ClientCredentials, _ req: Request) -> String {
        String(credentials.clientId.prefix(200)) + "|" + req.clientAddress
    }

    /// 429 (in the RFC 6749 error format) once this client id has failed too often from here.
    static func check(_ credentials: ClientCredentials?, _ req: Request) async throws {
        guard let credentials else { return }
        do {
            try await req.usher.rateLimiter.check(RateLimiter.tokenClientFailures, key: key(credentials, req), on: req.db)
        } catch let error as UsherError where error.status == 429 {
            throw OAuthError(
                error: "invalid_client",
                description: "Too many failed client authentications for this client from this address. " + error.detail,
                status: .tooManyRequests, retryAfter: error.retryAfter)
        }
    }

    static func recordFailure(_ credentials: ClientCredentials?, _ req: Request) async throws {
        guard let credentials else { return }
        try await req.usher.rateLimiter.record(RateLimiter.tokenClientFailures, key: key(credentials, req), on: req.db)
    }
}
