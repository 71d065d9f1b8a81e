import Vapor

/// An error as RFC 6749 §5.2 says the token endpoint must answer it: `{error, error_description}`.
/// The token endpoint answers these itself; they never reach the problem+json middleware.
struct OAuthError: Error, Sendable {
    var error: String
    var description: String
    var status: HTTPResponseStatus = .badRequest
    /// Set when the client authenticated with HTTP Basic: the 401 must then challenge Basic.
    var basicChallenge = false
    /// Seconds to wait, for a 429.
    var retryAfter: Int? = nil

    static func invalidRequest(_ d: String) -> OAuthError { OAuthError(error: "invalid_request", description: d) }
    static func invalidClient(_ d: String = "Client authentication failed: unknown client or wrong secret.", basic: Bool = false)
        -> OAuthError
    {
        OAuthError(error: "invalid_client", description: d, status: .unauthorized, basicChallenge: basic)
    }
    static func invalidGrant(_ d: String) -> OAuthError { OAuthError(error: "invalid_grant", description: d) }
    static func unauthorizedClient(_ d: String) -> OAuthError { OAuthError(error: "unauthorized_client", description: d) }
    static func unsupportedGrantType(_ d: String) -> OAuthError { OAuthError(error: "unsupported_grant_type", description: d) }
    static func invalidScope(_ d: String) -> OAuthError { OAuthError(error: "invalid_scope", description: d) }

    func response() -> Response {
        let response = Response(status: status)
        let body = ["error": error, "error_description": description]
        try? response.content.encode(body, as: .json)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        response.headers.replaceOrAdd(name: .pragma, value: "no-cache")
        if let retryAfter { response.headers.replaceOrAdd(name: .retryAfter, value: String(retryAfter)) }
        if status == .unauthorized {
            response.headers.replaceOrAdd(
                name: .wwwAuthenticate, value: basicChallenge ? #"Basic realm="usher""# : #"Bearer realm="usher""#)
        }
        return response
    }
}
