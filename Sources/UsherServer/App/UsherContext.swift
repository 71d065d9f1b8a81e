import Fluent
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// The long-lived parts of a running Usher, shared by every request: configuration, keys,
/// templates, the password hasher. Built once in `configure` and reached as `app.usher`.
public final class UsherContext: Sendable {
    public let config: UsherConfiguration
    let keys: SigningKeys
    let secrets: ServerSecrets
    let passwords: PasswordHashing
    let templates: Templates
    let rateLimiter: RateLimiter
    /// SQLite's group committer (docs/performance.md); nil on PostgreSQL and in memory.
    let groupCommit: SQLiteGroupCommit?
    /// Identifies this process in outbox leases, so a dead instance's leases can be recognised.
    let instanceId: String
    /// Rings when an email was queued, so the outbox worker need not wait for its next poll.
    let mailSignal = MailSignal()
    /// Rings when a bulk job was created here, so this instance's bulk worker starts it at once
    /// instead of at its next poll (other instances find it by polling).
    let bulkSignal = MailSignal()
    private let outboxBox = NIOLockedValueBox<OutboxWorker?>(nil)
    /// The email worker (also when it does not run on its own, so tests can drive it).
    var outbox: OutboxWorker? {
        get { outboxBox.withLockedValue { $0 } }
        set { outboxBox.withLockedValue { $0 = newValue } }
    }

    init(
        config: UsherConfiguration, keys: SigningKeys, secrets: ServerSecrets, passwords: PasswordHashing, templates: Templates,
        rateLimiter: RateLimiter, groupCommit: SQLiteGroupCommit? = nil
    ) {
        self.groupCommit = groupCommit
        self.config = config
        self.keys = keys
        self.secrets = secrets
        self.passwords = passwords
        self.templates = templates
        self.rateLimiter = rateLimiter
        self.instanceId = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
    }
}

extension UsherContext {
    func mailWakeUp() { mailSignal.ring() }
    func bulkWakeUp() { bulkSignal.ring() }
}

/// A doorbell for the outbox worker: `ring` from anywhere, `wait` with a timeout. Correctness
/// never depends on it (the worker also polls, and other instances' emails only show up by
/// polling); it only makes a local invitation's email leave at once.
final class MailSignal: Sendable {
    private let state = NIOLockedValueBox<(rung: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    func ring() {
        let waiter: CheckedContinuation<Void, Never>? = state.withLockedValue { s in
            if let w = s.waiter {
                s.waiter = nil
                return w
            }
            s.rung = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns when rung, or after `timeout` seconds.
    func wait(timeout: TimeInterval) async {
        let alreadyRung = state.withLockedValue { s -> Bool in
            if s.rung {
                s.rung = false
                return true
            }
            return false
        }
        if alreadyRung { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let immediate = self.state.withLockedValue { s -> Bool in
                        if s.rung {
                            s.rung = false
                            return true
                        }
                        s.waiter?.resume()
                        s.waiter = continuation
                        return false
                    }
                    if immediate { continuation.resume() }
                }
            }
            group.addTask {
                try? await Task.sleep(nanoseconds: UInt64(timeout * 1_000_000_000))
                self.ring()
            }
            await group.next()
            group.cancelAll()
        }
        state.withLockedValue { $0.rung = false }
    }
}

extension Application {
    private struct UsherContextKey: StorageKey {
        typealias Value = UsherContext
    }

    public var usher: UsherContext {
        get {
            guard let context = storage[UsherContextKey.self] else {
                fatalError("Usher is not configured: call configure(_:_:) before using the application")
            }
            return context
        }
        set { storage[UsherContextKey.self] = newValue }
    }
}

extension Request {
    var usher: UsherContext { application.usher }
    var now: Date { Date() }
}
