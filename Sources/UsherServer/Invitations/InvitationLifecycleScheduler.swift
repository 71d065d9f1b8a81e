import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Runs `InvitationLifecycle.sweep` every minute (USHER_LIFECYCLE_INTERVAL_SECONDS) on every
/// instance that runs the email worker.
/// Instances need no coordination: each reminder and expiry is claimed by a conditional update.
final class InvitationLifecycleScheduler: LifecycleHandler, Sendable {
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    func didBootAsync(_ application: Application) async throws {
        let lifecycle = InvitationLifecycle(db: application.db, context: application.usher)
        let logger = application.logger
        let interval = Duration.milliseconds(Int64(application.usher.config.lifecycleInterval * 1000))
        task.withLockedValue {
            $0 = Task {
                while !Task.isCancelled {
                    do {
                        let outcome = try await lifecycle.sweep(now: Date())
                        if outcome.reminded + outcome.expired > 0 {
                            logger.info(
                                "Invitation lifecycle: \(outcome.reminded) reminders queued, \(outcome.expired) invitations expired")
                        }
                    } catch {
                        logger.warning(
                            "Invitation lifecycle sweep failed (\(String(reflecting: error))); reminders and expiry notices wait for the next minute. Check the database connection."
                        )
                    }
                    try? await Task.sleep(for: interval)
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
