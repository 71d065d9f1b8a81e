import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Runs `work` again and again on every instance, `interval` apart, from boot to shutdown; a
/// failure is logged and the next round tries again. Correctness never depends on which
/// instance runs a round: the work claims its rows itself (leases, conditional updates).
final class PeriodicTask: LifecycleHandler, Sendable {
    private let name: String
    private let interval: @Sendable (Application) -> Duration
    private let make: @Sendable (Application) -> @Sendable () async throws -> Void
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    /// `make` builds one round's work once the application has booted; `name` says in the
    /// log what failed and when it runs again.
    init(
        _ name: String, every interval: @escaping @Sendable (Application) -> Duration,
        _ make: @escaping @Sendable (Application) -> @Sendable () async throws -> Void
    ) {
        self.name = name
        self.interval = interval
        self.make = make
    }

    func didBootAsync(_ application: Application) async throws {
        let round = make(application)
        let every = interval(application)
        let logger = application.logger
        let name = self.name
        task.withLockedValue {
            $0 = Task {
                while !Task.isCancelled {
                    do {
                        try await round()
                    } catch {
                        logger.warning(
                            "\(name) failed (\(String(reflecting: error))); it runs again in \(every). Check the database connection.")
                    }
                    try? await Task.sleep(for: every)
                }
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        let running = task.withLockedValue { t -> Task<Void, Never>? in
            defer { t = nil }
            return t
        }
        running?.cancel()
        await running?.value
    }
}
