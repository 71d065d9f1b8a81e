import Foundation

/// An e-mail address as Usher accepts it: the form a person types, checked, with a normalised
/// key for uniqueness. Email identifiers are unique per store and case-insensitive (SPEC:
/// Account), so the key is the lower-cased address.
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address as given (trimmed), kept for display and for sending.
    public let value: String
    /// The comparison key: lower-cased.
    public let normalized: String

    public static let maxLength = 254

    public init?(_ raw: String) {
        let value = raw.trimmingCharacters(in: .whitespaces)
        guard EmailAddress.isValid(value) else { return nil }
        self.value = value
        self.normalized = EmailAddress.normalize(value)
    }

    public var description: String { value }

    public var domain: String { String(value[value.index(after: value.lastIndex(of: "@")!)...]) }

    public static func normalize(_ value: String) -> String {
        value.trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// A deliberately practical check: one `@`, a dot-atom local part (Unicode letters allowed,
    /// as SMTPUTF8 permits), and a domain of dot-separated labels. Quoted local parts and
    /// IP-literal domains are refused: nobody invites customers at them, and they are a
    /// favourite of header-injection attempts.
    public static func isValid(_ value: String) -> Bool {
        guard !value.isEmpty, value.utf8.count <= maxLength else { return false }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let local = parts[0], domain = parts[1]
        guard !local.isEmpty, local.utf8.count <= 64, !domain.isEmpty else { return false }

        let localSpecials: Set<Character> = ["!", "#", "$", "%", "&", "'", "*", "+", "-", "/", "=", "?", "^", "_", "`", "{", "|", "}", "~", "."]
        guard !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else { return false }
        for ch in local {
            if ch.isLetter || ch.isNumber || localSpecials.contains(ch) { continue }
            return false
        }

        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        for label in labels {
            guard !label.isEmpty, label.utf8.count <= 63, !label.hasPrefix("-"), !label.hasSuffix("-") else { return false }
            for ch in label where !(ch.isLetter || ch.isNumber || ch == "-") { return false }
        }
        // The top-level domain is never all digits (that would be an IP address).
        if labels.last!.allSatisfy(\.isNumber) { return false }
        return true
    }
}
