import Foundation
import Logging
import OTel
import ServiceLifecycle
import Tracing

/// Traces over OTLP/HTTP (swift-otel) when `OTEL_EXPORTER_OTLP_ENDPOINT` or
/// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set; the standard `OTEL_*` variables (service name,
/// resource attributes, sampler, batch delays, headers, protocol) apply. Unset, no tracer is
/// installed and spans cost next to nothing.
public final class TracingExporter: Sendable {
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(group: ServiceGroup) {
        self.group = group
        task = Task { try await group.run() }
    }

    /// Installs the OTLP tracer as the process's tracer and starts exporting, or returns nil
    /// when no endpoint is configured. Call once, before the server starts.
    public static func startIfConfigured(
        environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger
    ) throws -> TracingExporter? {
        let endpointSet = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"].contains {
            !(environment[$0]?.trimmingCharacters(in: .whitespaces).isEmpty ?? true)
        }
        guard endpointSet, environment["OTEL_SDK_DISABLED"]?.lowercased() != "true" else { return nil }
        var configuration = OTel.Configuration.default
        configuration.serviceName = "usher"
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.enabled = true
        configuration.diagnosticLogger = .custom(logger)
        configuration.diagnosticLogLevel = .warning
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        InstrumentationSystem.bootstrap(backend.factory)
        let group = ServiceGroup(
            configuration: .init(services: [backend.service], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger))
        logger.notice("Traces are exported over OTLP")
        return TracingExporter(group: group)
    }

    /// Sends the spans still queued and stops the exporter (on shutdown).
    public func shutdown() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

/// Log lines written inside a traced request carry `trace_id` and `span_id`.
public enum TraceLogMetadata {
    public static var provider: Logger.MetadataProvider { OTel.makeLoggingMetadataProvider() }
}
