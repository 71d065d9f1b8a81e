import Foundation
import UsherCore
import Vapor

/// The client credentials a token request carries, from HTTP Basic (RFC 6749 §2.3.1, with its
/// form-encoding of id and secret) or from the form body — never both.
struct ClientCredentials: Sendable {
    var clientId: String
    var clientSecret: String?
    var usedBasic: Bool

    static func from(_ req: Request, form: [String: String]) throws -> ClientCredentials? {
        let formId = form["client_id"]
        let formSecret = form["client_secret"]
        if let basic = req.headers.basicAuthorization {
            if formSecret != nil {
                throw OAuthError.invalidRequest("Use one client authentication method: HTTP Basic or client_secret in the body, not both.")
            }
            guard let id = basic.username.removingPercentEncoding?.replacingOccurrences(of: "+", with: " "),
                let secret = basic.password.removingPercentEncoding?.replacingOccurrences(of: "+", with: " ")
            else { throw OAuthError.invalidClient(basic: true) }
            if let formId, formId != id {
                throw OAuthError.invalidRequest("client_id in the body differs from the one in the Authorization header.")
            }
            return ClientCredentials(clientId: id, clientSecret: secret, usedBasic: true)
        }
        if req.headers.first(name: .authorization) != nil {
            throw OAuthError.invalidClient("The Authorization header is not HTTP Basic client authentication.")
        }
        guard let formId, !formId.isEmpty else { return nil }
        return ClientCredentials(clientId: formId, clientSecret: formSecret, usedBasic: false)
    }

    /// Checks a presented secret against a stored SHA-256 in constant time. Client secrets are
    /// 256-bit random strings, so a fast hash is enough (unlike passwords).
    static func secretMatches(_ presented: String?, storedHash: String?) -> Bool {
        guard let presented, let storedHash else {
            // Same work either way, so that timing does not tell which client ids exist.
            _ = SecretToken.constantTimeEquals(SecretToken.hash(presented ?? ""), String(repeating: "0", count: 64))
            return false
        }
        return SecretToken.constantTimeEquals(SecretToken.hash(presented), storedHash)
    }
}
