import Foundation
import UsherCore
import Vapor

/// The refusals a customer page shows besides an invitation link's dead ends (issues 22 item 5
/// and 23): an emailed link that cannot be used, a form or page that waited too long, a rate
/// limit. Their words are PageStrings' (`linkRefusals`, `interruptions`); the API's
/// problem+json and the thrown error carry the English ones, so one owner words both.
enum PageRefusal: CaseIterable {
    case resetLinkUnknown, resetLinkUsed, resetLinkExpired
    case verificationLinkUnknown, verificationLinkUsed, verificationLinkExpired
    case verificationSuperseded, verificationAddressTaken
    /// A form whose CSRF token does not verify (BrowserCookies.checkCSRF).
    case formExpired
    /// A sign-in or sign-up page whose flow is gone or belongs to another browser.
    case signInPageExpired
    /// The confirm-first page's form, past its lifetime (EmailVerificationResend).
    case confirmPageExpired
    case tooManyRequests

    /// The error thrown for this refusal, in English.
    var error: UsherError {
        let (status, key): (Int, ErrorKey) =
            switch self {
            case .resetLinkUnknown: (404, .passwordResetUnknown)
            case .resetLinkUsed: (410, .passwordResetUsed)
            case .resetLinkExpired: (410, .passwordResetExpired)
            case .verificationLinkUnknown: (404, .emailVerificationUnknown)
            case .verificationLinkUsed: (410, .emailVerificationUsed)
            case .verificationLinkExpired: (410, .emailVerificationExpired)
            case .verificationSuperseded: (410, .emailVerificationSuperseded)
            case .verificationAddressTaken: (409, .emailVerificationAddressTaken)
            case .formExpired: (403, .csrfInvalid)
            case .signInPageExpired, .confirmPageExpired: (400, .flowExpired)
            case .tooManyRequests: (429, .rateLimitExceeded)
            }
        let words = text(PageStrings.english, retryAfter: nil)
        return UsherError(status: status, errorKey: key, title: words.title, detail: words.detail)
    }

    /// The refusal `error` stands for, if it is one of these. Errors that share a key (two
    /// expired pages; the console's and the sign-out's CSRF refusals, which keep their own
    /// words) are told apart by their English detail; any rate limit is `tooManyRequests`.
    init?(_ error: UsherError) {
        if error.errorKey == .rateLimitExceeded {
            self = .tooManyRequests
            return
        }
        guard let match = Self.allCases.first(where: { $0.error.errorKey == error.errorKey && $0.error.detail == error.detail })
        else { return nil }
        self = match
    }

    /// The title and detail in `strings`' language. A rate limit says how long to wait.
    func text(_ strings: PageStrings, retryAfter: Int?) -> (title: String, detail: String) {
        let l = strings.linkRefusals
        let i = strings.interruptions
        switch self {
        case .resetLinkUnknown: return (l.unknownTitle, l.resetUnknown)
        case .resetLinkUsed: return (l.usedTitle, l.resetUsed)
        case .resetLinkExpired: return (l.expiredTitle, l.resetExpired)
        case .verificationLinkUnknown: return (l.unknownTitle, l.verificationUnknown)
        case .verificationLinkUsed: return (l.usedTitle, l.verificationUsed)
        case .verificationLinkExpired: return (l.expiredTitle, l.verificationExpired)
        case .verificationSuperseded: return (l.supersededTitle, l.superseded)
        case .verificationAddressTaken: return (l.addressTakenTitle, l.addressTaken)
        case .formExpired: return (i.formExpiredTitle, i.formExpired)
        case .signInPageExpired: return (i.pageExpiredTitle, i.signInPageExpired)
        case .confirmPageExpired: return (i.pageExpiredTitle, i.confirmPageExpired)
        case .tooManyRequests:
            let seconds = max(1, retryAfter ?? 60)
            // Past two minutes a count of seconds is hard to read.
            let wait =
                seconds < 120
                ? PageStrings.fill(i.waitSeconds, ["n": String(seconds)])
                : PageStrings.fill(i.waitMinutes, ["n": String((seconds + 59) / 60)])
            return (i.tooManyTitle, wait)
        }
    }
}

extension Request {
    /// Whether this request is for the console, whose pages are in English only.
    var isConsolePage: Bool { url.path == "/admin" || url.path.hasPrefix("/admin/") }
}
