import Atomics
import Foundation
import NIOCore
import NIOPosix
import UsherCore
import UsherPasswords
import Vapor

/// What checking a password against a stored hash found.
enum PasswordCheck: Sendable, Equatable {
    case invalid
    /// Right password; `needsRehash` when the stored hash is of an older kind or parameters.
    case valid(needsRehash: Bool)

    var isValid: Bool { if case .valid = self { return true } else { return false } }
}

/// Hashes and checks passwords off the event loops, on a thread pool with a bounded queue:
/// a password hash costs tens of milliseconds of a core, and an event loop blocked for that
/// long would stall every other request it serves. When the queue is full the caller gets a
/// 503 with Retry-After instead of waiting behind everyone else.
final class PasswordHashing: Sendable {
    private let engine: any PasswordEngine
    private let pool: NIOThreadPool
    private let inFlight = ManagedAtomic<Int>(0)
    let maxQueued: Int

    init(engine: any PasswordEngine, pool: NIOThreadPool, maxQueued: Int) {
        self.engine = engine
        self.pool = pool
        self.maxQueued = maxQueued
    }

    func hash(_ password: String) async throws -> String {
        try await OperationsSpans.passwordHash("hash") { try await run { try self.engine.hash(password) } }
    }

    func verify(_ password: String, against stored: String) async throws -> PasswordCheck {
        try await OperationsSpans.passwordHash("verify") { try await run { try self.engine.verify(password, against: stored) } }
    }

    /// Spends the same work as a real check, so that "no such account" takes as long as
    /// "wrong password" and sign-in timing tells nothing about which emails exist.
    func verifyDummy(_ password: String) async throws {
        _ = try await OperationsSpans.passwordHash("verify") { try await run { self.engine.dummyVerify(password) } }
    }

    private func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let queued = inFlight.loadThenWrappingIncrement(ordering: .relaxed)
        defer { inFlight.wrappingDecrement(ordering: .relaxed) }
        guard queued < maxQueued else {
            throw UsherError(
                status: 503, errorKey: .serverBusy, title: "Service Unavailable",
                detail: "The server is busy checking passwords; try again in a moment.", retryAfter: 1)
        }
        return try await pool.runIfActive { try work() }
    }
}

/// The hash itself. Synchronous and CPU-bound by design: PasswordHashing decides where it runs.
protocol PasswordEngine: Sendable {
    func hash(_ password: String) throws -> String
    func verify(_ password: String, against stored: String) throws -> PasswordCheck
    func dummyVerify(_ password: String)
}

/// bcrypt through Vapor, at a configurable cost.
struct BcryptEngine: PasswordEngine {
    let cost: Int

    func hash(_ password: String) throws -> String {
        try Bcrypt.hash(password, cost: cost)
    }

    func verify(_ password: String, against stored: String) throws -> PasswordCheck {
        guard stored.hasPrefix("$2") else { return .invalid }
        guard (try? Bcrypt.verify(password, created: stored)) == true else { return .invalid }
        let storedCost = Int(stored.split(separator: "$").dropFirst().first ?? "") ?? 0
        return .valid(needsRehash: storedCost != cost)
    }

    func dummyVerify(_ password: String) {
        _ = try? Bcrypt.hash(password, cost: cost)
    }
}

/// Argon2id (OWASP's first recommendation) through libargon2, in PHC string form. bcrypt
/// hashes from before still verify, and are reported for re-hashing so that the next
/// successful sign-in upgrades them; so are Argon2id hashes with other parameters.
struct Argon2idEngine: PasswordEngine {
    let parameters: Argon2Parameters
    let legacyBcrypt = BcryptEngine(cost: 10)
    /// A hash of nothing in particular, checked when there is no account, so that a missing
    /// account costs the same time as a wrong password.
    private let dummyHash: String

    init(parameters: Argon2Parameters) throws {
        self.parameters = parameters
        self.dummyHash = try Argon2id.hash(password: "usher-dummy-password", parameters: parameters)
    }

    func hash(_ password: String) throws -> String {
        try Argon2id.hash(password: password, parameters: parameters)
    }

    func verify(_ password: String, against stored: String) throws -> PasswordCheck {
        if stored.hasPrefix("$argon2id$") {
            let limit = Argon2Parameters.verificationLimit(accommodating: parameters)
            guard Argon2id.verify(password: password, encoded: stored, limit: limit) else { return .invalid }
            return .valid(needsRehash: Argon2id.needsRehash(stored, target: parameters))
        }
        if stored.hasPrefix("$2") {
            return try legacyBcrypt.verify(password, against: stored).isValid ? .valid(needsRehash: true) : .invalid
        }
        return .invalid
    }

    func dummyVerify(_ password: String) {
        _ = Argon2id.verify(password: password, encoded: dummyHash)
    }
}

/// `usher passwords benchmark`: the median time of one hash with the configured parameters,
/// on one core — the bound a sign-up benchmark is measured against.
public func benchmarkPasswordHash(_ config: UsherConfiguration, runs: Int) throws -> (medianSeconds: Double, description: String) {
    let setting = config.passwordHash
    let engine: any PasswordEngine =
        setting == "bcrypt" ? BcryptEngine(cost: config.bcryptCost) : try Argon2idEngine(parameters: try Argon2Parameters.parse(setting))
    var times: [Double] = []
    for i in 0..<max(1, runs) {
        let start = DispatchTime.now().uptimeNanoseconds
        _ = try engine.hash("benchmark password \(i)")
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    times.sort()
    return (times[times.count / 2], setting == "bcrypt" ? "bcrypt cost \(config.bcryptCost)" : "Argon2id \(setting)")
}
