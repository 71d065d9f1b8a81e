import Foundation
import Mustache
import Testing

@testable import UsherServer

/// The invitation email's context answers Mustache by name instead of through `Mirror`
/// (docs/performance.md). Its list of names must stay the struct's own: a field added without
/// its name would render empty in every operator's template.
@Suite struct InvitationEmailContextTests {
    @Test func everyFieldIsReachableByItsName() throws {
        let context = InvitationEmailContext(
            applicationName: "Shop", inviterName: "Ann", recipientName: "Jo", hasRecipientName: true, email: "jo@example.com",
            link: "https://shop.example/login?login_hint=inv_x", lang: "en", validUntil: "1 January 2027")
        for child in Mirror(reflecting: context).children {
            let label = try #require(child.label)
            #expect(context.child(named: label).map { "\($0)" } == "\(child.value)", "\(label)")
        }
        #expect(context.child(named: "unknown") == nil)
    }

    @Test func rendersTheSameAsThroughReflection() throws {
        let template = try MustacheTemplate(
            string:
                "{{applicationName}}|{{inviterName}}|{{#hasRecipientName}}{{recipientName}}{{/hasRecipientName}}|{{email}}|{{link}}|{{lang}}|{{validUntil}}"
        )
        let context = InvitationEmailContext(
            applicationName: "Shop", inviterName: "Ann", recipientName: "Jo", hasRecipientName: true, email: "jo@example.com",
            link: "https://shop.example/login?login_hint=inv_x", lang: "en", validUntil: "1 January 2027")
        let reflected = Dictionary(uniqueKeysWithValues: Mirror(reflecting: context).children.map { ($0.label!, $0.value) })
        #expect(template.render(context) == template.render(reflected))
        #expect(template.render(context).contains("Shop|Ann|Jo|jo@example.com"))
    }
}
