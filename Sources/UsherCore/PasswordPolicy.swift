import Foundation

/// What makes a password acceptable at sign-up, after NIST SP 800-63B: long enough, not the
/// person's own address, not one of the passwords every attacker tries first. No composition
/// rules: they push people toward `Password1!` without making anything harder to guess.
public struct PasswordPolicy: Sendable {
    public var minimumLength: Int
    public var maximumLength: Int

    public init(minimumLength: Int = 10, maximumLength: Int = 256) {
        self.minimumLength = minimumLength
        self.maximumLength = maximumLength
    }

    /// Returns the reason a password is refused, or nil when it is acceptable.
    public func problem(password: String, confirmation: String?, email: String?) -> String? {
        if password.count < minimumLength { return "must be at least \(minimumLength) characters long" }
        if password.count > maximumLength { return "must be at most \(maximumLength) characters long" }
        if let confirmation, confirmation != password { return "and its confirmation do not match" }
        let lowered = password.lowercased()
        if let email = email?.lowercased(), !email.isEmpty {
            let local = email.split(separator: "@").first.map(String.init) ?? email
            if lowered == email || (local.count >= 4 && lowered.contains(local)) {
                return "must not contain your email address"
            }
        }
        if CommonPasswords.contains(lowered) { return "is one of the most common passwords; choose another" }
        return nil
    }
}
