import Crypto
import Foundation
import UsherCore

/// Security: no usable invitation link at rest (issue 14, item 3). An outbox row keeps its
/// email with a placeholder where the link's token goes, and the token itself sealed (AES-GCM,
/// with a key derived from the server secret) in `link_secret`. The OutboxWorker opens it and
/// puts the token in at send time; the local mailbox in the console does the same at display
/// time. Everyone else — the mailbox API, the database, its backups without the server secret,
/// SQL logs — sees `login_hint=[hidden]`.
///
/// The sealed token is dropped once it cannot be needed any more: sent through SMTP, failed,
/// cancelled, or its invitation resent, revoked, accepted or expired (`Outbox.forgetLinks`,
/// `Outbox.dropDeadLinks`). The local mailbox keeps it while the invitation is pending: there
/// the mailbox is the delivery.
struct OutboxLinkSealer: Sendable {
    private let key: SymmetricKey

    /// Bump with the key's purpose; old secrets then no longer open, and their emails fail
    /// instead of going out with a wrong link.
    private static let version = "v1"

    /// The outbox's sealer, derived once per server secret (`ServerSecrets.outboxLinks`).
    init(secrets: ServerSecrets) {
        self = secrets.outboxLinks
    }

    /// Derives the key: `ServerSecrets` does it once per purpose, not every email (issue 21).
    init(macKey: SymmetricKey, purpose: String) {
        // Its own key, so that a MAC of the cookie key can never be read as this one and back.
        key = HKDF<SHA256>.deriveKey(inputKeyMaterial: macKey, info: Data("\(purpose) \(Self.version)".utf8), outputByteCount: 32)
    }

    /// The sealer of the token an invitation keeps for its reminders (`invitations.link_secret`,
    /// authenticated with the invitation's id): a key of its own, apart from the outbox's.
    static func forInvitations(_ secrets: ServerSecrets) -> OutboxLinkSealer {
        secrets.invitationLinks
    }

    /// The email's id is authenticated with the token: a sealed token moved to another row does not open.
    func seal(token: String, messageId: UUID) throws -> String {
        let box = try AES.GCM.seal(Data(token.utf8), using: key, authenticating: Data(messageId.idString.utf8))
        guard let combined = box.combined else {
            throw UsherError(
                status: 500, errorKey: .outboxSealFailed, title: "Internal Server Error", detail: "The invitation link could not be sealed."
            )
        }
        return "\(Self.version).\(combined.base64URLEncodedString())"
    }

    /// The token, or nil when `sealed` was made for another email, with another key, or is damaged.
    func open(_ sealed: String, messageId: UUID) -> String? {
        let parts = sealed.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, parts[0] == Self.version, let data = Data(base64URLEncoded: String(parts[1])),
            let box = try? AES.GCM.SealedBox(combined: data),
            let plain = try? AES.GCM.open(box, using: key, authenticating: Data(messageId.idString.utf8))
        else { return nil }
        return String(data: plain, encoding: .utf8)
    }
}

/// Where an email's link token stands in its stored text, and how each reader sees it.
enum OutboxLink {
    /// What API callers and anyone without the server secret read instead of the token.
    static let hidden = "[hidden]"

    /// Stands for the token in the stored email. It names the email, whose id is random and made
    /// after the invitation's fields were given, so no name or metadata can contain it and have
    /// the token put in a place of its choosing.
    static func placeholder(messageId: UUID) -> String { "[hidden:\(messageId.idString)]" }

    /// Takes `token` out of every part of an email, leaving the placeholder.
    static func hide(_ token: String, in email: ComposedEmail, messageId: UUID) -> ComposedEmail {
        let placeholder = placeholder(messageId: messageId)
        var hidden = email
        hidden.subject = email.subject.replacingEvery(token, with: placeholder)
        hidden.text = email.text.replacingEvery(token, with: placeholder)
        hidden.html = email.html.replacingEvery(token, with: placeholder)
        return hidden
    }

    /// Puts `token` back where the placeholder stands.
    static func reveal(_ token: String, in text: String, messageId: UUID) -> String {
        text.replacingEvery(placeholder(messageId: messageId), with: token)
    }

    /// The text as API callers see it: the placeholder, and any invitation token that predates
    /// the placeholders, shown as `[hidden]`.
    static func masked(_ text: String, messageId: UUID) -> String {
        maskTokens(text.replacingEvery(placeholder(messageId: messageId), with: hidden))
    }

    /// Replaces every invitation token (`inv_` and its base64url characters) with `replacement`.
    static func maskTokens(_ text: String, with replacement: String = hidden) -> String {
        tokens(in: text).reduce(text) { $0.replacingEvery($1, with: replacement) }
    }

    /// The invitation tokens that appear in `text`, each once, in order.
    static func tokens(in text: String) -> [String] {
        let prefix = Array(InvitationService.tokenPrefix.utf8)
        let bytes = Array(text.utf8)
        var found: [String] = []
        var i = 0
        while i + prefix.count <= bytes.count {
            guard bytes[i..<(i + prefix.count)].elementsEqual(prefix) else {
                i += 1
                continue
            }
            var end = i + prefix.count
            while end < bytes.count, isBase64URL(bytes[end]) { end += 1 }
            // A real token has 43 characters after its prefix; shorter runs are ordinary words.
            if end - i - prefix.count >= 40, let token = String(bytes: bytes[i..<end], encoding: .utf8), !found.contains(token) {
                found.append(token)
            }
            i = end
        }
        return found
    }

    private static func isBase64URL(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x5F
    }
}
