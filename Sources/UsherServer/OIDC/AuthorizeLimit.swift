import Foundation
import Vapor

extension RateLimiter {
    /// Authorization requests per client address that get as far as writing a row (a sign-in or
    /// sign-up flow, or a code). Generous, since a whole office may share one address; it bounds
    /// what one address can add to `login_flows` (rows live 30 minutes, then are swept).
    static let authorizePerAddress = Rule(name: "authorize-ip", limit: 300, window: 600)
}

/// Security: an anonymous `/oauth2/authorize` stores the request (a `login_flows` row) so that any
/// instance can finish it and a flow id seen in a URL is useless in another browser. Without a
/// limit, a script could add rows as fast as it can send requests; with it, each client address
/// adds at most `authorizePerAddress.limit` rows per window.
enum AuthorizeLimit {
    static func hit(_ req: Request) async throws {
        try await req.usher.rateLimiter.hit(RateLimiter.authorizePerAddress, key: req.clientAddress, on: req.db)
    }
}
