import Foundation
import UsherCore
import Vapor

/// Security: no header Usher writes may carry a control character. CR or LF would end the header
/// and let whatever follows become headers of its own (a cookie, a redirect); NUL and the other
/// C0 characters and DEL are refused too. Values are validated where they are made (the console's
/// `next` for one); this is the second line: an answer that got one anyway is replaced by a 500
/// without any of its headers, and the operator is told which header was refused (not its value,
/// which may be a secret).
struct HeaderHygieneMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        let refused = Self.unsafeHeaderNames(response.headers)
        guard !refused.isEmpty else { return response }
        request.logger.error(
            "A response header held a control character; answered 500 without it",
            metadata: ["path": .string(request.url.path), "headers": .string(refused.joined(separator: ", "))])
        return ProblemMiddleware.problemResponse(Self.refusal, request: request)
    }

    static let refusal = UsherError(
        status: 500, errorKey: .serverUnsafeHeader, title: "Internal Server Error",
        detail: "The server refused to send an answer with a malformed header. The operator can find the details in the log.")

    /// The names of headers whose name or value contains a C0 control character or DEL.
    static func unsafeHeaderNames(_ headers: HTTPHeaders) -> [String] {
        headers.compactMap { name, value in
            (name + value).utf8.contains { $0 < 0x20 || $0 == 0x7F } ? name : nil
        }
    }
}
