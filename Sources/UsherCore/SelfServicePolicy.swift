import Foundation

/// The `accountInvitation` options of an application's self-service policy (SPEC: Self-service policy).
public struct AccountInvitationOptions: Sendable, Equatable, Codable {
    public var enabled: Bool
    /// false: the "invite method" (email) is read-only at sign-up, and inviting an address that
    /// already has an account is always denied (SPEC rule 5).
    public var allowEmailMismatch: Bool
    public var forceUsingExternalLogin: Bool
    public var linkMaxAgeHours: Int
    /// Hours before `validUntil` at which an unopened pending invitation gets a reminder
    /// (SPEC: Lifecycle); `[]` sends none.
    public var reminderHoursBeforeExpiry: [Int]
    /// The administrator who invited gets one email when the invitation expires unaccepted.
    public var notifyInviterOnExpiry: Bool

    public static let linkMaxAgeRange = 1...720
    public static let reminderHoursRange = 1...720
    public static let maxReminders = 5

    public init(
        enabled: Bool = true, allowEmailMismatch: Bool = false, forceUsingExternalLogin: Bool = false, linkMaxAgeHours: Int = 72,
        reminderHoursBeforeExpiry: [Int] = [24], notifyInviterOnExpiry: Bool = true
    ) {
        self.enabled = enabled
        self.allowEmailMismatch = allowEmailMismatch
        self.forceUsingExternalLogin = forceUsingExternalLogin
        self.linkMaxAgeHours = linkMaxAgeHours
        self.reminderHoursBeforeExpiry = reminderHoursBeforeExpiry
        self.notifyInviterOnExpiry = notifyInviterOnExpiry
    }

    public func validate(into validator: inout Validator, prefix: String) {
        validator.check(
            Self.linkMaxAgeRange.contains(linkMaxAgeHours), prefix + "linkMaxAgeHours",
            "must be between \(Self.linkMaxAgeRange.lowerBound) and \(Self.linkMaxAgeRange.upperBound) hours")
    }
}

/// Which profile attributes the sign-up form shows, and how.
public struct RegistrationFields: Sendable, Equatable {
    public var modes: [ProfileAttribute: FieldMode]

    /// Names are asked for by default; the rest stays out of the way until a policy wants it.
    public static let defaultModes: [ProfileAttribute: FieldMode] = [
        .givenName: .editable, .familyName: .editable, .displayName: .hidden,
        .phoneNumber: .hidden, .locale: .hidden,
    ]

    public init(_ modes: [ProfileAttribute: FieldMode] = [:]) {
        self.modes = Self.defaultModes.merging(modes) { _, new in new }
    }

    public subscript(attribute: ProfileAttribute) -> FieldMode {
        modes[attribute] ?? .hidden
    }

    /// As the API shows them: attribute name → mode.
    public var asDictionary: [String: String] {
        Dictionary(uniqueKeysWithValues: ProfileAttribute.allCases.map { ($0.rawValue, self[$0].rawValue) })
    }

    /// Parses the API's `{givenName: "editable", …}`, reporting unknown names and modes.
    public static func parse(_ raw: [String: String], into validator: inout Validator, prefix: String) -> RegistrationFields {
        var modes: [ProfileAttribute: FieldMode] = [:]
        for (name, modeName) in raw {
            guard let attribute = ProfileAttribute(rawValue: name) else {
                validator.add(
                    prefix + name,
                    "is not a profile attribute (use one of \(ProfileAttribute.allCases.map(\.rawValue).joined(separator: ", ")))")
                continue
            }
            guard let mode = FieldMode(rawValue: modeName) else {
                validator.add(prefix + name, "must be one of hidden, editable, readOnly, required")
                continue
            }
            modes[attribute] = mode
        }
        return RegistrationFields(modes)
    }
}
