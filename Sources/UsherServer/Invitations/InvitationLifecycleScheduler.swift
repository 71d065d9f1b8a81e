import Foundation
import Vapor

/// Runs `InvitationLifecycle.sweep` every minute (USHER_LIFECYCLE_INTERVAL_SECONDS) on every
/// instance that runs the email worker. Instances need no coordination: each reminder and
/// expiry is claimed by a conditional update.
enum InvitationLifecycleScheduler {
    static func task() -> PeriodicTask {
        PeriodicTask(
            "The invitation lifecycle sweep (reminders, expiry)", every: { .milliseconds(Int64($0.usher.config.lifecycleInterval * 1000)) }
        ) {
            app in
            let lifecycle = InvitationLifecycle(db: app.db, context: app.usher)
            let logger = app.logger
            return {
                let outcome = try await lifecycle.sweep(now: Date())
                if outcome.reminded + outcome.expired > 0 {
                    logger.info("Invitation lifecycle: \(outcome.reminded) reminders queued, \(outcome.expired) invitations expired")
                }
            }
        }
    }
}
