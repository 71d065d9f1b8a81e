import Foundation
import NIOCore

/// How the connection to the relay is protected.
enum SMTPTLSMode: String, Sendable, Equatable, CaseIterable {
    /// Plain text for the whole session. Only sensible for a relay on localhost or a trusted network.
    case none
    /// Connect in plain text, then upgrade with STARTTLS before anything sensitive is sent.
    /// If the server does not offer STARTTLS the session fails: silently continuing in clear
    /// text would let an attacker strip the capability and read credentials and mail.
    case startTLS
    /// TLS from the first byte (usually port 465).
    case implicitTLS

    /// The spelling used in the `tls=` query parameter of `USHER_SMTP_URL`.
    var urlValue: String {
        switch self {
        case .none: "none"
        case .startTLS: "starttls"
        case .implicitTLS: "tls"
        }
    }

    /// The port a relay conventionally listens on for this mode.
    var defaultPort: Int {
        switch self {
        case .none: 25
        case .startTLS: 587
        case .implicitTLS: 465
        }
    }
}

/// Everything needed to reach and authenticate to the outgoing mail relay.
struct SMTPConfiguration: Sendable, Equatable {
    var host: String
    var port: Int
    var tls: SMTPTLSMode
    var username: String?
    var password: String?
    /// PEM file with the CA certificate(s) of a private PKI. When set, these certificates
    /// *replace* the system trust store, so a relay with a private CA is pinned to that CA.
    /// When nil, the system trust store is used.
    var trustRootsPath: String?
    /// Turning this off accepts any certificate (and any hostname). Only for tests and
    /// emergencies: it makes TLS useless against an active attacker.
    var verifyCertificates: Bool
    /// The name we announce in EHLO/HELO.
    var heloName: String
    /// Applies separately to the TCP connect, the TLS handshake and each reply we wait for.
    var timeout: TimeAmount

    init(
        host: String,
        port: Int? = nil,
        tls: SMTPTLSMode = .startTLS,
        username: String? = nil,
        password: String? = nil,
        trustRootsPath: String? = nil,
        verifyCertificates: Bool = true,
        heloName: String = "localhost",
        timeout: TimeAmount = .seconds(30)
    ) {
        self.host = host
        self.port = port ?? tls.defaultPort
        self.tls = tls
        self.username = username
        self.password = password
        self.trustRootsPath = trustRootsPath
        self.verifyCertificates = verifyCertificates
        self.heloName = heloName
        self.timeout = timeout
    }

    /// Whether credentials were configured at all (a username alone counts, so that a
    /// half-configured URL fails loudly instead of silently sending unauthenticated).
    var hasCredentials: Bool { username != nil || password != nil }

    /// A description safe for logs: the password is never included.
    var redactedDescription: String {
        let scheme = tls == .implicitTLS ? "smtps" : "smtp"
        var userInfo = ""
        if let username {
            userInfo = SMTPURLCoding.encodeUserInfo(username)
            if password != nil { userInfo += ":***" }
            userInfo += "@"
        } else if password != nil {
            userInfo = ":***@"
        }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        var query = ["tls=\(tls.urlValue)"]
        if let trustRootsPath { query.append("ca=\(trustRootsPath)") }
        if !verifyCertificates { query.append("verify=false") }
        if heloName != "localhost" { query.append("helo=\(heloName)") }
        return "\(scheme)://\(userInfo)\(hostPart):\(port)?\(query.joined(separator: "&"))"
    }

    /// Parses `USHER_SMTP_URL`:
    /// `smtp[s]://[user[:password]@]host[:port][?tls=none|starttls|tls&ca=/path.pem&verify=false&helo=name&timeout=seconds]`.
    ///
    /// The URL is split by hand rather than with `URLComponents` because passwords
    /// routinely contain characters (`@`, `#`, `/`) that Foundation's parser rejects or
    /// misplaces, and because error messages must be built without ever quoting the input.
    static func parse(_ url: String) throws -> SMTPConfiguration {
        let trimmed = url.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw SMTPConfigurationError("USHER_SMTP_URL is empty; expected smtp://[user:password@]host[:port][?tls=starttls]")
        }

