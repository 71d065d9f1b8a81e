import Foundation

/// The invitation funnel (SPEC: Funnel): of the invitations created in a period, how many were
/// delivered, opened, accepted, expired, revoked or failed delivery, how long acceptance took
/// from the (last) sending, and the same per day. Plain Swift over rows the service reads, so
/// the arithmetic is tested without a server.
struct InvitationFunnel: Codable, Equatable, Sendable {
    struct Day: Codable, Equatable, Sendable {
        /// `YYYY-MM-DD` (UTC).
        var date: String
        var created = 0
        var delivered = 0
        var opened = 0
        var accepted = 0
        var expired = 0
    }

    /// One invitation of the cohort and what happened to it, with when.
    struct Row: Sendable {
        var created: Date
        var sent: Date
        var delivered: Date?
        var failedDelivery: Bool
        var opened: Date?
        var accepted: Date?
        var expired: Date?
        var revoked: Bool
    }

    var from: Date
    var to: Date
    var clientId: String?
    var created = 0
    var delivered = 0
    var opened = 0
    var accepted = 0
    var expired = 0
    var revoked = 0
    var failedDelivery = 0
    /// Seconds from sending to acceptance; nil without an accepted invitation.
    var medianSecondsToAccept: Double?
    var p90SecondsToAccept: Double?
    var series: [Day] = []
    /// How long acceptance took, in buckets (the insights page's distribution).
    var timeToAccept: [Bucket] = []

    struct Bucket: Codable, Equatable, Sendable {
        var label: String
        /// Up to (excluding) this many seconds; nil for the last bucket.
        var below: Double?
        var count: Int
    }

    static let bucketBounds: [(String, Double?)] = [
        ("under 1 hour", 3600), ("1–6 hours", 6 * 3600), ("6–24 hours", 86400), ("1–3 days", 3 * 86400), ("3–7 days", 7 * 86400),
        ("7 days or more", nil),
    ]

    init(from: Date, to: Date, clientId: String?, rows: [Row]) {
        self.from = from
        self.to = to
        self.clientId = clientId
        var days: [String: Day] = [:]
        for day in Self.days(from: from, to: to) { days[day] = Day(date: day) }
        func bump(_ date: Date?, _ key: WritableKeyPath<Day, Int>) {
            guard let date, let name = Optional(Self.dayName(date)), days[name] != nil else { return }
            days[name]![keyPath: key] += 1
        }
        var durations: [Double] = []
        for row in rows {
            created += 1
            bump(row.created, \.created)
            if row.delivered != nil { delivered += 1 }
            bump(row.delivered, \.delivered)
            if row.failedDelivery { failedDelivery += 1 }
            if row.opened != nil { opened += 1 }
            bump(row.opened, \.opened)
            if let acceptedAt = row.accepted {
                accepted += 1
                durations.append(max(0, acceptedAt.timeIntervalSince(row.sent)))
            }
            bump(row.accepted, \.accepted)
            if row.expired != nil { expired += 1 }
            bump(row.expired, \.expired)
            if row.revoked { revoked += 1 }
        }
        medianSecondsToAccept = Self.percentile(durations, 0.5)
        p90SecondsToAccept = Self.percentile(durations, 0.9)
        series = days.values.sorted { $0.date < $1.date }
        timeToAccept = Self.bucketBounds.enumerated().map { index, bound in
            let lower = index == 0 ? 0 : Self.bucketBounds[index - 1].1 ?? 0
            let count = durations.filter { d in d >= lower && (bound.1.map { upper in d < upper } ?? true) }.count
            return Bucket(label: bound.0, below: bound.1, count: count)
        }
    }

    /// The nearest-rank percentile: a value that occurred, never an interpolation.
    static func percentile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    static let maxDays = 366

    static func dayName(_ date: Date) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    /// Every UTC day that `[from, to)` touches.
    static func days(from: Date, to: Date) -> [String] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var day = calendar.startOfDay(for: from)
        var names: [String] = []
        while day < to && names.count < maxDays {
            names.append(dayName(day))
            day = calendar.date(byAdding: .day, value: 1, to: day)!
        }
        return names
    }
}
