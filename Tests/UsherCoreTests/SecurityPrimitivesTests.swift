import Foundation
import Testing

@testable import UsherCore

@Suite struct SecretTokenTests {
    @Test func tokensCarryAtLeast256RandomBitsAndDiffer() {
        let a = SecretToken.generate(prefix: "inv_")
        let b = SecretToken.generate(prefix: "inv_")
        #expect(a != b)
        #expect(a.hasPrefix("inv_"))
        let raw = Data(base64URLEncoded: String(a.dropFirst(4)))
        #expect(raw?.count == 32)
    }

    @Test func onlyTheSHA256IsStored() {
        let token = "inv_abc"
        // sha256 hex, as python's hashlib computes it
        #expect(SecretToken.hash(token) == "f50bc24a5a8b0f74399d6a19b5cffe8ce46ab59e9ea94d55a59ccf61b8757b7b")
        #expect(SecretToken.hash(token) != token)
        #expect(SecretToken.hash(token) == SecretToken.hash(token))
        #expect(SecretToken.hash(token) != SecretToken.hash("inv_abd"))
    }

    @Test func constantTimeEqualsCompares() {
        #expect(SecretToken.constantTimeEquals("abc", "abc"))
        #expect(!SecretToken.constantTimeEquals("abc", "abd"))
        #expect(!SecretToken.constantTimeEquals("abc", "abcd"))
        #expect(!SecretToken.constantTimeEquals("", "a"))
    }
}

@Suite struct EmailAndProfileTests {
    @Test(arguments: ["jane@example.com", "a.b+tag@sub.example.co", "ünïcode@example.com"])
    func validAddresses(_ raw: String) {
        #expect(EmailAddress(raw) != nil)
    }

    @Test(arguments: [
        "", "jane", "@example.com", "jane@", "ja ne@example.com", "jane@@example.com", "jane@example.com\r\nBcc: x@y.z",
        String(repeating: "a", count: 250) + "@example.com",
    ])
    func invalidAddresses(_ raw: String) {
        #expect(EmailAddress(raw) == nil)
    }

    @Test func emailsCompareCaseInsensitively() {
        #expect(EmailAddress("Jane@Example.COM")!.normalized == EmailAddress("jane@example.com")!.normalized)
    }

    @Test func languageFallbacks() {
        #expect(LanguageTag.fallbacks(for: "de-AT") == ["de-AT", "de", "en-US"])
        #expect(LanguageTag.fallbacks(for: "en-US") == ["en-US", "en"])
        #expect(LanguageTag.isValid("hu-HU"))
        #expect(!LanguageTag.isValid("not a tag"))
        #expect(!LanguageTag.isValid("x"))
    }
}

@Suite struct PasswordPolicyTests {
    let policy = PasswordPolicy()

    @Test func acceptsALongUncommonPassword() {
        #expect(
            policy.problem(
                password: "correct horse battery staple", confirmation: "correct horse battery staple", email: "jane@example.com") == nil)
    }

    @Test func refusesShortMismatchedOwnEmailAndCommon() {
        #expect(policy.problem(password: "short", confirmation: nil, email: nil) != nil)
        #expect(policy.problem(password: "abcdefghijkl", confirmation: "abcdefghijkm", email: nil) != nil)
        #expect(policy.problem(password: "jane.doe@example.com", confirmation: nil, email: "jane.doe@example.com") != nil)
        #expect(policy.problem(password: "password123", confirmation: nil, email: nil)?.contains("common") == true)
    }
}

@Suite struct RedirectURITests {
    @Test func appendingKeepsExistingQueryAndEncodes() {
        let uri = RedirectURI.appending([("code", "a b&c"), ("state", "x")], to: "https://app.example.com/cb?tenant=1")
        #expect(uri.hasPrefix("https://app.example.com/cb?tenant=1&code=a%20b%26c"))
        #expect(uri.hasSuffix("&state=x"))
    }

    @Test func refusesDangerousSchemesAndFragments() {
        #expect(RedirectURI.problem("javascript:alert(1)") != nil)
        #expect(RedirectURI.problem("https://app.example.com/cb#frag") != nil)
        #expect(RedirectURI.problem("https://app.example.com/cb") == nil)
    }
}

/// The byte-wise base64url and hex encoders agree with Foundation's text-based ones and read back.
@Suite struct EncodingTests {
    @Test func base64URLAgreesWithFoundationAndRoundTrips() {
        var rng = SystemRandomNumberGenerator()
        for length in 0..<64 {
            let data = Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) })
            let expected = data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(data.base64URLEncodedString() == expected)
            #expect(Data(base64URLEncoded: expected) == data)
        }
        #expect(Data([0xfb, 0xff, 0xbf]).base64URLEncodedString() == "-_-_")
        #expect(Data(base64URLEncoded: "not base64!") == nil)
    }

    @Test func hexIsTwoLowerCaseDigitsPerByte() {
        let bytes: [UInt8] = [0x00, 0x0f, 0x10, 0xab, 0xff]
        #expect(bytes.hexString == "000f10abff")
        #expect(bytes.hexString == bytes.map { String(format: "%02x", $0) }.joined())
    }
}