        guard let schemeEnd = trimmed.range(of: "://") else {
            throw SMTPConfigurationError("USHER_SMTP_URL must start with smtp:// or smtps://")
        }
        let scheme = trimmed[..<schemeEnd.lowerBound].lowercased()
        let schemeImpliesTLS: Bool
        switch scheme {
        case "smtp": schemeImpliesTLS = false
        case "smtps": schemeImpliesTLS = true
        default:
            throw SMTPConfigurationError("USHER_SMTP_URL has scheme '\(scheme.prefix(16))'; only smtp:// and smtps:// are supported")
        }

        var rest = trimmed[schemeEnd.upperBound...]
        if rest.contains("#") {
            // A '#' is usually an unencoded character in the password; treating it as a
            // fragment would silently truncate the password.
            throw SMTPConfigurationError("USHER_SMTP_URL contains '#'; percent-encode it as %23 (e.g. in the password)")
        }
        var queryString: Substring?
        if let questionMark = rest.firstIndex(of: "?") {
            // The query starts at the first '?' after the last '@', so that a '?' inside the
            // password does not start the query early.
            let lastAt = rest.lastIndex(of: "@")
            if let lastAt, lastAt > questionMark {
                throw SMTPConfigurationError("USHER_SMTP_URL has a '?' in the user or password; percent-encode it as %3F")
            }
            queryString = rest[rest.index(after: questionMark)...]
            rest = rest[..<questionMark]
        }
        var authority = rest
        if let slash = rest.firstIndex(of: "/") {
            let path = rest[slash...]
            guard path == "/" else {
                throw SMTPConfigurationError(
                    "USHER_SMTP_URL must not have a path after the host (found '/...'); percent-encode '/' in the password as %2F")
            }
            authority = rest[..<slash]
        }

