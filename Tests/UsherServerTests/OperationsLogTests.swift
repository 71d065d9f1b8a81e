import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing

@testable import UsherServer

/// USHER_LOG_FORMAT=json: every line is one JSON object with the fields operators search on,
/// and secrets never reach it (the real binary's lines are checked in e2e/test_operations_logs.py).
@Suite struct OperationsLogTests {
    final class Lines: Sendable {
        let box = NIOLockedValueBox<[String]>([])
        var all: [String] { box.withLockedValue { $0 } }
    }

    static func logger(_ lines: Lines, provider: Logger.MetadataProvider? = nil) -> Logger {
        let output = JSONLogOutput { line in lines.box.withLockedValue { $0.append(line) } }
        var logger = Logger(label: "usher.test") { label in
            var handler = JSONLogHandler(label: label, output: output, metadataProvider: provider)
            handler.logLevel = .trace
            return handler
        }
        logger[metadataKey: "request-id"] = "req-123"
        return logger
    }

    static func object(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func aLineIsOneJSONObjectWithTheRequestId() throws {
        let lines = Lines()
        let logger = Self.logger(lines)
        logger.info("Invitation \"sent\"\nnext line", metadata: ["store": "default", "attempt": .stringConvertible(2)])
        #expect(lines.all.count == 1)
        let line = try #require(lines.all.first)
        #expect(!line.contains("\n"))
        let object = try Self.object(line)
        #expect(object["level"] as? String == "info")
        #expect(object["message"] as? String == "Invitation \"sent\"\nnext line")
        #expect(object["request_id"] as? String == "req-123")
        #expect(object["label"] as? String == "usher.test")
        let timestamp = try #require(object["timestamp"] as? String)
        #expect(try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(timestamp) <= Date())
        #expect(object["metadata"] as? [String: String] == ["store": "default", "attempt": "2"])
    }

    @Test func traceIdsFromTheMetadataProviderAreTopLevel() throws {
        let lines = Lines()
        let provider = Logger.MetadataProvider { ["trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "span_id": "00f067aa0ba902b7"] }
        Self.logger(lines, provider: provider).warning("inside a span")
        let object = try Self.object(try #require(lines.all.first))
        #expect(object["trace_id"] as? String == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(object["span_id"] as? String == "00f067aa0ba902b7")
        #expect(object["metadata"] == nil)
    }

    @Test func valuesUnderSecretKeysNeverReachTheLine() throws {
        let lines = Lines()
        let secret = "s3cret-value-that-must-not-leak"
        Self.logger(lines).error(
            "refused",
            metadata: [
                "password": .string(secret), "client_secret": .string(secret), "Authorization": .string("Bearer \(secret)"),
                "session_token": .string(secret), "nested": .dictionary(["refreshToken": .string(secret)]),
                "cookie": .array([.string(secret)]),
            ])
        let line = try #require(lines.all.first)
        #expect(!line.contains(secret))
        let metadata = try #require(try Self.object(line)["metadata"] as? [String: Any])
        #expect(metadata["password"] as? String == "[redacted]")
        #expect((metadata["nested"] as? [String: String])?["refreshToken"] == "[redacted]")
    }

    @Test func controlCharactersAreEscaped() throws {
        let quoted = JSONLogHandler.quoted("a\u{0}b\u{1b}c\u{2028}d")
        #expect(quoted == #""a\u0000b\u001bc\u2028d""#)
        #expect(
            try JSONSerialization.jsonObject(with: Data(quoted.utf8), options: .fragmentsAllowed) as? String == "a\u{0}b\u{1b}c\u{2028}d")
    }
}
