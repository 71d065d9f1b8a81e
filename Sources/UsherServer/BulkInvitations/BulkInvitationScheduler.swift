import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Looks for bulk jobs to carry out every second, on every instance that runs the email worker;
/// the job lease shares them out (`BulkInvitationWorker`).
final class BulkInvitationScheduler: LifecycleHandler, Sendable {
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    func didBootAsync(_ application: Application) async throws {
        let worker = BulkInvitationWorker(db: application.db, context: application.usher)
        let logger = application.logger
        task.withLockedValue {
            $0 = Task {
                while !Task.isCancelled {
                    do {
                        while try await worker.runOnce(), !Task.isCancelled {}
                    } catch {
                        logger.warning("Bulk invitation worker failed (\(String(reflecting: error))); it tries again in a second.")
                    }
                    try? await Task.sleep(for: .seconds(1))
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
