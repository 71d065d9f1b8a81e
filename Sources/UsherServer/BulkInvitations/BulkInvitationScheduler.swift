import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Carries out bulk jobs on every instance that runs the email worker; the job lease shares
/// them out (`BulkInvitationWorker`). It looks for jobs every second, and at once when a job is
/// created on this instance (`UsherContext.bulkWakeUp`): a job created elsewhere waits for the
/// poll, one created here does not.
enum BulkInvitationScheduler {
    static let poll: TimeInterval = 1

    static func task() -> some LifecycleHandler { Runner() }

    private final class Runner: LifecycleHandler, Sendable {
        private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

        func didBootAsync(_ app: Application) async throws {
            let worker = BulkInvitationWorker(db: app.db, context: app.usher)
            let signal = app.usher.bulkSignal
            let logger = app.logger
            task.withLockedValue {
                $0 = Task {
                    while !Task.isCancelled {
                        do {
                            while try await worker.runOnce(), !Task.isCancelled {}
                        } catch {
                            logger.warning(
                                "The bulk invitation worker failed (\(String(reflecting: error))); it runs again in \(BulkInvitationScheduler.poll) s. Check the database connection."
                            )
                        }
                        await signal.wait(timeout: BulkInvitationScheduler.poll)
                    }
                }
            }
        }

        func shutdownAsync(_ app: Application) async {
            let running = task.withLockedValue { t -> Task<Void, Never>? in
                defer { t = nil }
                return t
            }
            running?.cancel()
            await running?.value
        }
    }
}
