import Fluent
import Foundation
import UsherCore
import Vapor

/// The console's Organizations pages (issue 16): a store's organizations and roles, and one
/// organization with its members and their roles. Thin: every change goes through the services
/// the admin API calls.
extension ConsoleRoutes {
    func organizations(_ req: Request) async throws -> Response {
        try await renderOrganizations(req, store: selectedStore(req), values: [:], error: nil, roleError: nil)
    }

    private func renderOrganizations(
        _ req: Request, store: String, values: [String: String], error: String?, roleError: String?, status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let listing = try await OrganizationService(db: req.db).list(store: store, page: PageRequest(page: 0, size: 200), name: nil)
        let counts = try await memberCounts(req, listing.items.compactMap { UUID(uuidString: $0.id) })
        let c = OrganizationsConsolePage(
            store: store, stores: try await stores(req, selected: store),
            organizations: listing.items.map {
                .init(
                    id: $0.id, name: $0.name, displayName: $0.displayName ?? "", domains: $0.domains.joined(separator: ", "),
                    members: counts[$0.id] ?? 0, store: store)
            },
            roles: try await RoleService(db: req.db).all(store: store).map {
                .init(id: $0.id!.idString, name: $0.name, description: $0.roleDescription ?? "", store: store)
            },
            name: values["name"] ?? "", displayName: values["displayName"] ?? "", domains: values["domains"] ?? "", formError: error,
            roleError: roleError)
        return page(req, "console/organizations", "Organizations", c, section: "organizations", status: status)
    }

    private func memberCounts(_ req: Request, _ ids: [UUID]) async throws -> [String: Int] {
        guard !ids.isEmpty else { return [:] }
        let members = try await OrganizationMemberModel.query(on: req.db).filter(\.$organizationId ~~ ids).all()
        return Dictionary(grouping: members, by: { $0.organizationId.idString }).mapValues(\.count)
    }

