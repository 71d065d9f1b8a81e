import Crypto
import Fluent
import Foundation
import UsherCore

/// The server-wide HMAC key behind signed cookies and CSRF tokens. It lives in the database so
/// that every instance shares it; the first instance to start makes it.
struct ServerSecrets: Sendable {
    let macKey: SymmetricKey
    /// The keys that seal links at rest, derived from `macKey` once rather than per email.
    let outboxLinks: OutboxLinkSealer
    let invitationLinks: OutboxLinkSealer

    init(macKey: SymmetricKey) {
        self.macKey = macKey
        outboxLinks = OutboxLinkSealer(macKey: macKey, purpose: "usher outbox link")
        invitationLinks = OutboxLinkSealer(macKey: macKey, purpose: "usher invitation link")
    }

    static func load(on db: any Database) async throws -> ServerSecrets {
        if let existing = try await ServerSecretModel.find("mac", on: db), let data = Data(base64Encoded: existing.value) {
            return ServerSecrets(macKey: SymmetricKey(data: data))
        }
        let fresh = SymmetricKey(size: .bits256)
        let model = ServerSecretModel()
        model.id = "mac"
        model.value = fresh.withUnsafeBytes { Data($0) }.base64EncodedString()
        model.createdAt = Date()
        do {
            try await db.write { tx in try await model.create(on: tx) }
        } catch let error where error.isConstraintViolation {
            // Another instance made it at the same moment: use theirs.
        }
        guard let stored = try await ServerSecretModel.find("mac", on: db), let data = Data(base64Encoded: stored.value) else {
            throw UsherError(
                status: 500, errorKey: .secretsUnreadable, title: "Internal Server Error",
                detail: "The server secret could not be read back from the database.")
        }
        return ServerSecrets(macKey: SymmetricKey(data: data))
    }

    /// A MAC of `purpose` and `value`, base64url: the purpose keeps one kind of token from ever
    /// being accepted as another.
    func mac(_ purpose: String, _ value: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data("\(purpose)\u{0}\(value)".utf8), using: macKey)
        return Data(code).base64URLEncodedString()
    }

    func verify(_ purpose: String, _ value: String, mac candidate: String) -> Bool {
        SecretToken.constantTimeEquals(mac(purpose, value), candidate)
    }
}
