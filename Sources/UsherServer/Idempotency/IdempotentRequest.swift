import Foundation
import UsherCore
import Vapor

extension Request {
    /// Runs `change` at most once per `Idempotency-Key` in `scope` (every time without a key).
    /// A repeat with the same key and content gets the first answer again, marked
    /// `Idempotent-Replayed: true`; `keep` says what of an answer may be kept for that (never a
    /// secret: a created invitation is kept without its link). A change that fails frees its
    /// key, so the client can try again with it.
    func idempotent(
        key: IdempotencyKey?, scope: String, keep: (Response) -> IdempotencyRecords.Answer = IdempotencyRecords.Answer.init,
        _ change: () async throws -> Response
    ) async throws -> Response {
        guard let key else { return try await change() }
        let records = IdempotencyRecords(db: db)
        let fingerprint = IdempotencyRecords.fingerprint(method: method, path: url.path, body: body.data)
        switch try await records.claim(scope: scope, key: key, fingerprint: fingerprint, now: Date()) {
        case .replay(let answer):
            return answer.replayed()
        case .claimed:
            let response: Response
            do {
                response = try await change()
            } catch {
                try? await records.release(scope: scope, key: key)
                throw error
            }
            if response.status.code >= 500 {
                try? await records.release(scope: scope, key: key)
            } else {
                try await records.complete(scope: scope, key: key, answer: keep(response))
            }
            return response
        }
    }

    /// `idempotent`, waiting up to `patience` for a first request with the same key that is
    /// still running, then answering what it answered. For the console: a double-click on
    /// **Send invite** shows the invitation, not an error. The wait only reads, so it never
    /// queues for SQLite's one writer ahead of the request it waits for.
    func idempotentWaiting(
        key: IdempotencyKey?, scope: String, patience: Duration = IdempotencyRecords.patience, _ change: () async throws -> Response
    ) async throws -> Response {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: patience)
        while true {
            do {
                return try await idempotent(key: key, scope: scope, change)
            } catch let error as UsherError where error.errorKey == .idempotencyInProgress {
                guard let key else { throw error }
                let records = IdempotencyRecords(db: db)
                repeat {
                    guard clock.now < deadline else { throw error }
                    try await Task.sleep(for: .milliseconds(100))
                } while try await records.isRunning(scope: scope, key: key)
            }
        }
    }
}

extension IdempotencyRecords.Answer {
    /// Everything of `response` that a replay shows: status, JSON body, Location.
    init(_ response: Response) {
        self.init(
            status: Int(response.status.code), body: response.body.string,
            location: response.headers.first(name: .location))
    }

    /// `response` with the top-level `key` left out of its JSON body.
    static func without(_ key: String, in response: Response) -> Self {
        var answer = Self(response)
        if let data = answer.body?.data(using: .utf8), var object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            object[key] = nil
            answer.body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])).flatMap {
                String(data: $0, encoding: .utf8)
            }
        }
        return answer
    }

    func replayed() -> Response {
        let response = Response(status: HTTPResponseStatus(statusCode: status))
        if let body {
            response.body = .init(string: body)
            response.headers.contentType = .json
        }
        if let location { response.headers.replaceOrAdd(name: .location, value: location) }
        response.headers.replaceOrAdd(name: "Idempotent-Replayed", value: "true")
        response.headers.cacheControl = .init(noStore: true)
        return response
    }
}
