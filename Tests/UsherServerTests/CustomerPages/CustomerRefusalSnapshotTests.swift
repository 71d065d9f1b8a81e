import Foundation
import SnapshotTesting
import Testing
import UsherCore

@testable import UsherServer

/// The refusal pages besides an invitation link's (PageRefusal) as they render in every
/// language: each emailed link's dead end, the expired form and pages, and the rate limit. The
/// page is made as `Pages.errorPage` makes it; snapshots under `__Snapshots__/`.
@Suite struct CustomerRefusalSnapshotTests {
    func snapshot(_ refusal: PageRefusal, retryAfter: Int? = nil, testName: String = #function) {
        let make: (PageLanguage, PageStrings) -> any PageContext = { language, t in
            var page = ErrorPage(refusal.error)
            (page.title, page.detail) = refusal.text(t, retryAfter: retryAfter)
            page.lang = language.rawValue
            return page
        }
        CustomerPageSnapshotTests().snapshot("page/error", make, testName: testName)
    }

    @Test func unknownResetLink() { snapshot(.resetLinkUnknown) }
    @Test func usedResetLink() { snapshot(.resetLinkUsed) }
    @Test func expiredResetLink() { snapshot(.resetLinkExpired) }
    @Test func unknownVerificationLink() { snapshot(.verificationLinkUnknown) }
    @Test func usedVerificationLink() { snapshot(.verificationLinkUsed) }
    @Test func expiredVerificationLink() { snapshot(.verificationLinkExpired) }
    @Test func supersededVerificationLink() { snapshot(.verificationSuperseded) }
    @Test func verificationAddressTaken() { snapshot(.verificationAddressTaken) }
    @Test func expiredForm() { snapshot(.formExpired) }
    @Test func expiredSignInPage() { snapshot(.signInPageExpired) }
    @Test func expiredConfirmFirstPage() { snapshot(.confirmPageExpired) }
    @Test func tooManyRequestsForSeconds() { snapshot(.tooManyRequests, retryAfter: 42) }
    @Test func tooManyRequestsForMinutes() { snapshot(.tooManyRequests, retryAfter: 3540) }

    /// Every refusal is found again from the error it throws, so the page can word it; the
    /// console's own CSRF refusal is not one of them, and any rate limit is.
    @Test func everyRefusalIsRecognisedFromItsError() {
        for refusal in PageRefusal.allCases where refusal != .tooManyRequests {
            #expect(PageRefusal(refusal.error) == refusal, "\(refusal)")
        }
        let console = UsherError(
            status: 403, errorKey: .csrfInvalid, title: "This form has expired",
            detail: "The form could not be verified. Reload the page and try again.")
        #expect(PageRefusal(console) == nil)
        #expect(PageRefusal(.tooManyRequests(retryAfter: 5, detail: "Too many failed attempts.")) == .tooManyRequests)
        #expect(PageRefusal(InvitationLinkRefusal.used.error) == nil)
    }

    /// The account page's emails when its session names no application: they speak of "your
    /// account", never of the identity store (the application's name is snapshotted in
    /// CustomerPageSnapshotTests.selfServiceEmails).
    @Test func accountEmailsWithoutAnApplication() {
        let templates = CustomerPageSnapshotTests.templates
        for base in ["email/email-verification", "email/account-exists", "email/email-change-notice"] {
            for language in PageLanguage.allCases {
                let values = CustomerEmailContext(
                    applicationName: nil, email: "jane@example.com", link: "https://id.example.com/x?token=t", newEmail: "new@example.com",
                    lang: language.rawValue)
                let rendered = ["subject", "text", "html"].map { suffix in
                    templates.render(templates.localized(base, language: language.rawValue, suffix: suffix), values)
                }
                #expect(!rendered.joined().contains("{{") && !rendered.joined().contains("applicationName"))
                assertSnapshot(
                    of: rendered.joined(separator: "\n----\n"), as: .lines,
                    named: base.replacingOccurrences(of: "email/", with: "") + "." + language.rawValue)
            }
        }
    }
}
