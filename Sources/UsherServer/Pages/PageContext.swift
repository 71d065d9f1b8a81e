import Mustache

/// What every page's template is fed: a typed value whose stored properties are the template's
/// variables, read by swift-mustache through `Mirror` (a nil optional reads as missing, an array
/// as a list section, a `Bool` as a condition). The property names are the templates' variable
/// names, which operators' templates under USHER_TEMPLATES_DIR rely on: rename neither alone.
protocol PageContext {
    /// The page's `<title>` and heading in `page/layout`.
    var title: String { get }
    /// The `lang` attribute of the page's `<html>`.
    var lang: String { get }
}

/// Reads a stored property by name the way swift-mustache does for a plain value: nil when the
/// value has no such property or it holds nil, so the template looks further up its context
/// stack, as it did for a dictionary without that key.
enum TemplateFields {
    static func value(named name: String, in object: Any) -> Any? {
        guard let child = Mirror(reflecting: object).children.first(where: { $0.label == name }) else { return nil }
        let value = Mirror(reflecting: child.value)
        guard value.displayStyle == .optional else { return child.value }
        return value.children.first?.value
    }
}

/// A page that needs nothing but its title (its template says the rest).
struct TitledPage: PageContext {
    var title: String
    var lang = "en"
}
