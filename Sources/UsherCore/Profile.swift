import Foundation

/// The profile attributes an account carries and a sign-up form may show (SPEC: Account).
public enum ProfileAttribute: String, Sendable, CaseIterable, Codable {
    case givenName, familyName, displayName, phoneNumber, locale

    public var label: String {
        switch self {
        case .givenName: "Given name"
        case .familyName: "Family name"
        case .displayName: "Display name"
        case .phoneNumber: "Phone number"
        case .locale: "Locale"
        }
    }

    public var maxLength: Int {
        switch self {
        case .phoneNumber: 32
        case .locale: 35
        default: 200
        }
    }
}

/// How the sign-up form treats one profile attribute (SPEC: Self-service policy).
public enum FieldMode: String, Sendable, Codable, CaseIterable {
    case hidden, editable, readOnly, required

    /// Whether the invitee sees the field at all.
    public var isShown: Bool { self != .hidden }
    /// Whether what the invitee submits for it is taken.
    public var acceptsInput: Bool { self == .editable || self == .required }
}

/// Profile values: the prefilled "Basic Information" of an invitation, or an account's profile.
public struct Profile: Sendable, Equatable, Codable {
    public var givenName: String?
    public var familyName: String?
    public var displayName: String?
    public var phoneNumber: String?
    public var locale: String?

    public init(
        givenName: String? = nil, familyName: String? = nil, displayName: String? = nil, phoneNumber: String? = nil, locale: String? = nil
    ) {
        self.givenName = givenName
        self.familyName = familyName
        self.displayName = displayName
        self.phoneNumber = phoneNumber
        self.locale = locale
    }

    public subscript(attribute: ProfileAttribute) -> String? {
        get {
            switch attribute {
            case .givenName: givenName
            case .familyName: familyName
            case .displayName: displayName
            case .phoneNumber: phoneNumber
            case .locale: locale
            }
        }
        set {
            switch attribute {
            case .givenName: givenName = newValue
            case .familyName: familyName = newValue
            case .displayName: displayName = newValue
            case .phoneNumber: phoneNumber = newValue
            case .locale: locale = newValue
            }
        }
    }

    /// The name shown to people: the display name, else given and family name.
    public var fullName: String? {
        if let displayName, !displayName.isEmpty { return displayName }
        let parts = [givenName, familyName].compactMap { $0 }.filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }

    /// Checks every present value; `prefix` names the JSON object the fields sit in.
    public func validate(into validator: inout Validator, prefix: String = "") {
        for attribute in ProfileAttribute.allCases {
            let field = prefix + attribute.rawValue
            validator.text(self[attribute], field, max: attribute.maxLength)
            guard let value = self[attribute], !value.isEmpty else { continue }
            switch attribute {
            case .phoneNumber:
                let allowed = Set("+0123456789 ()-./")
                if !value.allSatisfy({ allowed.contains($0) }) || value.filter(\.isNumber).count < 3 {
                    validator.add(field, "must be a phone number such as +36 1 234 5678")
                }
            case .locale:
                if !LanguageTag.isValid(value) { validator.add(field, "must be a BCP 47 language tag such as en-US") }
            default:
                break
            }
        }
    }

    /// Empty strings mean "not given".
    public var normalized: Profile {
        var copy = self
        for attribute in ProfileAttribute.allCases {
            let trimmed = copy[attribute]?.trimmingCharacters(in: .whitespacesAndNewlines)
            copy[attribute] = (trimmed?.isEmpty ?? true) ? nil : trimmed
        }
        return copy
    }
}

/// BCP 47 language tags, as used for an invitation's language (default `en-US`).
public enum LanguageTag {
    public static let defaultTag = "en-US"

    /// A practical subset of BCP 47: a 2–3 letter language, then subtags of 1–8 letters or
    /// digits (script, region, variants), separated by hyphens.
    public static func isValid(_ tag: String) -> Bool {
        guard !tag.isEmpty, tag.count <= 35 else { return false }
        let subtags = tag.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = subtags.first, (2...3).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            return false
        }
        return subtags.dropFirst().allSatisfy { sub in
            (1...8).contains(sub.count) && sub.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        }
    }

    /// The candidates to look a localisation up by: the tag, its language part, then en-US.
    public static func fallbacks(for tag: String) -> [String] {
        var result = [tag]
        if let language = tag.split(separator: "-").first.map(String.init), language != tag { result.append(language) }
        if !result.contains(defaultTag) { result.append(defaultTag) }
        return result
    }
}
