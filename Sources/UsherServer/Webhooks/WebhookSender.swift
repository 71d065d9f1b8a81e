import Foundation
import NIOCore
import Vapor

/// What one attempt came to.
struct WebhookAttemptResult: Sendable, Equatable {
    /// The receiver's HTTP status, nil when no answer came.
    var statusCode: Int?
    var error: String?
    var durationMs: Int

    /// Standard Webhooks: any 2xx is a delivery.
    var delivered: Bool { statusCode.map { (200..<300).contains($0) } ?? false }
}

/// Sends one signed webhook request (tests give a fake; the server uses AsyncHTTPClient).
protocol WebhookSender: Sendable {
    func post(url: String, headers: [(String, String)], body: String) async -> WebhookAttemptResult
}

/// POSTs with AsyncHTTPClient (Vapor's HTTPClient): no redirects followed (a 3xx is a failed
/// attempt: Security, the URL rules apply to the URL as saved), a 10-second deadline per attempt.
struct HTTPWebhookSender: WebhookSender {
    let client: HTTPClient
    let timeout: TimeInterval

    static func clientConfiguration(timeout: TimeInterval) -> HTTPClient.Configuration {
        let amount = TimeAmount.milliseconds(Int64(timeout * 1000))
        return HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: HTTPClient.Configuration.Timeout(connect: amount, read: amount),
            decompression: .disabled)
    }

    func post(url: String, headers: [(String, String)], body: String) async -> WebhookAttemptResult {
        let started = ContinuousClock.now
        func elapsed() -> Int {
            let d = ContinuousClock.now - started
            return Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
        }
        do {
            var all = HTTPHeaders(headers)
            all.replaceOrAdd(name: "content-type", value: "application/json")
            all.replaceOrAdd(name: "user-agent", value: "Usher-Webhooks/1")
            let request = try HTTPClient.Request(url: url, method: .POST, headers: all, body: .string(body))
            let response = try await client.execute(
                request: request, deadline: .now() + .milliseconds(Int64(timeout * 1000))
            ).get()
            let code = Int(response.status.code)
            let error: String? = (200..<300).contains(code) ? nil : "the receiver answered \(code)"
            return WebhookAttemptResult(statusCode: code, error: error, durationMs: elapsed())
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            return WebhookAttemptResult(statusCode: nil, error: "no answer within \(Int(timeout)) seconds", durationMs: elapsed())
        } catch {
            return WebhookAttemptResult(statusCode: nil, error: "could not connect: \(String(describing: error))", durationMs: elapsed())
        }
    }
}
