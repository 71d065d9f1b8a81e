import Foundation
import UsherCore
import Vapor

/// Server-rendered pages. Every page goes through the `page/layout` template, so an operator
/// can restyle them all in one file.
enum Pages {
    /// A page as a response: HTML, never cached, never framed.
    static func render(_ template: String, _ context: [String: Any], request: Request, status: HTTPResponseStatus = .ok) -> Response {
        var context = context
        context["lang"] = context["lang"] ?? "en"
        let html = request.usher.templates.render(template, context)
        let response = Response(status: status, body: .init(string: html))
        response.headers.contentType = .html
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        response.headers.replaceOrAdd(
            name: "Content-Security-Policy",
            value: "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; form-action 'self' *; frame-ancestors 'none'; base-uri 'none'")
        return response
    }

    /// A readable page for a person who hit an error: what happened and what to do, never a trace.
    static func errorPage(_ error: UsherError, request: Request) -> Response {
        var context: [String: Any] = ["title": error.title, "detail": error.detail, "status": error.status]
        if !error.fieldErrors.isEmpty {
            context["fieldErrors"] = error.fieldErrors.map { ["field": $0.field, "message": $0.message] }
        }
        let response = render("page/error", context, request: request, status: HTTPResponseStatus(statusCode: error.status))
        if let retryAfter = error.retryAfter { response.headers.replaceOrAdd(name: .retryAfter, value: String(retryAfter)) }
        return response
    }
}
