import Foundation
import Mustache
import UsherCore

/// Mustache templates for pages and emails. The built-in ones are compiled into the binary
/// (Usher stays one file to deploy); a file of the same name under USHER_TEMPLATES_DIR
/// replaces a built-in one, e.g. `email/invitation.de-DE.html.mustache`.
struct Templates: Sendable {
    let library: MustacheLibrary
    let names: Set<String>

    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    /// The escaping every HTML template gets (see `HTMLText`). swift-mustache's own "HTML"
    /// escaper compares grapheme clusters and lets `"` + U+0301 through, and its default cannot
    /// be replaced, so each template is registered with a pragma that selects this one.
    private struct ScalarHTMLEscaping: MustacheContentType {
        func escapeText(_ text: String) -> String { HTMLText.escape(text) }
    }

    private static let htmlContentType = "USHER_HTML"

    /// Security: the pragma goes in front of every template, built-in or the operator's, so no
    /// template can render a variable with the library's default escaper. Plain-text email
    /// parts and subjects are not HTML: their variables go in as they are.
    static func withEscaping(_ text: String, named name: String) -> String {
        let contentType = name.hasSuffix(".text") || name.hasSuffix(".subject") ? "TEXT" : htmlContentType
        return "{{% CONTENT_TYPE: \(contentType)}}" + text
    }

    static func load(overrideDirectory: String?) throws -> Templates {
        MustacheContentTypes.register(ScalarHTMLEscaping(), named: htmlContentType)
        var library = MustacheLibrary()
        var names = Set<String>()
        for (name, text) in BuiltInTemplates.all {
            do {
                try library.register(withEscaping(text, named: name), named: name)
            } catch {
                throw LoadError(description: "The built-in template '\(name)' does not parse: \(error)")
            }
            names.insert(name)
        }
        if let directory = overrideDirectory {
            let root = URL(fileURLWithPath: directory)
            guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
                throw LoadError(description: "USHER_TEMPLATES_DIR: '\(directory)' cannot be read")
            }
            for case let file as URL in enumerator where file.pathExtension == "mustache" {
                let relative = file.path.dropFirst(root.path.count).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
                let name = String(relative.dropLast(".mustache".count))
                do {
                    let text = try String(contentsOf: file, encoding: .utf8)
                    try library.register(withEscaping(text, named: name), named: name)
                } catch {
                    throw LoadError(description: "USHER_TEMPLATES_DIR: the template '\(relative)' does not parse: \(error)")
                }
                names.insert(name)
            }
        }
        return Templates(library: library, names: names)
    }

    func has(_ name: String) -> Bool { names.contains(name) }

    func render(_ name: String, _ context: Any) -> String {
        library.render(context, withTemplate: name) ?? ""
    }

    /// The first of `language`'s fallbacks (the tag, its language, en-US) with a template.
    func localized(_ base: String, language: String, suffix: String) -> String {
        for tag in LanguageTag.fallbacks(for: language) {
            if has("\(base).\(tag).\(suffix)") { return "\(base).\(tag).\(suffix)" }
            // A bare language ("de") also finds its first regional template ("de-DE").
            if !tag.contains("-"),
                let regional = names.sorted().first(where: { $0.hasPrefix("\(base).\(tag)-") && $0.hasSuffix(".\(suffix)") })
            {
                return regional
            }
        }
        return "\(base).en-US.\(suffix)"
    }
}
