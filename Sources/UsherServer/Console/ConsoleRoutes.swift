import Fluent
import Foundation
import UsherCore
import Vapor

/// The admin console: thin pages over the same services the admin API calls. No rule lives
/// here; refusals come from the services and are shown on the form that caused them.
struct ConsoleRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let console = routes.grouped("admin").grouped(ConsoleGuard())
        console.get { _ in Response.seeOther("/admin/accounts") }
        console.get("accounts", use: accounts)
        console.get("accounts", ":store", ":id", use: account)
        console.get("invite", use: inviteForm)
        console.post("invite", use: invite)
        bootBulkImport(console)
        console.get("invitations", ":store", ":id", use: invitation)
        console.post("invitations", ":store", ":id", "resend", use: resend)
        console.post("invitations", ":store", ":id", "revoke", use: revoke)
        console.post("invitations", ":store", ":id", "edit", use: editInvitation)
        console.get("insights", use: insights)
        console.get("groups", use: groups)
        console.post("groups", use: createGroup)
        console.post("groups", ":store", ":id", "delete", use: deleteGroup)
        console.get("organizations", use: organizations)
        console.post("organizations", use: createOrganization)
        console.get("organizations", ":store", ":id", use: organization)
        console.post("organizations", ":store", ":id", use: updateOrganization)
        console.post("organizations", ":store", ":id", "members", use: saveMember)
        console.post("organizations", ":store", ":id", "members", ":accountId", "delete", use: removeMember)
        console.post("roles", use: createRole)
        console.post("roles", ":store", ":id", "delete", use: deleteRole)
        console.get("applications", use: applications)
        console.post("applications", use: createApplication)
        console.get("applications", ":id", use: application)
        console.post("applications", ":id", use: updateApplication)
        console.get("policies", use: policies)
        console.post("policies", use: savePolicy)
        console.get("mailbox", use: mailbox)
        console.get("mailbox", ":id", use: mail)
        console.get("audit", use: audit)
    }

    // MARK: Helpers

    /// Renders a console page whose content is typed (see `ConsolePage`).
    func page<Content>(
        _ req: Request, _ template: String, _ title: String, _ content: Content, section: String,
        status: HTTPResponseStatus = .ok
    ) -> Response {
        let page = ConsolePage(
            req, title: title, section: section,
            notice: req.query[String.self, at: "notice"].flatMap { Self.notices[$0] }, content: content)
        return Pages.render(template, page, request: req, status: status)
    }

    static let notices = [
        "invited": "Invitation sent.", "resent": "Invitation sent again with a new link.", "revoked": "Invitation revoked.",
        "edited": "Invitation updated.",
        "groupCreated": "Group created.", "groupDeleted": "Group deleted.", "applicationCreated": "Application created.",
        "applicationSaved": "Application saved.",
        "policySaved": "Policy saved.",
        "organizationCreated": "Organization created.", "organizationSaved": "Organization saved.", "memberSaved": "Member saved.",
        "memberRemoved": "Member removed.", "roleCreated": "Role created.", "roleDeleted": "Role deleted.",
    ]

    static func date(_ d: Date?) -> String {
        guard let d else { return "—" }
        return DateText.short(d)
    }

    func stores(_ req: Request, selected: String) async throws -> [StoreOption] {
        try await IdentityStoreService(db: req.db).list().map { StoreOption(name: $0.name, selected: $0.name == selected) }
    }

    func selectedStore(_ req: Request) -> String { req.query[String.self, at: "store"] ?? Bootstrap.defaultStore }

    static func pager<Item>(_ req: Request, page: PageRequest, listing: Listing<Item>) -> ConsolePager {
        var components = URLComponents(string: req.url.string) ?? URLComponents()
        func link(_ p: Int) -> String {
            var items = (components.queryItems ?? []).filter { $0.name != "page" && $0.name != "notice" }
            items.append(URLQueryItem(name: "page", value: String(p)))
            components.queryItems = items
            return components.string ?? ""
        }
        var result = ConsolePager(page: page.page + 1, pages: "many", total: "more than \(Listing<Item>.countCap)")
        if let total = listing.total {
            result.pages = String(max(0, (total - 1) / page.size) + 1)
            result.total = String(total)
        }
        if page.page > 0 { result.prev = link(page.page - 1) }
        if listing.hasNext(after: page) { result.next = link(page.page + 1) }
        return result
    }
}
