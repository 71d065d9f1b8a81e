import Foundation
import UsherCore
import Vapor

/// Refuses NUL characters anywhere a request carries text: the path, the query string, a form
/// body, raw body bytes, or a JSON string (`\u0000`). No legitimate input contains one,
/// PostgreSQL cannot store one in a text column, and C-based parsers downstream may truncate at
/// one. Refusing at the door gives one clear 400 instead of a database error deep in a use case.
struct InputHygieneMiddleware: AsyncMiddleware {
    let maxBodyBytes: Int

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // The target as received (path and query): URI.path's getter copies and decodes, per request.
        if Self.containsNUL(percentEncoded: request.url.string) { throw Self.refusal }
        let contentType = request.headers.contentType  // parsed on every read: once here
        if request.method != .GET, request.method != .HEAD, contentType != nil || request.headers.first(name: .contentLength) != nil {
            // The routes collect the body anyway; collecting it here first only moves the moment.
            // A bulk invitation's file (up to 10,000 rows) has a limit of its own (BulkInvitationRoutes).
            let limit = max(maxBodyBytes, BulkInvitationRoutes.bodyLimit(path: request.url.path) ?? 0)
            let body = try await request.body.collect(max: limit).get()
            if let body, Self.bodyContainsNUL(body, contentType: contentType) {
                throw Self.refusal
            }
        }
        return try await next.respond(to: request)
    }

    static let refusal = UsherError.badRequest(
        .requestMalformed, "The request contains a NUL character (%00 or \\u0000); remove it and send the request again.")

    static func containsNUL(percentEncoded text: String) -> Bool {
        guard !text.isEmpty else { return false }
        if text.utf8.contains(0) { return true }
        return text.range(of: "%00", options: [.literal]) != nil
    }

    static func bodyContainsNUL(_ buffer: ByteBuffer, contentType: HTTPMediaType?) -> Bool {
        let bytes = buffer.readableBytesView
        if bytes.contains(0) { return true }
        if contentType == .urlEncodedForm {
            return containsNUL(percentEncoded: String(decoding: bytes, as: UTF8.self))
        }
        if let contentType, contentType.type == "application", contentType.subType == "json" || contentType.subType.hasSuffix("+json") {
            return jsonContainsEscapedNUL(Array(bytes))
        }
        return false
    }

    /// `\u0000` as an escape, not as the six characters of an escaped backslash followed by "u0000".
    static func jsonContainsEscapedNUL(_ bytes: [UInt8]) -> Bool {
        let pattern = Array("u0000".utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\") {
                if i + 5 < bytes.count, Array(bytes[(i + 1)...(i + 5)]) == pattern { return true }
                i += 2  // skip whatever this backslash escapes, including another backslash
            } else {
                i += 1
            }
        }
        return false
    }
}
