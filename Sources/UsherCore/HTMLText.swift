/// Escaping for text placed in HTML (element content and quoted attribute values; every
/// attribute in Usher's templates is quoted).
///
/// Security: it works on Unicode scalars, never on `Character`s. A grapheme cluster such as
/// `"` + U+0301, `>` + U+0301 or U+0600 + `<` is one `Character` that compares equal to none of
/// `"`, `>` or `<`, yet a browser's tokenizer reads the ASCII byte inside it. An escaper that
/// walks `Character`s (as swift-mustache 2.1.1's built-in one does) writes such clusters raw.
public enum HTMLText {
    public static func escape(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        result.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "<": result.append(contentsOf: "&lt;".unicodeScalars)
            case ">": result.append(contentsOf: "&gt;".unicodeScalars)
            case "&": result.append(contentsOf: "&amp;".unicodeScalars)
            case "\"": result.append(contentsOf: "&quot;".unicodeScalars)
            case "'": result.append(contentsOf: "&#39;".unicodeScalars)
            default: result.append(scalar)
            }
        }
        return String(result)
    }
}
