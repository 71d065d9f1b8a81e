import Mustache
import Vapor

/// A console page: the chrome every console template shares (title, navigation, the signed-in
/// administrator, the CSRF token, a notice) around the page's own typed `content`. The template
/// reads both at the top level (`{{csrf}}`, `{{store}}`), as it read one dictionary before, so
/// the chrome is looked up first and everything else in `content`.
struct ConsolePage<Content>: PageContext, MustacheParent {
    var title: String
    var lang = "en"
    var csrf: String
    var adminEmail: String
    /// The navigation entry shown as current: the template reads it as `nav_<section>`.
    var section: String
    var notice: String?
    var content: Content

    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "lang": lang
        case "csrf": csrf
        case "adminEmail": adminEmail
        case "notice": notice
        case "nav_" + section: true
        default: TemplateFields.value(named: name, in: content)
        }
    }
}

extension ConsolePage {
    /// The page for `req`: the one place the chrome is filled from the request (the console's
    /// CSRF token and the signed-in administrator), so every console page carries the same.
    init(_ req: Request, title: String, section: String, notice: String?, content: Content) {
        self.init(
            title: title, csrf: req.consoleCSRF, adminEmail: req.adminUser?.email ?? "", section: section, notice: notice,
            content: content)
    }
}

/// One identity store in the console's store picker.
struct StoreOption {
    var name: String
    var selected: Bool
}

/// The pager under a console list: `pages` and `total` read "many" and "more than …" when the
/// listing stopped counting.
struct ConsolePager {
    var page: Int
    var pages: String
    var total: String
    var prev: String?
    var next: String?
}
