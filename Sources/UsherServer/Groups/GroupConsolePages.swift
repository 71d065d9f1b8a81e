import Fluent
import Foundation
import UsherCore
import Vapor

/// The console's groups page: list, create and delete groups of a store.
extension ConsoleRoutes {
    func groups(_ req: Request) async throws -> Response {
        try await renderGroups(req, store: selectedStore(req), error: nil, name: "")
    }

    private func renderGroups(_ req: Request, store: String, error: String?, name: String, status: HTTPResponseStatus = .ok) async throws
        -> Response
    {
        let listing = try await GroupService(db: req.db).list(store: store, page: PageRequest(page: 0, size: 200), name: nil)
        let c = GroupsConsolePage(
            store: store, stores: try await stores(req, selected: store), name: name,
            groups: listing.items.map {
                .init(id: $0.id, name: $0.name, description: $0.description ?? "", members: $0.memberCount ?? 0, store: store)
            },
            formError: error)
        return page(req, "console/groups", "Groups", c, section: "groups", status: status)
    }

    func createGroup(_ req: Request) async throws -> Response {
        let form = ConsoleForm.fields(of: req)
        let store = form["store"] ?? Bootstrap.defaultStore
        var body: [String: JSONValue] = ["name": .string(form["name"] ?? "")]
        if let d = form["description"], !d.isEmpty { body["description"] = .string(d) }
        do {
            _ = try await GroupService(db: req.db).create(store: store, reader: JSONObjectReader(body), by: try req.consoleActor)
            return Response.seeOther("/admin/groups?store=\(store)&notice=groupCreated")
        } catch let error as UsherError where error.status < 500 {
            return try await renderGroups(
                req, store: store, error: ConsoleForm.firstRefusal(error),
                name: form["name"] ?? "", status: HTTPResponseStatus(statusCode: error.status))
        }
    }

    func deleteGroup(_ req: Request) async throws -> Response {
        let store = try req.storeName()
        let id = try req.uuidParameter("id").idString
        let service = GroupService(db: req.db)
        guard ConsoleConfirmation.isConfirmed(req) else {
            let group = try await service.get(store: store, id: id)
            let members = group.memberCount ?? 0
            return ConsoleConfirmation.ask(
                req,
                .init(
                    question: "Delete the group \(group.name)?",
                    consequence: "Its \(members == 1 ? "1 member leaves" : "\(members) members leave") it, and applications no longer "
                        + "assign it at sign-up. Accounts stay. This cannot be undone.",
                    button: "Delete \(group.name)", cancel: "/admin/groups?store=\(store)"),
                section: "groups")
        }
        try await service.delete(store: store, id: id, by: try req.consoleActor)
        return Response.seeOther("/admin/groups?store=\(store)&notice=groupDeleted")
    }
}

/// `console/groups`: a store's groups and the form that creates one.
struct GroupsConsolePage {
    struct Group {
        var id: String
        var name: String
        var description: String
        var members: Int
        var store: String
    }

    var store: String
    var stores: [StoreOption]
    /// The name typed into the create form, kept when it was refused.
    var name: String
    var groups: [Group]
    var formError: String?
}
