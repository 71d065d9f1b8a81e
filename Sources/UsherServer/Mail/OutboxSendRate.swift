import Foundation
import NIOConcurrencyHelpers

/// USHER_SMTP_MAX_PER_SECOND: how many emails one instance's outbox worker may take per second,
/// so that a large import does not flood the organisation's SMTP server. A sliding window of
/// the times emails were taken: at most `capacity` in any `window` (one second; for a rate
/// below one per second, one email per 1/rate seconds). Per instance: instances do not share
/// it (docs/email.md says so).
final class OutboxSendRate: Sendable {
    let capacity: Int
    let window: TimeInterval
    /// When each email of the current window was taken, oldest first.
    private let taken = NIOLockedValueBox<[Date]>([])

    init(perSecond: Double) {
        if perSecond >= 1 {
            capacity = Int(perSecond.rounded(.down))
            window = 1
        } else {
            capacity = 1
            window = 1 / perSecond
        }
    }

    /// How many emails may be taken at `now`, at most `wanted`.
    func allowance(now: Date, wanted: Int) -> Int {
        taken.withLockedValue { times in
            times.removeAll { $0 <= now.addingTimeInterval(-window) }
            return max(0, min(wanted, capacity - times.count))
        }
    }

    /// Counts `count` emails taken at `now`.
    func take(_ count: Int, at now: Date) {
        guard count > 0 else { return }
        taken.withLockedValue { $0.append(contentsOf: repeatElement(now, count: count)) }
    }

    /// How long until another email may be taken (zero when one may now).
    func wait(now: Date) -> TimeInterval {
        taken.withLockedValue { times in
            times.removeAll { $0 <= now.addingTimeInterval(-window) }
            guard times.count >= capacity, let oldest = times.first else { return 0 }
            return max(0, oldest.addingTimeInterval(window).timeIntervalSince(now))
        }
    }
}
