import Crypto
import Foundation
import JWTKit

/// The tokens this instance has already checked the signature of, with their decoded payloads.
/// Every admin API request and every userinfo call brings the same bearer token for minutes; an
/// ES256 check and the JSON decoding behind it were about 4 % of the server's CPU per invitation
/// (issue 21). A hit still runs the payload's own claim checks (expiry, audience, use), so a
/// token stops at its `exp` exactly as before.
///
/// Security: keyed by the token's SHA-256, never by the token, and only filled after a full
/// check; the cache belongs to one load of the keys (`SigningKeys.State`), so a reload — after a
/// rotation or a retirement — starts it empty and nothing verified by an old key set outlives it.
struct VerifiedTokens: Sendable {
    struct Key: Hashable, Sendable {
        var digest: SHA256Digest
        var type: ObjectIdentifier

        init<Payload: JWTPayload>(_ token: String, _ type: Payload.Type) {
            digest = SHA256.hash(data: Array(token.utf8))
            self.type = ObjectIdentifier(type)
        }
    }

    /// Enough for every client's live token; past it the cache starts again rather than track age.
    static let capacity = 4096

    private var payloads: [Key: any JWTPayload] = [:]

    func payload<Payload: JWTPayload>(_ key: Key, as type: Payload.Type) -> Payload? {
        payloads[key] as? Payload
    }

    mutating func remember(_ payload: some JWTPayload, for key: Key) {
        if payloads.count >= Self.capacity { payloads.removeAll(keepingCapacity: true) }
        payloads[key] = payload
    }
}

/// What a cached payload's claim checks are given: their `verify(using:)` looks at claims only,
/// and this algorithm signs and verifies nothing, so a mistake that used it for a signature fails.
struct ClaimsOnlyAlgorithm: JWTAlgorithm {
    var name: String { "claims-only" }

    func sign(_ plaintext: some DataProtocol) throws -> [UInt8] {
        throw JWTError.generic(identifier: "claims-only", reason: "This algorithm only re-checks claims of a verified token.")
    }

    func verify(_ signature: some DataProtocol, signs plaintext: some DataProtocol) throws -> Bool { false }
}
