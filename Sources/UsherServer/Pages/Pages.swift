import Foundation
import UsherCore
import Vapor

/// Server-rendered pages. Every page goes through the `page/layout` template, so an operator
/// can restyle them all in one file.
enum Pages {
    /// A page as a response: HTML, never cached, never framed. Its forms may submit only to Usher
    /// itself and to `formTargets` (URLs a form's answer redirects to: the application's
    /// redirect URI, an upstream provider), so injected markup cannot post to another host.
    static func render(
        _ template: String, _ context: some PageContext, request: Request, status: HTTPResponseStatus = .ok, formTargets: [String] = []
    ) -> Response {
        response(html: request.usher.templates.render(template, context), status: status, formTargets: formTargets)
    }

    private static func response(html: String, status: HTTPResponseStatus, formTargets: [String]) -> Response {
        let response = Response(status: status, body: .init(string: html))
        response.headers.contentType = .html
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        response.headers.replaceOrAdd(
            name: "Content-Security-Policy",
            value: "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
                + "form-action \(formActionSources(formTargets)); frame-ancestors 'none'; base-uri 'none'")
        return response
    }

    /// `'self'` plus the origin of each target (a scheme source for an app's own scheme, such as
    /// `com.example.app:`). Chromium checks form-action on the redirects after a submission too.
    static func formActionSources(_ targets: [String]) -> String {
        var sources = ["'self'"]
        for target in targets {
            guard let url = URLComponents(string: target), let scheme = url.scheme?.lowercased(),
                scheme.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || "+-.".unicodeScalars.contains($0) })
            else { continue }
            let source: String
            if let host = url.host, !host.isEmpty, scheme == "http" || scheme == "https" {
                // Hosts from stored configuration, still kept to the characters a host may have.
                guard
                    host.unicodeScalars.allSatisfy({
                        $0.isASCII && (CharacterSet.alphanumerics.contains($0) || ".-[]:".unicodeScalars.contains($0))
                    })
                else { continue }
                source = "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
            } else {
                source = "\(scheme):"
            }
            if !sources.contains(source) { sources.append(source) }
        }
        return sources.joined(separator: " ")
    }

    /// A readable page for a person who hit an error: what happened and what to do, never a trace.
    /// An invitation link's dead end speaks the page's language and offers a way on; so do an
    /// emailed link's dead end, an expired form or page and a rate limit (PageRefusal), except
    /// in the console. Any other error is shown as it is, in English, and says so in `lang`.
    static func errorPage(_ error: UsherError, request: Request) -> Response {
        if error.errorKey == .signInEmailNotVerified, let stopped = request.stoppedForVerification {
            return EmailVerificationResend.page(request, stopped, resent: false)
        }
        var context = ErrorPage(error)
        if let refusal = InvitationLinkRefusal(errorKey: error.errorKey) {
            let language = request.pageLanguage
            (context.title, context.detail) = language.strings.refusal(refusal)
            context.lang = language.rawValue
            context.wayOn = ErrorPageWayOn.forRefusal(
                refusal, application: request.pageApplication, issuer: request.usher.config.issuer, strings: language.strings)
        } else if let refusal = PageRefusal(error), !request.isConsolePage {
            let language = request.pageLanguage
            (context.title, context.detail) = refusal.text(language.strings, retryAfter: error.retryAfter)
            context.lang = language.rawValue
        }
        let response = render("page/error", context, request: request, status: HTTPResponseStatus(statusCode: error.status))
        if let retryAfter = error.retryAfter { response.headers.replaceOrAdd(name: .retryAfter, value: String(retryAfter)) }
        return response
    }
}

/// `page/error`: what went wrong and, for a refused form, which fields.
struct ErrorPage: PageContext {
    struct FieldMessage {
        var field: String
        var message: String
    }

    var title: String
    var lang = PageLanguage.english.rawValue
    var detail: String
    var status: Int
    /// Nil when no field was at fault, so `{{#fieldErrors}}` shows nothing.
    var fieldErrors: [FieldMessage]?
    var wayOn: ErrorPageWayOn?

    init(_ error: UsherError) {
        title = error.title
        detail = error.detail
        status = error.status
        fieldErrors = error.fieldErrors.isEmpty ? nil : error.fieldErrors.map { FieldMessage(field: $0.field, message: $0.message) }
    }
}
