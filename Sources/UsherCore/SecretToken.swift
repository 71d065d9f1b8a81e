import Crypto
import Foundation

/// Random secrets handed to people and programs (invitation links, client secrets, session and
/// authorization codes). Only the SHA-256 of a secret is ever stored; the secret itself lives in
/// the link, the cookie or the client's configuration. 32 random bytes = 256 bits, so a fast
/// hash is enough: there is nothing to brute-force.
public enum SecretToken {
    public static let byteCount = 32

    /// A new secret: `prefix` + 43 characters of base64url (no padding).
    public static func generate(prefix: String = "") -> String {
        var bytes = [UInt8](repeating: 0, count: byteCount)
        var rng = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = rng.next() }
        return prefix + Data(bytes).base64URLEncodedString()
    }

    /// The stored form of a secret: lower-case hex SHA-256.
    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).hexString
    }

    /// Compares two strings without stopping at the first difference, so the time taken does
    /// not tell an attacker how much of a guess was right.
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var difference = UInt8(truncatingIfNeeded: x.count ^ y.count)
        for i in 0..<max(x.count, y.count) {
            let l = i < x.count ? x[i] : 0
            let r = i < y.count ? y[i] : 0
            difference |= l ^ r
        }
        return difference == 0
    }
}

extension Data {
    public func base64URLEncodedString() -> String {
        base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public init?(base64URLEncoded string: String) {
        var s = string.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        self.init(base64Encoded: s)
    }
}

extension Sequence where Element == UInt8 {
    public var hexString: String {
        var out = ""
        for byte in self {
            out += String(byte >> 4, radix: 16) + String(byte & 0x0F, radix: 16)
        }
        return out
    }
}

extension Digest {
    public var hexString: String { Array(self).hexString }
}
