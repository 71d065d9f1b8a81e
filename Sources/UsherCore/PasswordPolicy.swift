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

    /// Why a password is refused: a closed set, so each page can say it in its own language.
    public enum Problem: Sendable, Equatable {
        case tooShort(Int)
        case tooLong(Int)
        case mismatch
        case containsEmail
        case common

        /// The English reason, after "Password" ("Password must be at least 10 characters long").
        public var message: String {
            switch self {
            case .tooShort(let n): "must be at least \(n) characters long"
            case .tooLong(let n): "must be at most \(n) characters long"
            case .mismatch: "and its confirmation do not match"
            case .containsEmail: "must not contain your email address"
            case .common: "is one of the most common passwords; choose another"
            }
        }
    }

    /// Returns the reason a password is refused, or nil when it is acceptable.
    public func problem(password: String, confirmation: String?, email: String?) -> String? {
        check(password: password, confirmation: confirmation, email: email)?.message
    }

    /// The reason a password is refused, or nil when it is acceptable.
    public func check(password: String, confirmation: String?, email: String?) -> Problem? {
        if password.count < minimumLength { return .tooShort(minimumLength) }
        if password.count > maximumLength { return .tooLong(maximumLength) }
        if let confirmation, confirmation != password { return .mismatch }
        let lowered = password.lowercased()
        if let email = email?.lowercased(), !email.isEmpty {
            let local = email.split(separator: "@").first.map(String.init) ?? email
            if lowered == email || (local.count >= 4 && lowered.contains(local)) {
                return .containsEmail
            }
        }
        if CommonPasswords.contains(lowered) { return .common }
        return nil
    }
}
