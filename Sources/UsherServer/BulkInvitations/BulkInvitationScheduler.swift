import Foundation
import Vapor

/// Looks for bulk jobs to carry out every second, on every instance that runs the email worker;
/// the job lease shares them out (`BulkInvitationWorker`).
enum BulkInvitationScheduler {
    static func task() -> PeriodicTask {
        PeriodicTask("The bulk invitation worker", every: { _ in .seconds(1) }) { app in
            let worker = BulkInvitationWorker(db: app.db, context: app.usher)
            return { while try await worker.runOnce(), !Task.isCancelled {} }
        }
    }
}
