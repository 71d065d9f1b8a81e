import Fluent
import Foundation
import Tracing
import UsherCore
import Vapor

/// Email delivery as the metrics and traces see it: one span per batch handed to the transport,
/// its duration, and each email's outcome. Never a recipient, a subject or a body.
struct InstrumentedMailTransport: MailTransport {
    let base: any MailTransport
    let telemetry: Telemetry

    var name: String { base.name }
    var keepsDeliveredEmails: Bool { base.keepsDeliveredEmails }

    func deliver(_ batch: [OutboxMessageModel]) async -> [DeliveryOutcome] {
        let started = ContinuousClock.now
        let outcomes = await withSpan(base.name == "mailbox" ? "mailbox deliver" : "smtp deliver", ofKind: .client) { span in
            span.attributes["usher.email.transport"] = base.name
            span.attributes["usher.email.batch_size"] = batch.count
            let outcomes = await base.deliver(batch)
            let failed = outcomes.filter { if case .sent = $0 { false } else { true } }.count
            span.attributes["usher.email.not_sent"] = failed
            if failed > 0 { span.setStatus(.init(code: .error)) }
            return outcomes
        }
        telemetry.time(.emailSendDuration, [("transport", base.name)], ContinuousClock.now - started)
        for outcome in outcomes {
            let label: String
            switch outcome {
            case .sent: label = "sent"
            case .transient: label = "retry"
            case .permanent: label = "failed"
            }
            telemetry.count(.emailDeliveries, [("transport", base.name), ("outcome", label)])
        }
        return outcomes
    }
}

enum OperationsSpans {
    /// A database transaction (`Database.write`): a client span, and its duration.
    ///
    /// The drivers call the transaction's body from an event loop callback, outside the task
    /// that asked for it, where task-local values are gone. The wrapper carries the request's
    /// trace context, telemetry and audit record over, so the span is the request's child and
    /// the audited changes are counted.
    static func transaction<T: Sendable>(
        sqlite: Bool, _ body: @escaping @Sendable (any Database) async throws -> T
    ) -> @Sendable (any Database) async throws -> T {
        let telemetry = Telemetry.current
        let record = RequestRecord.current
        let context = ServiceContext.current ?? .topLevel
        return { db in
            let started = ContinuousClock.now
            let system = sqlite ? "sqlite" : "postgresql"
            defer { telemetry?.time(.databaseTransactionDuration, [("db_system", system)], ContinuousClock.now - started) }
            return try await Telemetry.$current.withValue(telemetry) {
                try await RequestRecord.$current.withValue(record) {
                    try await ServiceContext.withValue(context) {
                        try await withSpan("db.transaction", context: context, ofKind: .client) { span in
                            span.attributes["db.system"] = system
                            span.attributes["db.operation.name"] = "TRANSACTION"
                            return try await body(db)
                        }
                    }
                }
            }
        }
    }

    /// A call to an upstream OpenID Connect provider: a client span named for the step, whose
    /// context goes out as `traceparent` (W3C) in the request's headers, so the provider's own
    /// trace continues this one. The attributes name the host only: no path, query or token.
    static func upstream<T: Sendable>(
        _ step: String, url: String, _ call: (_ traceHeaders: HTTPHeaders) async throws -> T
    ) async throws -> T {
        try await withSpan("oidc.upstream \(step)", ofKind: .client) { span in
            if let host = URLComponents(string: url)?.host { span.attributes["server.address"] = host }
            var headers = HTTPHeaders()
            InstrumentationSystem.instrument.inject(span.context, into: &headers, using: HTTPHeadersInjector())
            return try await call(headers)
        }
    }

    /// One password hash or check on the hashing threads: a span, and its duration (queueing
    /// for a thread included, which is what a request waits).
    static func passwordHash<T: Sendable>(_ operation: String, _ work: () async throws -> T) async throws -> T {
        let telemetry = Telemetry.current
        let started = ContinuousClock.now
        do {
            let result = try await withSpan("password.\(operation)", ofKind: .internal) { _ in try await work() }
            telemetry?.time(.passwordHashDuration, [("operation", operation)], ContinuousClock.now - started)
            return result
        } catch let error as UsherError where error.errorKey == .serverBusy {
            telemetry?.count(.passwordHashRefusals)
            throw error
        }
    }
}
