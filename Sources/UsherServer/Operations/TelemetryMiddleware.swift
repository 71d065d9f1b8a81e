import Foundation
import Instrumentation
import NIOConcurrencyHelpers
import Tracing
import UsherCore
import Vapor

/// What one request did that its metrics are made of: the changes it audited (counted once the
/// request succeeded, so a rolled-back change is not counted) and the error key it was refused with.
final class RequestRecord: Sendable {
    private let state = NIOLockedValueBox<(audits: [(AuditAction, String)], errorKey: String?)>(([], nil))

    @TaskLocal static var current: RequestRecord?

    func audited(_ action: AuditAction, actorKind: String) { state.withLockedValue { $0.audits.append((action, actorKind)) } }
    func refused(errorKey: String) { state.withLockedValue { $0.errorKey = errorKey } }
    var audits: [(AuditAction, String)] { state.withLockedValue { $0.audits } }
    var errorKey: String? { state.withLockedValue { $0.errorKey } }
}

extension Telemetry {
    /// Called by `Audit.record` for every change: counted when the request that made it succeeds,
    /// at once when no request is running (the email worker, start-up).
    static func audited(_ action: AuditAction, actorKind: String) {
        if let record = RequestRecord.current {
            record.audited(action, actorKind: actorKind)
        } else {
            current?.committed(action, actorKind: actorKind)
        }
    }
}

/// The outermost view of a request: one server span (continuing an incoming W3C `traceparent`),
/// and its count and duration by route template, method and status.
///
/// Security: the span carries the route template, never the path or the query (invitation and
/// verification links carry tokens there), nor headers, cookies or bodies.
struct TelemetryMiddleware: AsyncMiddleware {
    let telemetry: Telemetry

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let route = Self.routeTemplate(of: request)
        let method = request.method.rawValue
        let record = RequestRecord()
        var parent = ServiceContext.topLevel
        InstrumentationSystem.instrument.extract(request.headers, into: &parent, using: HTTPHeadersExtractor())
        let started = ContinuousClock.now
        return try await withSpan("\(method) \(route)", context: parent, ofKind: .server) { span in
            request.serviceContext = span.context
            span.updateAttributes { attributes in
                attributes["http.request.method"] = method
                attributes["http.route"] = route
                attributes["url.scheme"] = request.application.usher.config.isHTTPS ? "https" : "http"
                attributes["network.protocol.version"] = "\(request.version.major).\(request.version.minor)"
                attributes["usher.request_id"] = request.id
            }
            let status: Int
            let response: Response
            do {
                response = try await Telemetry.$current.withValue(telemetry) {
                    try await RequestRecord.$current.withValue(record) { try await next.respond(to: request) }
                }
                status = Int(response.status.code)
            } catch {
                finish(record, span: span, logger: request.logger, method: method, route: route, status: 500, started: started)
                throw error
            }
            finish(record, span: span, logger: request.logger, method: method, route: route, status: status, started: started)
            return response
        }
    }

    private func finish(
        _ record: RequestRecord, span: any Span, logger: Logger, method: String, route: String, status: Int,
        started: ContinuousClock.Instant
    ) {
        span.attributes["http.response.status_code"] = status
        if let key = record.errorKey {
            span.attributes["usher.error_key"] = key
            telemetry.refused(errorKey: key)
        }
        if status >= 500 { span.setStatus(.init(code: .error)) }
        if status < 400 {
            for (action, actorKind) in record.audits { telemetry.committed(action, actorKind: actorKind) }
        }
        let duration = ContinuousClock.now - started
        telemetry.httpRequest(method: method, route: route, status: status, duration: duration)
        logger.debug(
            "Request answered",
            metadata: [
                "method": .string(method), "route": .string(route), "status": .stringConvertible(status),
                "duration_ms": .stringConvertible(
                    Double(duration.components.attoseconds / 1_000_000_000_000) / 1000 + Double(duration.components.seconds) * 1000),
            ])
    }

    /// `/admin/api/v1/invitations/:id`, not `/admin/api/v1/invitations/4f…`: the label and the
    /// span name stay a small set whatever the ids. Unmatched paths are one value.
    static func routeTemplate(of request: Request) -> String {
        guard let route = request.route else { return "unmatched" }
        return "/" + route.path.map(\.description).joined(separator: "/")
    }
}

/// Sits inside ProblemMiddleware: sees the error a request failed with, before it becomes
/// problem+json, and notes its error key for the metrics and the span.
struct RefusalMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            RequestRecord.current?.refused(errorKey: ProblemMiddleware.usherError(from: error, request: request).errorKey.rawValue)
            throw error
        }
    }
}

/// Reads W3C trace context (`traceparent`, `tracestate`) and baggage from request headers.
struct HTTPHeadersExtractor: Extractor {
    func extract(key name: String, from headers: HTTPHeaders) -> String? {
        let values = headers[name]
        return values.isEmpty ? nil : values.joined(separator: ",")
    }
}

/// Writes trace context into outgoing request headers, so an upstream call continues the trace.
struct HTTPHeadersInjector: Injector {
    func inject(_ value: String, forKey name: String, into headers: inout HTTPHeaders) {
        headers.replaceOrAdd(name: name, value: value)
    }
}
