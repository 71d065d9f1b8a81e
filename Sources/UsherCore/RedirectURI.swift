import Foundation

/// Redirect URIs and login URLs of OIDC clients. Redirects are matched exactly (no wildcards,
/// no prefix matching), so what is registered must be a complete, unambiguous URI.
public enum RedirectURI {
    public static let maxLength = 2000

    /// Why `uri` cannot be registered as a redirect URI, or nil when it can.
    public static func problem(_ uri: String) -> String? {
        guard !uri.isEmpty, uri.count <= maxLength else { return "must be 1 to \(maxLength) characters" }
        guard !uri.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) else {
            return "must not contain spaces or control characters"
        }
        guard let components = URLComponents(string: uri), let scheme = components.scheme?.lowercased(), !scheme.isEmpty else {
            return "must be an absolute URI such as https://app.example.com/callback"
        }
        guard components.fragment == nil else { return "must not contain a fragment (#…)" }
        guard components.user == nil, components.password == nil else { return "must not contain user information" }
        guard !uri.contains("*") else { return "must not contain wildcards: redirect URIs are matched exactly" }
        switch scheme {
        case "https", "http":
            guard let host = components.host, !host.isEmpty else { return "must name a host" }
            if scheme == "http", let problem = plainHTTPProblem(host: host) { return problem }
        case "javascript", "data", "file", "vbscript":
            return "must not use the \(scheme): scheme"
        default:
            // Private-use schemes of native apps (RFC 8252), e.g. com.example.app:/callback.
            guard scheme.contains(".") else { return "must use https, http, or a reverse-domain private scheme" }
        }
        return nil
    }

    /// Why `url` cannot be a client's login URL (`initiate_login_uri`), or nil.
    public static func loginURLProblem(_ url: String) -> String? {
        guard !url.isEmpty, url.count <= maxLength else { return "must be 1 to \(maxLength) characters" }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "https" || scheme == "http", let host = components.host, !host.isEmpty
        else { return "must be an http(s) URL such as https://app.example.com/login" }
        guard components.fragment == nil else { return "must not contain a fragment (#…)" }
        guard components.user == nil, components.password == nil else { return "must not contain user information" }
        if scheme == "http", let problem = plainHTTPProblem(host: host) { return problem }
        return nil
    }

    /// Security: plain `http://` only for the loopback interface (RFC 8252 §7.3, OAuth 2.1 §1.5):
    /// a code or an invitation's `login_hint` sent over the network in clear can be read and used
    /// by anyone on the path.
    static func plainHTTPProblem(host: String) -> String? {
        isLoopback(host) ? nil : "must use https (http is allowed only for localhost, 127.0.0.1 and [::1])"
    }

    /// `localhost` (and names under it, RFC 6761 §6.3), 127.0.0.0/8 and ::1.
    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if h == "localhost" || h.hasSuffix(".localhost") || h == "::1" || h == "0:0:0:0:0:0:0:1" { return true }
        let octets = h.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127"
            && octets.allSatisfy { o in !o.isEmpty && o.count <= 3 && o.allSatisfy(\.isASCII) && UInt8(o) != nil }
    }

    /// Adds query parameters to a URI that may already have some.
    public static func appending(_ items: [(String, String)], to uri: String) -> String {
        guard var components = URLComponents(string: uri) else { return uri }
        var query = components.queryItems ?? []
        for (name, value) in items { query.append(URLQueryItem(name: name, value: value)) }
        components.queryItems = query
        // URLComponents leaves '+' alone in query values; encode it so it does not read as a space.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        return components.string ?? uri
    }
}
