import Foundation

/// The operations settings (docs/operations.md): metrics, traces and log format, read from the
/// environment with the rest of the configuration.
public struct OperationsSettings: Sendable, Equatable {
    /// `USHER_METRICS=true`: `GET /metrics` on the main port.
    public var metricsOnMainPort = false
    /// `USHER_METRICS_TOKEN`: the bearer token `/metrics` on the main port asks for.
    public var metricsToken: String?
    /// `USHER_METRICS_PORT`: `/metrics` on a port of its own, without a token.
    public var metricsPort: Int?
    /// The interface the separate metrics port binds to (`usher serve --hostname`).
    public var metricsHostname = "127.0.0.1"
    /// `USHER_TRACE_PII=true`: spans may carry email addresses. Off: they never do.
    public var tracePII = false

    /// Whether anything collects metrics at all; off, recording them costs nothing.
    public var metricsEnabled: Bool { metricsOnMainPort || metricsPort != nil }

    public init() {}

    /// Reads `USHER_METRICS`, `USHER_METRICS_TOKEN`, `USHER_METRICS_PORT` and `USHER_TRACE_PII`.
    public init(environment env: [String: String], hostname: String) throws {
        func value(_ name: String) -> String? {
            guard let v = env[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        metricsOnMainPort = try Self.flag(value("USHER_METRICS"), "USHER_METRICS")
        tracePII = try Self.flag(value("USHER_TRACE_PII"), "USHER_TRACE_PII")
        if let token = value("USHER_METRICS_TOKEN") {
            guard token.count >= 16 else {
                throw UsherConfiguration.Error(
                    variable: "USHER_METRICS_TOKEN", problem: "must be at least 16 characters long (for example: openssl rand -hex 32)")
            }
            metricsToken = token
        }
        if let raw = value("USHER_METRICS_PORT") {
            guard let port = Int(raw), (1...65535).contains(port) else {
                throw UsherConfiguration.Error(variable: "USHER_METRICS_PORT", problem: "'\(raw)' must be a port between 1 and 65535")
            }
            metricsPort = port
        }
        metricsHostname = hostname
    }

    static func flag(_ raw: String?, _ name: String) throws -> Bool {
        switch raw?.lowercased() {
        case nil, "false", "off", "0", "no": return false
        case "true", "on", "1", "yes": return true
        case let other?: throw UsherConfiguration.Error(variable: name, problem: "'\(other)' is not true or false")
        }
    }
}

/// `USHER_LOG_FORMAT`: `text` (the default) or `json`, one object per line.
public enum LogFormat: String, Sendable, CaseIterable {
    case text, json

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> LogFormat {
        guard let raw = env["USHER_LOG_FORMAT"]?.trimmingCharacters(in: .whitespaces).lowercased(), !raw.isEmpty else { return .text }
        guard let format = LogFormat(rawValue: raw) else {
            throw UsherConfiguration.Error(variable: "USHER_LOG_FORMAT", problem: "'\(raw)' is not text or json")
        }
        return format
    }
}
