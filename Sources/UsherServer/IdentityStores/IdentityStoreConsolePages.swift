import Foundation
import UsherCore
import Vapor

/// The console's Identity stores page: each store, what it identifies accounts by, and its
/// settings (description, `selfService.accountDeletion`). Thin over IdentityStoreService, as
/// the admin API is; every form carries the console's CSRF token (ConsoleGuard checks it).
struct IdentityStoreConsolePages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let console = routes.grouped("admin", "stores").grouped(ConsoleGuard())
        console.get(use: list)
        console.post(":store", use: update)
    }

    func list(_ req: Request) async throws -> Response {
        try await render(req, error: nil)
    }

    /// Saves one store's settings; a refusal shows the page again with what was wrong.
    func update(_ req: Request) async throws -> Response {
        let name = try req.storeName()
        let form = ConsoleForm.fields(of: req)
        let values: [String: JSONValue] = [
            "description": .string(form["description"] ?? ""),
            "selfService": .object(["accountDeletion": .bool(form["accountDeletion"] == "on")]),
        ]
        do {
            _ = try await IdentityStoreService(db: req.db).update(name, reader: JSONObjectReader(values), by: try req.consoleActor)
        } catch let error as UsherError where error.status < 500 {
            return try await render(req, error: ConsoleForm.refusal(error), status: HTTPResponseStatus(statusCode: error.status))
        }
        return Response.seeOther("/admin/stores?notice=saved#store-\(name)")
    }

    private func render(_ req: Request, error: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let stores = try await IdentityStoreService(db: req.db).list()
        let content = IdentityStoresConsolePage(stores: stores.map(IdentityStoresConsolePage.Store.init), formError: error)
        let page = ConsolePage(
            req, title: "Identity stores", section: "stores",
            notice: req.query[String.self, at: "notice"] == "saved" ? "Identity store saved." : nil, content: content)
        return Pages.render("console/stores", page, request: req, status: status)
    }
}

/// `console/stores`: every identity store with its settings form.
struct IdentityStoresConsolePage {
    struct Store {
        var name: String
        var identifiers: String
        var description: String
        var accountDeletion: Bool
        var created: String

        init(_ v: IdentityStoreView) {
            name = v.name
            identifiers = v.identifiers.joined(separator: ", ")
            description = v.description ?? ""
            accountDeletion = v.selfService.accountDeletion
            created = ConsoleRoutes.date(v.created)
        }
    }

    var stores: [Store]
    var formError: String?
}

enum IdentityStoreConsoleTemplates {
    static let stores = """
        {{<console_layout}}{{$content}}
        <h1>Identity stores</h1>
        <p class="muted">The populations of customer accounts. Applications, groups and invitations belong to one store each.</p>
        {{#formError}}<div class="alert" role="alert" id="form-error">{{formError}}</div>{{/formError}}
        {{#stores}}
        <form method="post" action="/admin/stores/{{name}}" class="store" id="store-{{name}}" style="border:1px solid var(--line);border-radius:8px;padding:16px;margin-top:16px">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <h2 style="margin-top:0">{{name}}</h2>
        <p class="muted">Accounts identified by {{identifiers}} · created {{created}}</p>
        <label for="description-{{name}}">Description</label><input id="description-{{name}}" name="description" value="{{description}}">
        <fieldset><legend>Self-service</legend><label style="font-weight:normal"><input type="checkbox" id="account-deletion-{{name}}" name="accountDeletion" style="width:auto" {{#accountDeletion}}checked{{/accountDeletion}}> Customers may delete their own account on their account page</label></fieldset>
        <button id="save-store-{{name}}">Save</button>
        </form>
        {{/stores}}
        {{/content}}{{/console_layout}}
        """

    static var all: [String: String] { ["console/stores": stores] }
}
