import Foundation
import UsherTestSupport

@testable import UsherServer

/// Locations relative to this file, so the tests work from any working directory.
enum TestPaths {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // SMTP
        .deletingLastPathComponent()  // UsherServerTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()
    static let serverScript = packageRoot.appendingPathComponent("e2e/smtp_server.py")
    static let parserScript = packageRoot.appendingPathComponent("e2e/parse_eml.py")

    static func makeTemporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("smtpkit-tests-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `/usr/bin/env python3 args...` to completion and returns stdout, failing with stderr.
func runPython(_ arguments: [String]) throws -> Data {
    let result = try ChildProcess.run(["python3"] + arguments)
    guard result.status == 0 else {
        throw TestFailure(
            "python3 \(arguments.joined(separator: " ")) failed (\(result.status)): \(String(decoding: result.standardError, as: UTF8.self))"
        )
    }
    return Data(result.standardOutput)
}

/// A message as Python's `email` package sees it (see e2e/parse_eml.py).
struct ParsedMessage: Decodable {
    struct Part: Decodable {
        var content_type: String
        var charset: String?
        var transfer_encoding: String?
        var text: String
    }
    var subject: String
    var from_name: String?
    var from_address: String?
    var to_name: String?
    var to_address: String?
    var message_id: String?
    var date: String?
    var mime_version: String?
    var content_type: String
    var parts: [Part]
    var defects: [String]

    static func parse(_ file: URL) throws -> ParsedMessage {
        try JSONDecoder().decode(ParsedMessage.self, from: runPython([TestPaths.parserScript.path, file.path]))
    }
}

/// The envelope the test server recorded next to each message.
struct ReceivedEnvelope: Decodable {
    var mail_from: String
    var rcpt_tos: [String]
    var mail_options: [String]
    var smtp_utf8: Bool
    var tls: Bool
    var authenticated: Bool
}

/// The aiosmtpd server of e2e/smtp_server.py, running as a child process.
final class SMTPTestServer: Sendable {
    /// Its standard input is held open while the server should live: the write end closing
    /// (us gone) stops the server.
    let process: ChildProcess
    let port: Int
    let directory: URL
    var maildir: URL { directory.appendingPathComponent("mail") }
    var caPath: String { directory.appendingPathComponent("certs/ca.pem").path }

    private init(process: ChildProcess, port: Int, directory: URL) {
        self.process = process
        self.port = port
        self.directory = directory
    }

    /// Starts the server and waits for its "READY <port>" line. Fails (never skips) when
    /// python3 or aiosmtpd is missing, with the reason in the error.
    static func start(_ arguments: [String] = []) async throws -> SMTPTestServer {
        let directory = try TestPaths.makeTemporaryDirectory()
        let process: ChildProcess
        do {
            process = try ChildProcess.launch(
                [
                    "python3", TestPaths.serverScript.path,
                    "--port", "0",
                    "--maildir", directory.appendingPathComponent("mail").path,
                    "--certdir", directory.appendingPathComponent("certs").path,
                    // Long enough for a loaded CI machine; a crashed test run still ends it by closing stdin.
                    "--lifetime", "1800", "--until-stdin-closes",
                ] + arguments,
                standardInputPipe: true)
        } catch {
            throw TestFailure("could not start /usr/bin/env python3: \(error)")
        }

        // Kill a server that does not come up in time, which ends the read below with EOF.
        let deadline = DispatchWorkItem { process.terminate() }
        DispatchQueue.global().asyncAfter(deadline: .now() + 30, execute: deadline)
        defer { deadline.cancel() }

        let firstLine: String = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var data: [UInt8] = []
                while !data.contains(UInt8(ascii: "\n")), let chunk = process.readStandardOutput() {
                    data += chunk
                }
                let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
                continuation.resume(returning: line)
            }
        }
        let parts = firstLine.split(separator: " ")
        guard parts.count == 2, parts[0] == "READY", let port = Int(parts[1]) else {
            process.terminate()
            let errors = String(decoding: process.standardError(), as: UTF8.self)
            throw TestFailure(
                """
                the test SMTP server (python3 + aiosmtpd) did not start; it said \(firstLine.debugDescription), \
                exit status \(process.waitUntilExit()), stderr: \(errors). \
                The end-to-end tests need python3 with aiosmtpd (pip install aiosmtpd) and cryptography.
                """)
        }
        return SMTPTestServer(process: process, port: port, directory: directory)
    }

    func stop() {
        process.terminate()
        try? FileManager.default.removeItem(at: directory)
    }

    /// The received messages, oldest first.
    func receivedFiles() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: maildir.path)) ?? []
        return names.filter { $0.hasSuffix(".eml") }.sorted().map { maildir.appendingPathComponent($0) }
    }

    func envelope(for eml: URL) throws -> ReceivedEnvelope {
        let json = eml.deletingPathExtension().appendingPathExtension("json")
        return try JSONDecoder().decode(ReceivedEnvelope.self, from: Data(contentsOf: json))
    }
}

/// Decodes RFC 2047 "B" and "Q" encoded-words in an unfolded header value, independently of
/// the code under test.
func decodeEncodedWords(_ value: String) -> String? {
    // Whitespace between two adjacent encoded-words is not part of the text (RFC 2047 §6.2).
    let pattern = try! NSRegularExpression(pattern: #"=\?([^?]+)\?([BbQq])\?([^?]*)\?=(\s+(?==\?))?"#)
    var result = ""
    var bytes: [UInt8] = []
    var last = value.startIndex
    let ns = value as NSString
    for match in pattern.matches(in: value, range: NSRange(location: 0, length: ns.length)) {
        let range = Range(match.range, in: value)!
        if last < range.lowerBound {
            result += String(decoding: bytes, as: UTF8.self)
            bytes = []
            result += value[last..<range.lowerBound]
        }
        let encoding = ns.substring(with: match.range(at: 2)).uppercased()
        let text = ns.substring(with: match.range(at: 3))
        if encoding == "B" {
            guard let data = Data(base64Encoded: text) else { return nil }
            bytes += data
        } else {
            bytes += decodeQuotedPrintable(text.replacingOccurrences(of: "_", with: " "))
        }
        last = range.upperBound
    }
    result += String(decoding: bytes, as: UTF8.self)
    result += value[last...]
    return result
}

func decodeQuotedPrintable(_ text: String) -> [UInt8] {
    var out: [UInt8] = []
    let input = Array(text.replacingOccurrences(of: "=\r\n", with: "").utf8)
    var i = 0
    while i < input.count {
        if input[i] == UInt8(ascii: "="), i + 2 < input.count,
            let value = UInt8(String(decoding: input[(i + 1)...(i + 2)], as: UTF8.self), radix: 16)
        {
            out.append(value)
            i += 3
        } else {
            out.append(input[i])
            i += 1
        }
    }
    return out
}

/// Splits a rendered message into unfolded headers and body.
func splitMessage(_ raw: String) -> (headers: [(String, String)], body: String) {
    let separator = raw.range(of: "\r\n\r\n")!
    let headerBlock = String(raw[..<separator.lowerBound]).replacingOccurrences(of: "\r\n ", with: " ")
    let headers = headerBlock.components(separatedBy: "\r\n").map { line -> (String, String) in
        let colon = line.firstIndex(of: ":")!
        return (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
    }
    return (headers, String(raw[separator.upperBound...]))
}

func header(_ name: String, in headers: [(String, String)]) -> String? {
    headers.first { $0.0.lowercased() == name.lowercased() }?.1
}
