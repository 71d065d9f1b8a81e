/// The one check every free-text value (names, descriptions, profile attributes, metadata)
/// passes before Usher stores it. It works per Unicode scalar: a `Character` can hide a
/// scalar (see `HTMLText`), and one `Character` can carry thousands of combining marks.
public enum PlainText {
    /// Scalars that mean something in HTML, email headers or CSV.
    static let markup: Set<Unicode.Scalar> = ["<", ">", "&", "\"", "'"]

    /// Why `value` is not acceptable text of at most `max` characters, or nil.
    public static func problem(_ value: String, max: Int) -> String? {
        // Length in scalars, so stacked combining marks count for what they cost.
        if value.unicodeScalars.count > max { return "must be at most \(max) characters" }
        for scalar in value.unicodeScalars {
            if scalar.properties.generalCategory == .control { return "must not contain control characters" }
            // Security: embedding, override and isolate controls reorder what a reader sees.
            if (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value) {
                return "must not contain text-direction override characters"
            }
        }
        // Security: `"` + U+0301 or U+0600 + `<` is one grapheme cluster hiding a markup
        // character; nobody's name needs one, and escapers that walk characters miss them.
        for character in value where character.unicodeScalars.count > 1 {
            if character.unicodeScalars.contains(where: markup.contains) {
                return "must not join accents or marks to <, >, &, \" or '"
            }
        }
        return nil
    }
}
