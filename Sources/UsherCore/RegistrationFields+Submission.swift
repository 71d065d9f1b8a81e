import Foundation

/// What a profile form under a policy's field modes takes from a submission; the sign-up form
/// and the account page (issue 23) both read theirs through it.
extension RegistrationFields {
    /// Hidden and read-only fields keep `kept`, whatever was posted: a form cannot change what the
    /// policy fixed. Editable and required fields take what was posted (trimmed; empty = none),
    /// and a required one left empty is an error in `validator`.
    public func submitted(_ posted: [String: String], keeping kept: Profile, into validator: inout Validator) -> Profile {
        var profile = Profile()
        for attribute in ProfileAttribute.allCases {
            switch self[attribute] {
            case .hidden, .readOnly:
                profile[attribute] = kept[attribute]
            case .editable, .required:
                let value = posted[attribute.rawValue]?.trimmingCharacters(in: .whitespacesAndNewlines)
                profile[attribute] = value?.isEmpty == false ? value : nil
                if self[attribute] == .required && profile[attribute] == nil {
                    validator.add(attribute.rawValue, "is required")
                }
            }
        }
        return profile
    }
}
