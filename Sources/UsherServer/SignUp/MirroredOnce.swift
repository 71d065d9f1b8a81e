import Mustache

/// A page's context as swift-mustache sees it, with each value's stored properties read once.
///
/// swift-mustache reads a plain value through `Mirror` on every variable, and keeps the one
/// property it looks for only after boxing all of them (`children.filter`). For the sign-up
/// form that is every property of the page — its `t`, the whole of PageStrings, among them —
/// for each `{{…}}`, and every section of PageStrings for each `{{t.…}}`: a profile of the
/// sign-up load put a fifth of Usher's CPU outside the hash in it. Here each value is
/// mirrored once per render, and a struct inside it (`t` and its sections) once on first use.
/// The variables read the same (a nil optional is missing, a `Bool` a condition, an array a
/// list), so operators' templates (USHER_TEMPLATES_DIR) render as before.
final class MirroredOnce: MustacheParent {
    private var fields: [String: Any] = [:]
    /// The struct-valued ones, not read through yet.
    private var nested: Set<String> = []

    init(_ value: Any) {
        for child in Mirror(reflecting: value).children {
            guard let label = child.label else { continue }
            let mirror = Mirror(reflecting: child.value)
            switch mirror.displayStyle {
            case .optional:
                if let wrapped = mirror.children.first?.value { fields[label] = wrapped }
            case .struct, .collection:
                fields[label] = child.value
                nested.insert(label)
            default:
                fields[label] = child.value
            }
        }
    }

    func child(named name: String) -> Any? {
        guard nested.contains(name), let value = fields[name] else { return fields[name] }
        nested.remove(name)
        let mirror = Mirror(reflecting: value)
        // A struct (PageStrings, its sections) is a parent of variables, read through once when
        // first used; so is each struct of a list (the form's fields), for its section.
        let once: Any =
            if mirror.displayStyle == .struct {
                MirroredOnce(value)
            } else if mirror.children.contains(where: { Mirror(reflecting: $0.value).displayStyle == .struct }) {
                mirror.children.map { Mirror(reflecting: $0.value).displayStyle == .struct ? MirroredOnce($0.value) : $0.value }
            } else {
                value
            }
        fields[name] = once
        return once
    }
}

/// A page context whose variables swift-mustache reads through `MirroredOnce`.
struct MirroredPage<Page: PageContext>: PageContext, MustacheParent {
    let page: Page
    private let values: MirroredOnce

    init(_ page: Page) {
        self.page = page
        values = MirroredOnce(page)
    }

    var title: String { page.title }
    var lang: String { page.lang }

    func child(named name: String) -> Any? { values.child(named: name) }
}
