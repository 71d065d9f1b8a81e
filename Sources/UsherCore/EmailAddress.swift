import Foundation

/// An e-mail address as Usher accepts it: the form a person types, checked, with a normalised
/// key for uniqueness. Email identifiers are unique per store and case-insensitive (SPEC:
/// Account).
///
/// Security: one mailbox must have one key, or the same person gets several verified accounts
/// and rule 5 ("always denied") is sidestepped. `josé` typed precomposed (NFC) and decomposed
/// (NFD), `bücher.example` and `xn--bcher-kva.example` are each one mailbox. The key is the
/// local part in NFC, lower-cased, `@`, the domain as lower-cased IDNA A-labels. What cannot be
/// normalised is refused.
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address as given (trimmed), kept for display and for sending.
    public let value: String
    /// The comparison key (see above).
    public let normalized: String

    public static let maxLength = 254

    public init?(_ raw: String) {
        let value = raw.trimmingCharacters(in: .whitespaces)
        guard let key = EmailAddress.key(value) else { return nil }
        self.value = value
        self.normalized = key
    }

    public var description: String { value }

    public var domain: String { String(value[value.index(after: value.lastIndex(of: "@")!)...]) }

    /// The key of anything typed into an email field, valid or not (a sign-in form takes what
    /// it gets; an invalid address simply matches no account).
    public static func normalize(_ value: String) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        return key(trimmed) ?? trimmed.lowercased()
    }

    public static func isValid(_ value: String) -> Bool { key(value) != nil }

    /// A deliberately practical check, per Unicode scalar: one `@`, a dot-atom local part
    /// (letters of any script allowed, as SMTPUTF8 permits), and a domain of dot-separated
    /// labels. Quoted local parts and IP-literal domains are refused: nobody invites customers
    /// at them, and they are a favourite of header-injection attempts.
    static func key(_ value: String) -> String? {
        guard !value.isEmpty, value.utf8.count <= maxLength else { return nil }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let local = String(parts[0]).precomposedStringWithCanonicalMapping.lowercased().precomposedStringWithCanonicalMapping
        guard !local.isEmpty, local.utf8.count <= 64, !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else {
            return nil
        }
        guard hasOnlyWordScalars(local, asciiAlso: "!#$%&'*+-/=?^_`{|}~.") else { return nil }

        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return nil }
        var asciiLabels: [String] = []
        for label in labels {
            guard let ascii = aLabel(String(label)) else { return nil }
            asciiLabels.append(ascii)
        }
        // The top-level domain is never all digits (that would be an IP address).
        guard let tld = asciiLabels.last, !tld.allSatisfy(\.isNumber) else { return nil }
        let domain = asciiLabels.joined(separator: ".")
        guard domain.utf8.count <= 253 else { return nil }
        return local + "@" + domain
    }

    /// A domain label as its lower-cased ASCII form: an ASCII label as it is, a Unicode label
    /// (U-label) in NFC as `xn--` + Punycode; an `xn--` label only if it decodes to the U-label
    /// it claims to be (so two spellings can never make two keys).
    static func aLabel(_ label: String) -> String? {
        guard !label.isEmpty, !label.hasPrefix("-"), !label.hasSuffix("-") else { return nil }
        let lowered = label.precomposedStringWithCanonicalMapping.lowercased().precomposedStringWithCanonicalMapping
        if lowered.unicodeScalars.allSatisfy(\.isASCII) {
            guard lowered.utf8.count <= 63, hasOnlyWordScalars(lowered, asciiAlso: "-") else { return nil }
            if lowered.hasPrefix("xn--") {
                guard let unicode = Punycode.decode(String(lowered.dropFirst(4))),
                    !unicode.unicodeScalars.allSatisfy(\.isASCII),
                    aLabel(unicode) == lowered
                else { return nil }
            } else if lowered.count >= 4, Array(lowered)[2...3] == ["-", "-"] {
                // Other "??--" labels are reserved for future encodings (RFC 5891 4.2.3.1).
                return nil
            }
            return lowered
        }
        guard hasOnlyWordScalars(lowered, asciiAlso: "-"), let encoded = Punycode.encode(lowered) else { return nil }
        let ascii = "xn--" + encoded
        return ascii.utf8.count <= 63 ? ascii : nil
    }

    /// ASCII letters and digits, the given ASCII specials, and letters, numbers and marks of
    /// other scripts; a mark only after a letter, number or mark (never on an ASCII special,
    /// where it would hide `"` or `<` from an escaper that compares characters).
    static func hasOnlyWordScalars(_ text: String, asciiAlso specials: String) -> Bool {
        var previousIsWord = false
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                let isWord = CharacterSet.alphanumerics.contains(scalar)
                guard isWord || specials.unicodeScalars.contains(scalar) else { return false }
                previousIsWord = isWord
                continue
            }
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                .decimalNumber, .letterNumber, .otherNumber:
                previousIsWord = true
            case .nonspacingMark, .spacingMark, .enclosingMark:
                guard previousIsWord else { return false }
            default:
                return false
            }
        }
        return true
    }
}