        // Credentials: everything before the last '@'. An unencoded '@' in a password is
        // thereby tolerated, which is what operators expect.
        var username: String?
        var password: String?
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            authority = authority[authority.index(after: at)...]
            let rawUser: Substring
            var rawPassword: Substring?
            if let colon = userInfo.firstIndex(of: ":") {
                rawUser = userInfo[..<colon]
                rawPassword = userInfo[userInfo.index(after: colon)...]
            } else {
                rawUser = userInfo
            }
            guard let decodedUser = String(rawUser).removingPercentEncoding else {
                throw SMTPConfigurationError("USHER_SMTP_URL has an invalid percent-encoding in the user name")
            }
            guard !decodedUser.isEmpty else {
                throw SMTPConfigurationError("USHER_SMTP_URL has credentials but an empty user name")
            }
            username = decodedUser
            if let rawPassword {
                guard let decodedPassword = String(rawPassword).removingPercentEncoding else {
                    throw SMTPConfigurationError("USHER_SMTP_URL has an invalid percent-encoding in the password")
                }
                password = decodedPassword
            }
        }

        // Host and port; IPv6 literals come in brackets.
        var host: String
        var portString: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw SMTPConfigurationError("USHER_SMTP_URL has an IPv6 host without a closing ']'")
            }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let afterHost = authority[authority.index(after: close)...]
            if !afterHost.isEmpty {
                guard afterHost.hasPrefix(":") else {
                    throw SMTPConfigurationError("USHER_SMTP_URL has unexpected characters after the IPv6 host")
                }
                portString = afterHost.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            portString = authority[authority.index(after: colon)...]
        } else {
            host = String(authority)
        }
        host = host.removingPercentEncoding ?? host
        guard !host.isEmpty else {
            throw SMTPConfigurationError("USHER_SMTP_URL has no host")
        }
        guard host.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && !"/@?#<>\"".unicodeScalars.contains($0) }) else {
            throw SMTPConfigurationError("USHER_SMTP_URL has an invalid character in the host")
        }
        var port: Int?
        if let portString {
            guard let value = Int(portString), (1...65535).contains(value), portString.allSatisfy(\.isASCIIDigit) else {
                throw SMTPConfigurationError("USHER_SMTP_URL has an invalid port '\(portString.prefix(8))'; expected 1-65535")
            }
            port = value
        }

        // Query parameters.
        var tls: SMTPTLSMode = schemeImpliesTLS ? .implicitTLS : .startTLS
        var trustRootsPath: String?
        var verify = true
        var helo = "localhost"
        var timeout: TimeAmount = .seconds(30)
        var seen = Set<String>()
        if let queryString, !queryString.isEmpty {
            for pair in queryString.split(separator: "&", omittingEmptySubsequences: true) {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = String(parts[0]).lowercased()
                guard parts.count == 2 else {
                    throw SMTPConfigurationError("USHER_SMTP_URL query parameter '\(key.prefix(20))' has no value")
                }
                guard let value = String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                    throw SMTPConfigurationError("USHER_SMTP_URL query parameter '\(key.prefix(20))' has an invalid percent-encoding")
                }
                guard seen.insert(key).inserted else {
                    throw SMTPConfigurationError("USHER_SMTP_URL query parameter '\(key.prefix(20))' is given twice")
                }
                switch key {
                case "tls":
                    switch value.lowercased() {
                    case "none", "plain", "false": tls = .none
                    case "starttls": tls = .startTLS
                    case "tls", "ssl", "implicit": tls = .implicitTLS
                    default:
                        throw SMTPConfigurationError("USHER_SMTP_URL has tls=\(value.prefix(20)); expected none, starttls or tls")
                    }
                    if schemeImpliesTLS && tls != .implicitTLS {
                        throw SMTPConfigurationError(
                            "USHER_SMTP_URL uses smtps:// (implicit TLS) but says tls=\(tls.urlValue); use smtp:// for that")
                    }
                case "ca":
                    guard !value.isEmpty else {
                        throw SMTPConfigurationError("USHER_SMTP_URL has an empty ca= path")
                    }
                    trustRootsPath = value
                case "verify":
                    switch value.lowercased() {
                    case "true", "1", "yes", "on": verify = true
                    case "false", "0", "no", "off": verify = false
                    default:
                        throw SMTPConfigurationError("USHER_SMTP_URL has verify=\(value.prefix(20)); expected true or false")
                    }
                case "helo", "ehlo":
                    guard !value.isEmpty, value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
                        throw SMTPConfigurationError("USHER_SMTP_URL has an invalid helo= name; expected a host name without spaces")
                    }
                    helo = value
                case "timeout":
                    guard let seconds = Double(value), seconds > 0, seconds <= 3600 else {
                        throw SMTPConfigurationError("USHER_SMTP_URL has timeout=\(value.prefix(20)); expected seconds between 0 and 3600")
                    }
                    timeout = .milliseconds(Int64(seconds * 1000))
                default:
                    throw SMTPConfigurationError(
                        "USHER_SMTP_URL has unknown query parameter '\(key.prefix(20))'; known: tls, ca, verify, helo, timeout")
                }
            }
        }

        if password != nil && (username ?? "").isEmpty {
            throw SMTPConfigurationError("USHER_SMTP_URL has a password but no user name")
        }

        return SMTPConfiguration(
            host: host,
            port: port,
            tls: tls,
            username: username,
            password: password,
            trustRootsPath: trustRootsPath,
            verifyCertificates: verify,
            heloName: helo,
            timeout: timeout
        )
    }
}

// Interpolating the configuration into a log line must not leak the password, so the
// default descriptions and the mirror used by `dump` all go through the redacted form.
extension SMTPConfiguration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String { redactedDescription }
    var debugDescription: String { "SMTPConfiguration(\(redactedDescription))" }
    var customMirror: Mirror {
        Mirror(self, children: ["redacted": redactedDescription], displayStyle: .struct)
    }
}

/// Something is wrong with `USHER_SMTP_URL`. The message is meant for an operator and
/// never contains the password.
struct SMTPConfigurationError: Error, CustomStringConvertible, Equatable {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// Percent-encoding helpers kept private to this feature so nothing leaks into the module namespace.
enum SMTPURLCoding {
    static func encodeUserInfo(_ value: String) -> String {
        var allowed = CharacterSet.urlUserAllowed
        allowed.remove(charactersIn: ":@/?#[]")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
