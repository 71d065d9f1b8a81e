import Foundation
import NIOConcurrencyHelpers

/// Dates as people read them, in emails and on pages.
///
/// A `DateFormatter` loads ICU data for its locale when it is made: making one per email was a
/// few percent of an invitation's CPU time. One formatter per locale and style is kept and
/// used under a lock (formatting one date takes microseconds).
enum DateText {
    private static let formatters = NIOLockedValueBox<[String: DateFormatter]>([:])

    /// "25 November 2026 at 14:00 UTC", in the reader's language (a BCP 47 tag).
    static func long(_ date: Date, language: String) -> String {
        format(date, key: "long|" + language) { f in
            f.locale = Locale(identifier: language.replacingOccurrences(of: "-", with: "_"))
            f.dateStyle = .long
            f.timeStyle = .short
        } + " UTC"
    }

    /// "25 Nov 2026, 14:00 UTC" in the reader's language ("25.11.2026, 14:00 UTC"), for the
    /// customer's pages.
    static func medium(_ date: Date, language: String) -> String {
        format(date, key: "medium|" + language) { f in
            f.locale = Locale(identifier: language.replacingOccurrences(of: "-", with: "_"))
            f.dateStyle = .medium
            f.timeStyle = .short
        } + " UTC"
    }

    /// "25 Nov 2026, 14:00 UTC", for the console's tables.
    static func short(_ date: Date) -> String {
        format(date, key: "console") { f in
            f.locale = Locale(identifier: "en_GB")
            f.dateFormat = "d MMM yyyy, HH:mm 'UTC'"
        }
    }

    private static func format(_ date: Date, key: String, configure: (DateFormatter) -> Void) -> String {
        formatters.withLockedValue { cache in
            let formatter: DateFormatter
            if let cached = cache[key] {
                formatter = cached
            } else {
                formatter = DateFormatter()
                formatter.timeZone = TimeZone(identifier: "UTC")
                configure(formatter)
                // Languages come from invitations; a bound keeps odd tags from growing the cache forever.
                if cache.count < 256 { cache[key] = formatter }
            }
            return formatter.string(from: date)
        }
    }
}
