import Foundation
import UsherCore
import Vapor

/// Where a person stuck on a dead invitation link can go (issue 22 item 7): the application's
/// own sign-in, through its login URL (third-party-initiated login with `iss`), so it starts
/// its sign-in as it always does. A used link offers it first; the other dead ends offer it to
/// whoever already has an account. Without a login URL there is nowhere honest to send them.
struct ErrorPageWayOn {
    var label: String
    var url: String
    var question: String?
    var primary: Bool

    /// The application a customer page is for, remembered on the request so that a refusal
    /// thrown later in the handler can name it and link to it.
    struct Application {
        var name: String
        var loginURL: String?
    }

    static func forRefusal(_ refusal: InvitationLinkRefusal, application: Application?, issuer: String, strings: PageStrings)
        -> ErrorPageWayOn?
    {
        guard let application, let loginURL = application.loginURL, !loginURL.isEmpty else { return nil }
        let label = PageStrings.fill(strings.common.signInTo, ["app": application.name])
        let url = RedirectURI.appending([("iss", issuer)], to: loginURL)
        switch refusal {
        case .used:
            return ErrorPageWayOn(label: label, url: url, question: nil, primary: true)
        case .unknown, .revoked, .replaced, .expired, .otherApplication:
            return ErrorPageWayOn(label: label, url: url, question: strings.refusals.haveAccount, primary: false)
        }
    }
}

extension InvitationLinkRefusal {
    /// The refusal an error stands for, when it is one of an invitation link's dead ends.
    init?(errorKey: ErrorKey) {
        guard let match = Self.allCases.first(where: { $0.error.errorKey == errorKey }) else { return nil }
        self = match
    }
}

extension Request {
    private struct PageApplicationKey: StorageKey { typealias Value = ErrorPageWayOn.Application }

    /// The application the customer pages of this request are for (see ErrorPageWayOn).
    var pageApplication: ErrorPageWayOn.Application? {
        get { storage[PageApplicationKey.self] }
        set { storage[PageApplicationKey.self] = newValue }
    }
}
