import Foundation
import Testing

@testable import UsherCore

/// The grapheme clusters the security review used: each hides an HTML syntax character inside
/// one `Character`.
enum HidingClusters {
    static let all = ["\"\u{0301}", ">\u{0301}", "<\u{0301}", "\u{0600}<", "\u{0D4E}<", "\u{0D4E}\"", "'\u{0301}", "&\u{0301}"]
}

@Suite struct HTMLTextTests {
    @Test(arguments: HidingClusters.all)
    func noMarkupScalarSurvivesEscaping(_ cluster: String) {
        let hostile = "x\(cluster)><meta http-equiv=refresh content=0;url=//evil.example>\(cluster)"
        let escaped = HTMLText.escape(hostile)
        #expect(!escaped.unicodeScalars.contains { "<>\"'".unicodeScalars.contains($0) })
        // Everything else is kept: the accent stays on the escaped character.
        #expect(escaped.contains("&gt;") && escaped.contains("&lt;meta"))
    }

    @Test func ampersandIsEscapedOnceAndTextIsKept() {
        #expect(HTMLText.escape("Tom & Jerry's <b>\"café\"</b>") == "Tom &amp; Jerry&#39;s &lt;b&gt;&quot;café&quot;&lt;/b&gt;")
        #expect(HTMLText.escape("Zoë Ünal — 東京") == "Zoë Ünal — 東京")
    }
}

@Suite struct PlainTextTests {
    @Test(arguments: HidingClusters.all)
    func clustersHidingMarkupAreRefused(_ cluster: String) {
        #expect(PlainText.problem("Jane\(cluster)Doe", max: 200) != nil)
    }

    @Test func namesOfEveryScriptPass() {
        for name in ["José Álvarez", "O'Brien", "Zoë", "Nguyễn Thị Minh Khai", "محمد", "മലയാളം", "東京 太郎", "Tom & Jerry"] {
            #expect(PlainText.problem(name, max: 200) == nil, "\(name)")
        }
    }

    @Test func lengthCountsScalarsSoStackedMarksCannotHide() {
        let zalgo = "a" + String(repeating: "\u{0301}", count: 500)
        #expect(zalgo.count == 1)
        #expect(PlainText.problem(zalgo, max: 200) == "must be at most 200 characters")
    }

    @Test func controlAndDirectionOverridesAreRefused() {
        #expect(PlainText.problem("a\u{0000}b", max: 10) != nil)
        #expect(PlainText.problem("a\r\nb", max: 10) != nil)
        #expect(PlainText.problem("invoice\u{202E}fdp.exe", max: 50) != nil)
        #expect(PlainText.problem("a\u{2066}b", max: 10) != nil)
    }
}

@Suite struct EmailNormalisationTests {
    @Test func nfcAndNfdAreOneMailbox() throws {
        let nfc = try #require(EmailAddress("jos\u{00E9}@example.com"))
        let nfd = try #require(EmailAddress("jose\u{0301}@example.com"))
        #expect(nfc.normalized == nfd.normalized)
        #expect(nfc.normalized == "jos\u{00E9}@example.com")
        #expect(nfc.normalized.unicodeScalars.count == "jos\u{00E9}@example.com".unicodeScalars.count)
    }

    @Test func unicodeAndPunycodeDomainsAreOneMailbox() throws {
        let unicode = try #require(EmailAddress("Anna@Bücher.Example"))
        let ascii = try #require(EmailAddress("anna@xn--bcher-kva.example"))
        #expect(unicode.normalized == "anna@xn--bcher-kva.example")
        #expect(ascii.normalized == unicode.normalized)
        // The display form is kept as typed.
        #expect(unicode.value == "Anna@Bücher.Example")
    }

    @Test func punycodeMatchesRFC3492Samples() {
        #expect(Punycode.encode("bücher") == "bcher-kva")
        #expect(Punycode.encode("münchen") == "mnchen-3ya")
        // RFC 3492 7.1 (A) Arabic (Egyptian) and (L) Japanese.
        #expect(
            Punycode.encode(
                "\u{0644}\u{064A}\u{0647}\u{0645}\u{0627}\u{0628}\u{062A}\u{0643}\u{0644}\u{0645}\u{0648}\u{0634}\u{0639}\u{0631}\u{0628}\u{064A}\u{061F}"
            ) == "egbpdaj6bu4bxfgehfvwxn")
        #expect(
            Punycode.decode("egbpdaj6bu4bxfgehfvwxn")
                == "\u{0644}\u{064A}\u{0647}\u{0645}\u{0627}\u{0628}\u{062A}\u{0643}\u{0644}\u{0645}\u{0648}\u{0634}\u{0639}\u{0631}\u{0628}\u{064A}\u{061F}"
        )
        #expect(Punycode.decode("bcher-kva") == "bücher")
        #expect(Punycode.decode("b!cher") == nil)
    }

    @Test func whatCannotBeNormalisedIsRefused() {
        // An A-label that does not decode, or decodes to ASCII, or to a form that is not its own.
        #expect(EmailAddress("a@xn--zz-zz!.example") == nil)
        #expect(EmailAddress("a@xn--abc-.example") == nil)
        #expect(EmailAddress("a@xn--ls8h.example") == nil)  // U+1F4A9: not a letter
        #expect(EmailAddress("a@ab--cd.example") == nil)  // reserved "??--" label
        // Per scalar: markup hidden in a cluster, marks on ASCII specials, format characters.
        for cluster in HidingClusters.all {
            #expect(EmailAddress("jane\(cluster)@example.com") == nil, "\(cluster)")
            #expect(EmailAddress("jane@exa\(cluster)mple.com") == nil, "\(cluster)")
        }
        #expect(EmailAddress(".\u{0301}a@example.com") == nil)
        #expect(EmailAddress("a\u{200B}b@example.com") == nil)
    }

    @Test func ordinaryAddressesStillPass() {
        for address in [
            "jane.doe+news@example.com", "o'brien@example.co.uk", "用户@例子.广告", "ÉLODIE@Exemple.FR", "a_b-c@sub-domain.example.org",
        ] {
            #expect(EmailAddress(address) != nil, "\(address)")
        }
        #expect(EmailAddress("ÉLODIE@Exemple.FR")?.normalized == "élodie@exemple.fr")
        #expect(EmailAddress("a@b.123") == nil)
        #expect(EmailAddress("a@@b.com") == nil)
    }
}
