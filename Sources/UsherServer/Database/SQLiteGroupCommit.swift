import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOPosix

/// Group commit for SQLite (docs/performance.md): writes that arrive while one transaction
/// commits queue up, and the next transaction commits all of them together — each in its own
/// savepoint, so a refused write (a rule, a constraint) rolls back alone and the others commit.
///
/// The transaction runs on one thread of its own, start to end, through
/// `SQLiteDirectConnection`: one thread switch per group instead of two per statement. It
/// holds `SQLiteWriteLock` like every other writer of the process, so it never meets SQLite's
/// busy handler. A caller returns only after the COMMIT that holds its write: an answered
/// request is on disk in the WAL, and a crash before the COMMIT leaves no half of a group.
final class SQLiteGroupCommit: Sendable {
    /// More in one transaction only makes the first waiter wait longer.
    static let maxGroupSize = 128

    private let connection: SQLiteDirectConnection
    private let thread: NIOThreadPool
    /// The reads before the writes, on the same file and the same terms (`UsherContext.read`).
    let reads: SQLiteReads
    private let queue = NIOLockedValueBox(Queue())
    private let groups = NIOLockedValueBox(0)

    private struct Queue {
        var waiting: [Waiter] = []
        var draining = false
    }

    private struct Waiter: Sendable {
        var plan: PlannedWrite
        var logger: Logger
        var continuation: CheckedContinuation<Void, any Error>
    }

    init(path: String) throws {
        connection = try SQLiteDirectConnection(path: path)
        reads = SQLiteReads(path: path)
        thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
    }

    /// Transactions committed so far (tests see that writes were grouped).
    var groupsCommitted: Int { groups.withLockedValue { $0 } }

    /// Commits `plan` with whatever else is waiting; throws what refused it.
    func commit(_ plan: PlannedWrite, logger: Logger) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let startDrain = queue.withLockedValue { queue in
                queue.waiting.append(Waiter(plan: plan, logger: logger, continuation: continuation))
                defer { queue.draining = true }
                return !queue.draining
            }
            if startDrain { Task { await self.drain() } }
        }
    }

    /// Commits groups until nobody waits. Only one drain runs at a time. A group is everyone
    /// waiting when the write lock comes free: the longer the last transaction took, the more
    /// the next one carries.
    private func drain() async {
        while true {
            let done: (group: [Waiter], outcomes: [Result<Void, any Error>])?
            do {
                done = try await SQLiteWriteLock.shared.withLock {
                    let group = self.nextGroup()
                    if group.isEmpty { return nil }
                    do {
                        return (group, try await self.thread.runIfActive { try self.transaction(group.map { ($0.plan, $0.logger) }) })
                    } catch {
                        return (group, group.map { _ in .failure(error) })
                    }
                }
            } catch {
                done = nil  // withLock only rethrows its body's errors, and the body throws none
            }
            guard let done else { return }
            for (waiter, outcome) in zip(done.group, done.outcomes) { waiter.continuation.resume(with: outcome) }
        }
    }

    /// Takes the waiting writes; when there are none, the drain ends (atomically with the check,
    /// so a write queued at that moment starts the next drain).
    private func nextGroup() -> [Waiter] {
        queue.withLockedValue { queue in
            let group = Array(queue.waiting.prefix(Self.maxGroupSize))
            queue.waiting.removeFirst(group.count)
            if group.isEmpty { queue.draining = false }
            return group
        }
    }

    /// Writes waiting for the next group (tests wait for theirs to be queued).
    var waiting: Int { queue.withLockedValue { $0.waiting.count } }

    /// One transaction for `plans`, each in a savepoint: the outcome of each, in order. Throws
    /// (and commits nothing) only when the transaction itself fails.
    func commit(_ plans: [PlannedWrite], logger: Logger) async throws -> [Result<Void, any Error>] {
        try await SQLiteWriteLock.shared.withLock {
            try await self.thread.runIfActive { try self.transaction(plans.map { ($0, logger) }) }
        }
    }

    private func transaction(_ plans: [(PlannedWrite, Logger)]) throws -> [Result<Void, any Error>] {
        try connection.execute("BEGIN IMMEDIATE", [])
        do {
            var outcomes: [Result<Void, any Error>] = []
            outcomes.reserveCapacity(plans.count)
            for (plan, logger) in plans {
                try connection.execute("SAVEPOINT planned_write", [])
                do {
                    try connection.run(plan, logger: logger)
                    outcomes.append(.success(()))
                } catch {
                    try connection.execute("ROLLBACK TO planned_write", [])
                    outcomes.append(.failure(error))
                }
                try connection.execute("RELEASE planned_write", [])
            }
            try connection.execute("COMMIT", [])
            groups.withLockedValue { $0 += 1 }
            return outcomes
        } catch {
            _ = try? connection.execute("ROLLBACK", [])
            throw error
        }
    }

    /// At shutdown, after the last request (RequestDrain) is answered.
    func close() async {
        try? await thread.runIfActive { self.connection.close() }
        reads.close()
        try? await thread.shutdownGracefully()
    }
}
