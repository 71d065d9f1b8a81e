import Foundation

/// The `login_hint` an invitation link carries (the invitation's token, which the authorize endpoint resolves).
func loginHint(_ link: String?) -> String? {
    link.flatMap { URLComponents(string: $0)?.queryItems?.first(where: { $0.name == "login_hint" })?.value }
}
