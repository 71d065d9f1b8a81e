import Foundation
import UsherCore
import Vapor

/// The `Idempotency-Key` request header (IETF httpapi draft): a client's name for one intended
/// change, so that sending it again — after a timeout, a lost answer, a double-click — makes the
/// change once and answers the same every time.
struct IdempotencyKey: Sendable, Equatable {
    static let header = "Idempotency-Key"
    static let maxLength = 255

    var value: String

    /// 1 to 255 printable ASCII characters; the draft's structured-field quotes are taken off.
    init?(_ raw: String) {
        var v = raw.trimmingCharacters(in: .whitespaces)
        if v.count >= 2, v.hasPrefix("\""), v.hasSuffix("\"") { v = String(v.dropFirst().dropLast()) }
        guard (1...Self.maxLength).contains(v.utf8.count), v.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else { return nil }
        value = v
    }

    /// The request's key, nil without one; a malformed or repeated one is a 400.
    static func from(_ headers: HTTPHeaders) throws -> IdempotencyKey? {
        let values = headers[header]
        guard let raw = values.first else { return nil }
        guard values.count == 1, let key = IdempotencyKey(raw) else {
            throw UsherError.badRequest(
                .idempotencyKeyInvalid, "Idempotency-Key must be sent once, as 1 to 255 printable ASCII characters.",
                fieldErrors: [FieldError(header, "must be 1 to 255 printable ASCII characters")])
        }
        return key
    }
}
