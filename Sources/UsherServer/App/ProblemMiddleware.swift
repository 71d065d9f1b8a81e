import Foundation
import UsherCore
import Vapor

/// `application/problem+json` (RFC 9457), with the fields the Strivacity API uses.
struct Problem: Content {
    var type: String
    var title: String
    var status: Int
    var detail: String
    var errorKey: String
    var message: String
    var path: String
    var fieldErrors: [FieldError]
    var conflictingId: String?
}

extension Problem {
    /// The body of `error`, answered at `path`: the one place an `UsherError` becomes
    /// problem+json fields (`/health/ready` adds its checks to the same body).
    init(_ error: UsherError, path: String) {
        self.init(
            type: "about:blank", title: error.title, status: error.status, detail: error.detail,
            errorKey: error.errorKey.rawValue, message: "error.\(error.errorKey)", path: path,
            fieldErrors: error.fieldErrors, conflictingId: error.conflictingId)
    }
}

/// Turns every error into an answer that helps: problem+json for API callers, a readable page
/// for people. This is the one place where errors become HTTP.
struct ProblemMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            var usherError = Self.usherError(from: error, request: request)
            // Vapor answers an unknown method on a known path with 404; HTTP says 405 with Allow.
            if usherError.errorKey == .routeNotFound {
                let allowed = Self.allowedMethods(for: request)
                if !allowed.isEmpty {
                    usherError = UsherError(
                        status: 405, errorKey: .routeMethodNotAllowed, title: "Method Not Allowed",
                        detail: "\(request.method.rawValue) is not allowed here; use \(allowed.joined(separator: ", ")).")
                    let response =
                        Self.wantsHTML(request)
                        ? Pages.errorPage(usherError, request: request) : Self.problemResponse(usherError, request: request)
                    response.headers.replaceOrAdd(name: .allow, value: allowed.joined(separator: ", "))
                    return response
                }
            }
            if Self.wantsHTML(request) {
                return Pages.errorPage(usherError, request: request)
            }
            return Self.problemResponse(usherError, request: request)
        }
    }

    /// The methods routes accept at this path (with parameters matching anything).
    static func allowedMethods(for request: Request) -> [String] {
        let parts = request.url.path.split(separator: "/").map(String.init)
        // The resource a path names is the most specific pattern that matches it, as in the
        // router, where a constant segment wins over a parameter: `/invite/stats` is the stats
        // resource (GET), not the invitation `/invite/:id` (GET, PATCH, DELETE).
        var matching: [(mask: String, method: String)] = []
        for route in request.application.routes.all where route.path.count == parts.count {
            let matches = zip(route.path, parts).allSatisfy { component, part in
                switch component {
                case .constant(let c): return c == part
                case .parameter, .anything: return true
                case .catchall: return true
                }
            }
            guard matches else { continue }
            let mask = route.path.map { if case .constant = $0 { "1" } else { "0" } }.joined()
            matching.append((mask, route.method.rawValue))
        }
        guard let best = matching.map(\.mask).max() else { return [] }
        return Set(matching.filter { $0.mask == best }.map(\.method)).sorted()
    }

    static func wantsHTML(_ request: Request) -> Bool {
        let path = request.url.path
        if path.hasPrefix("/admin/api/") || path.hasPrefix("/oauth2/token") || path.hasPrefix("/oauth2/userinfo")
            || path.hasPrefix("/.well-known/") || path.hasPrefix("/oauth2/jwks") || path.hasPrefix("/openapi")
        {
            return false
        }
        return request.headers.accept.contains { $0.mediaType == .html } || request.method == .POST
            || request.headers.accept.isEmpty
    }

    static func problemResponse(_ error: UsherError, request: Request) -> Response {
        let problem = Problem(error, path: request.url.path)
        let response = Response(status: HTTPResponseStatus(statusCode: error.status))
        do {
            try response.content.encode(problem, as: .json)
        } catch {
            response.body = .init(string: #"{"title":"Internal Server Error","status":500}"#)
        }
        response.headers.contentType = HTTPMediaType(type: "application", subType: "problem+json")
        if let retryAfter = error.retryAfter {
            response.headers.replaceOrAdd(name: .retryAfter, value: String(retryAfter))
        }
        if error.status == 401 {
            response.headers.replaceOrAdd(name: .wwwAuthenticate, value: #"Bearer realm="usher""#)
        }
        return response
    }

    /// Maps any error to an UsherError. Unexpected errors are logged with a reference the
    /// operator can search for; the caller sees only the reference.
    static func usherError(from error: any Error, request: Request) -> UsherError {
        switch error {
        case let usher as UsherError:
            if usher.status >= 500 {
                request.logger.error("\(usher.errorKey): \(usher.detail)", metadata: ["path": .string(request.url.path)])
            }
            return usher
        case let decoding as DecodingError:
            return .badRequest(.requestMalformed, "The request body is not valid JSON for this call: \(describe(decoding)).")
        case let abort as any AbortError:
            let status = Int(abort.status.code)
            let key: ErrorKey
            switch status {
            case 404: key = .routeNotFound
            case 405: key = .routeMethodNotAllowed
            case 413: key = .requestTooLarge
            case 415: key = .requestUnsupportedMediaType
            case 429: key = .rateLimitExceeded
            default: key = ErrorKey(rawValue: "http.\(status)")
            }
            var detail = abort.reason
            if status == 404 && detail == "Not Found" { detail = "Nothing is served at \(request.method.rawValue) \(request.url.path)." }
            if status == 413 { detail = "The request body is larger than this server accepts (USHER_MAX_BODY_BYTES)." }
            if status >= 500 { request.logger.error("\(abort.reason)", metadata: ["path": .string(request.url.path)]) }
            return UsherError(status: status, errorKey: key, title: abort.status.reasonPhrase, detail: detail)
        default:
            let reference = UUID().uuidString.prefix(8).lowercased()
            request.logger.error(
                "Unexpected error while serving \(request.method.rawValue) \(request.url.path): \(String(reflecting: error))",
                metadata: ["reference": .string(String(reference))])
            return UsherError(
                status: 500, errorKey: .serverError, title: "Internal Server Error",
                detail: "Something went wrong on the server. The operator can find the details in the log under reference \(reference).")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context): return context.debugDescription
        case .keyNotFound(let key, _): return "'\(key.stringValue)' is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        @unknown default: return "unreadable"
        }
    }
}
