import Testing
@testable import UsherCore
@Test func placeholder() { #expect(EmailAddress("a@b.example") != nil) }
