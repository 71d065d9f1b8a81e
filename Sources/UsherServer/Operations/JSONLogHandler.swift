import Foundation
import Logging
import NIOConcurrencyHelpers

/// `USHER_LOG_FORMAT=json`: one JSON object per line, with `timestamp`, `level`, `message`,
/// `label`, `request_id` and, inside a traced request, `trace_id` and `span_id`; the rest of the
/// metadata under `metadata`.
///
/// Security: a metadata key that names a secret (password, token, secret, authorization,
/// cookie, code) has its value replaced by "[redacted]" whatever logged it; SQL bound values
/// are already dropped before they get here (Storage.swift).
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    let label: String
    let output: JSONLogOutput

    public init(label: String, output: JSONLogOutput = .standardError, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.output = output
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        // Vapor's HTTP decoder logs every request head and body part at trace level: the
        // Authorization header, cookies, passwords in forms. Those lines never go out.
        if event.level == .trace, event.message.description.hasPrefix("Decoded HTTP part") { return }
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let own = event.metadata { all.merge(own) { _, new in new } }
        output.write(Self.line(event: event, label: label, metadata: all, at: Date()))
    }

    /// Keys whose values never reach a log line.
    static let secretWords = ["password", "secret", "token", "authorization", "cookie", "code", "credential", "otp"]

    static func isSecret(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return secretWords.contains { lowered.contains($0) }
    }

    /// The one line for `event`: top-level fields in a fixed order, then the other metadata.
    static func line(event: LogEvent, label: String, metadata: Logger.Metadata, at date: Date) -> String {
        var metadata = metadata
        var fields: [(String, String)] = [
            ("timestamp", quoted(timestamp(date))),
            ("level", quoted(event.level.rawValue)),
            ("message", quoted(event.message.description)),
            ("label", quoted(label)),
        ]
        for (field, key) in [("request_id", "request-id"), ("trace_id", "trace_id"), ("span_id", "span_id")] {
            if let value = metadata.removeValue(forKey: key) { fields.append((field, quoted(value.description))) }
        }
        metadata.removeValue(forKey: "trace_flags")
        if let error = event.error { fields.append(("error", quoted(String(describing: type(of: error))))) }
        if !metadata.isEmpty { fields.append(("metadata", json(.dictionary(metadata), key: nil))) }
        return "{" + fields.map { "\(quoted($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    static func json(_ value: Logger.Metadata.Value, key: String?) -> String {
        if let key, isSecret(key) { return quoted("[redacted]") }
        switch value {
        case .string(let s): return quoted(s)
        case .stringConvertible(let c): return quoted(c.description)
        case .array(let values): return "[" + values.map { json($0, key: nil) }.joined(separator: ",") + "]"
        case .dictionary(let dictionary):
            return "{"
                + dictionary.sorted { $0.key < $1.key }.map { "\(quoted($0.key)):\(json($0.value, key: $0.key))" }.joined(separator: ",")
                + "}"
        }
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func timestamp(_ date: Date) -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
    }
}

/// Where JSON log lines go: standard error, or (in tests) a function. Lines are written whole.
public final class JSONLogOutput: Sendable {
    private let sink: @Sendable (String) -> Void
    private let lock = NIOLock()

    public init(_ sink: @escaping @Sendable (String) -> Void) { self.sink = sink }

    public static let standardError = JSONLogOutput { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    func write(_ line: String) { lock.withLock { sink(line) } }
}
