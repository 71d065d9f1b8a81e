import Crypto
import Foundation
import UsherCore

/// An endpoint's signing secret, as Standard Webhooks shapes it: `whsec_` and the base64 of 32
/// random bytes (the HMAC key is the decoded bytes). Shown once, when created or rotated.
///
/// Security: stored sealed (AES-GCM under a key derived from the server secret, authenticated
/// with the endpoint's id), so a database dump alone cannot sign a delivery.
struct WebhookSecret: Sendable {
    static let prefix = "whsec_"

    static func generate() -> String {
        prefix + Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64EncodedString()
    }

    /// The HMAC key of a `whsec_` secret (the part after the prefix, base64-decoded).
    static func key(of secret: String) -> SymmetricKey? {
        let encoded = secret.hasPrefix(prefix) ? String(secret.dropFirst(prefix.count)) : secret
        guard let bytes = Data(base64Encoded: encoded), !bytes.isEmpty else { return nil }
        return SymmetricKey(data: bytes)
    }
}

/// Seals and opens endpoint secrets with the server secret (as OutboxLinkSealer seals links).
struct WebhookSecretSealer: Sendable {
    private let key: SymmetricKey
    private static let version = "v1"

    init(secrets: ServerSecrets) {
        key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: secrets.macKey, info: Data("usher webhook secret \(Self.version)".utf8), outputByteCount: 32)
    }

    func seal(_ secret: String, endpointId: UUID) throws -> String {
        let box = try AES.GCM.seal(Data(secret.utf8), using: key, authenticating: Data(endpointId.idString.utf8))
        guard let combined = box.combined else {
            throw UsherError(
                status: 500, errorKey: .outboxSealFailed, title: "Internal Server Error", detail: "The secret could not be sealed.")
        }
        return "\(Self.version).\(combined.base64URLEncodedString())"
    }

    /// The secret, or nil when sealed for another endpoint, with another server secret, or damaged.
    func open(_ sealed: String, endpointId: UUID) -> String? {
        let parts = sealed.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, parts[0] == Self.version, let data = Data(base64URLEncoded: String(parts[1])),
            let box = try? AES.GCM.SealedBox(combined: data),
            let plain = try? AES.GCM.open(box, using: key, authenticating: Data(endpointId.idString.utf8))
        else { return nil }
        return String(data: plain, encoding: .utf8)
    }
}

/// Standard Webhooks signing: `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`.
enum WebhookSignature {
    static func sign(secret: String, id: String, timestamp: Int, body: String) -> String? {
        guard let key = WebhookSecret.key(of: secret) else { return nil }
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(id).\(timestamp).\(body)".utf8), using: key)
        return "v1," + Data(mac).base64EncodedString()
    }

    /// The three headers of one attempt.
    static func headers(secret: String, id: String, at: Date, body: String) -> [(String, String)]? {
        let timestamp = Int(at.timeIntervalSince1970)
        guard let signature = sign(secret: secret, id: id, timestamp: timestamp, body: body) else { return nil }
        return [("webhook-id", id), ("webhook-timestamp", String(timestamp)), ("webhook-signature", signature)]
    }
}
