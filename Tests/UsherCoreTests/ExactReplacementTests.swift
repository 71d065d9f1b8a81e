import Foundation
import Testing
import UsherCore

/// `replacingEvery` puts an email's link placeholder in and out: it must agree with Foundation's
/// replacement on every text, ASCII or not.
@Suite struct ExactReplacementTests {
    @Test(arguments: [
        ("no marker here", "[hidden:1]", "inv_x"),
        ("[hidden:1]", "[hidden:1]", "inv_abc"),
        ("a [hidden:1] b [hidden:1]", "[hidden:1]", "inv_abc"),
        ("[hidden:1][hidden:1]", "[hidden:1]", ""),
        ("Grüße, 😀 [hidden:1] — Ünïcødé [hidden:1]!", "[hidden:1]", "https://x/?login_hint=inv_Z"),
        ("short", "much longer than the text", "x"),
        ("aaaa", "aa", "b"),
        ("[hidden:1", "[hidden:1]", "x"),
    ])
    func agreesWithFoundation(_ text: String, _ target: String, _ replacement: String) {
        #expect(text.replacingEvery(target, with: replacement) == text.replacingOccurrences(of: target, with: replacement))
    }

    @Test func anEmptyTargetChangesNothing() {
        #expect("abc".replacingEvery("", with: "x") == "abc")
    }
}