    /// The organization fields of a console form as the API's JSON body.
    private static func organizationBody(_ form: [String: String]) -> [String: JSONValue] {
        let domains = (form["domains"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return [
            "name": .string(form["name"] ?? ""), "displayName": .string(form["displayName"] ?? ""),
            "domains": .array(domains.map { .string($0) }),
        ]
    }

    func createOrganization(_ req: Request) async throws -> Response {
        let form = ConsoleForm.fields(of: req)
        let store = form["store"] ?? Bootstrap.defaultStore
        do {
            let view = try await OrganizationService(db: req.db).create(
                store: store, reader: JSONObjectReader(Self.organizationBody(form)), by: try req.consoleActor)
            return Response.seeOther("/admin/organizations/\(store)/\(view.id)?notice=organizationCreated")
        } catch let error as UsherError where error.status < 500 {
            return try await renderOrganizations(
                req, store: store, values: form, error: ConsoleForm.firstRefusal(error), roleError: nil,
                status: HTTPResponseStatus(statusCode: error.status))
        }
    }

    func createRole(_ req: Request) async throws -> Response {
        let form = ConsoleForm.fields(of: req)
        let store = form["store"] ?? Bootstrap.defaultStore
        var body: [String: JSONValue] = ["name": .string(form["name"] ?? "")]
        if let d = form["description"], !d.isEmpty { body["description"] = .string(d) }
        do {
            _ = try await RoleService(db: req.db).create(store: store, reader: JSONObjectReader(body), by: try req.consoleActor)
            return Response.seeOther("/admin/organizations?store=\(store)&notice=roleCreated")
        } catch let error as UsherError where error.status < 500 {
            return try await renderOrganizations(
                req, store: store, values: [:], error: nil, roleError: ConsoleForm.firstRefusal(error),
                status: HTTPResponseStatus(statusCode: error.status))
        }
    }

    func deleteRole(_ req: Request) async throws -> Response {
        let store = try req.storeName()
        let id = try req.uuidParameter("id").idString
        guard ConsoleConfirmation.isConfirmed(req) else {
            let role = try await RoleService(db: req.db).get(store: store, id: id)
            return ConsoleConfirmation.ask(
                req,
                .init(
                    question: "Delete the role \(role.name)?",
                    consequence: "Every member who has it in an organization loses it. This cannot be undone.",
                    button: "Delete \(role.name)", cancel: "/admin/organizations?store=\(store)"),
                section: "organizations")
        }
        try await RoleService(db: req.db).delete(store: store, id: id, by: try req.consoleActor)
        return Response.seeOther("/admin/organizations?store=\(store)&notice=roleDeleted")
    }

    func organization(_ req: Request) async throws -> Response {
        try await renderOrganization(req, store: try req.storeName(), id: try req.uuidParameter("id").idString)
    }

    private func renderOrganization(
        _ req: Request, store: String, id: String, values: [String: String]? = nil, error: String? = nil, memberError: String? = nil,
        memberEmail: String = "", status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let service = OrganizationService(db: req.db)
        let organization = try await service.get(store: store, id: id)
        let members = try await service.members(store: store, id: id, page: PageRequest(page: 0, size: 200))
        let c = OrganizationConsolePage(
            store: store, id: id, title: organization.displayName ?? organization.name, name: values?["name"] ?? organization.name,
            displayName: values?["displayName"] ?? organization.displayName ?? "",
            domains: values?["domains"] ?? organization.domains.joined(separator: ", "),
            members: members.items.map {
                .init(
                    accountId: $0.id, label: $0.email ?? $0.username ?? $0.id, roles: $0.roles.map(\.name),
                    joined: Self.date($0.joined))
            },
            roles: try await RoleService(db: req.db).all(store: store).enumerated().map { i, r in
                .init(index: i, id: r.id!.idString, name: r.name)
            },
            memberEmail: memberEmail, formError: error, memberError: memberError)
        return page(req, "console/organization", c.title, c, section: "organizations", status: status)
    }

    func updateOrganization(_ req: Request) async throws -> Response {
        let store = try req.storeName()
        let id = try req.uuidParameter("id").idString
        let form = ConsoleForm.fields(of: req)
        do {
            _ = try await OrganizationService(db: req.db).update(
                store: store, id: id, reader: JSONObjectReader(Self.organizationBody(form)), by: try req.consoleActor)
            return Response.seeOther("/admin/organizations/\(store)/\(id)?notice=organizationSaved")
        } catch let error as UsherError where error.status < 500 && error.status != 404 {
            return try await renderOrganization(
                req, store: store, id: id, values: form, error: ConsoleForm.firstRefusal(error),
                status: HTTPResponseStatus(statusCode: error.status))
        }
    }

    /// Adds the account with that email, or sets its roles when it is a member already.
    func saveMember(_ req: Request) async throws -> Response {
        let store = try req.storeName()
        let id = try req.uuidParameter("id").idString
        let form = ConsoleForm.fields(of: req)
        let email = (form["email"] ?? "").trimmingCharacters(in: .whitespaces)
        let roleIds = (0..<200).compactMap { form["role\($0)"] }.filter { !$0.isEmpty }
        let account = try await AccountModel.query(on: req.db).filter(\.$store == store)
            .filter(\.$emailKey == EmailAddress.normalize(email)).first()
        guard let account else {
            return try await renderOrganization(
                req, store: store, id: id, memberError: "No account in this store has the email address \(email).", memberEmail: email,
                status: .notFound)
        }
        do {
            try await OrganizationService(db: req.db).putMember(
                store: store, id: id, accountId: account.id!.idString, roleIds: roleIds, by: try req.consoleActor)
            return Response.seeOther("/admin/organizations/\(store)/\(id)?notice=memberSaved")
        } catch let error as UsherError where error.status < 500 {
            return try await renderOrganization(
                req, store: store, id: id, memberError: ConsoleForm.firstRefusal(error), memberEmail: email,
                status: HTTPResponseStatus(statusCode: error.status))
        }
    }

    func removeMember(_ req: Request) async throws -> Response {
        let store = try req.storeName()
        let id = try req.uuidParameter("id").idString
        let accountId = try req.uuidParameter("accountId").idString
        guard ConsoleConfirmation.isConfirmed(req) else {
            let organization = try await OrganizationService(db: req.db).get(store: store, id: id)
            let account = try await AccountService(db: req.db, passwords: nil).get(store: store, id: accountId)
            let who = account.email ?? account.username ?? accountId
            let name = organization.displayName ?? organization.name
            return ConsoleConfirmation.ask(
                req,
                .init(
                    question: "Remove \(who) from \(name)?",
                    consequence: "The account loses its roles in this organization. The account itself stays.",
                    button: "Remove \(who)", cancel: "/admin/organizations/\(store)/\(id)"),
                section: "organizations")
        }
        try await OrganizationService(db: req.db).removeMember(store: store, id: id, accountId: accountId, by: try req.consoleActor)
        return Response.seeOther("/admin/organizations/\(store)/\(id)?notice=memberRemoved")
    }
}

/// `console/organizations`: a store's organizations and roles, and the forms that create them.
struct OrganizationsConsolePage {
    struct Organization {
        var id: String
        var name: String
        var displayName: String
        var domains: String
        var members: Int
        var store: String
    }

    struct Role {
        var id: String
        var name: String
        var description: String
        var store: String
    }

    var store: String
    var stores: [StoreOption]
    var organizations: [Organization]
    var roles: [Role]
    /// What was typed into the create form, kept when it was refused.
    var name: String
    var displayName: String
    var domains: String
    var formError: String?
    var roleError: String?
}

/// `console/organization`: one organization, its members with their roles, and the forms.
struct OrganizationConsolePage {
    struct Member {
        var accountId: String
        var label: String
        var roles: [String]
        var joined: String
    }

    struct Role {
        var index: Int
        var id: String
        var name: String
    }

    var store: String
    var id: String
    var title: String
    var name: String
    var displayName: String
    var domains: String
    var members: [Member]
    var roles: [Role]
    var memberEmail: String
    var formError: String?
    var memberError: String?
}
