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
            title: title, csrf: req.consoleCSRF, adminEmail: req.adminUser?.email ?? "", section: section,
            notice: req.query[String.self, at: "notice"].flatMap { Self.notices[$0] }, content: content)
        return Pages.render(template, page, request: req, status: status)
    }

    static let notices = [
        "invited": "Invitation sent.", "resent": "Invitation sent again with a new link.", "revoked": "Invitation revoked.",
        "edited": "Invitation updated.",
        "groupCreated": "Group created.", "groupDeleted": "Group deleted.", "applicationCreated": "Application created.",
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

    // MARK: Invite Customer (the accounts pages live in Accounts/AccountConsolePages.swift)

    func inviteForm(_ req: Request) async throws -> Response {
        try await renderInviteForm(req, store: selectedStore(req), values: [:], groupRows: [""], errors: [], message: nil)
    }

    private func renderInviteForm(
        _ req: Request, store: String, values: [String: String], groupRows: [String], errors: [FieldError],
        message: String?, status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let storeModel = try await IdentityStoreService(db: req.db).require(store)
        let apps = try await ApplicationModel.query(on: req.db).filter(\.$store == store).sort(\.$name).all()
        let oidc = apps.filter { $0.protocolKind == ApplicationProtocol.oidc.rawValue }
        let saml = apps.filter { $0.protocolKind != ApplicationProtocol.oidc.rawValue }
        let groups = try await GroupModel.query(on: req.db).filter(\.$store == store).sort(\.$name).all()
        let organizationPicker = try await InviteOrganizationPicker.load(req, store: store, values: values)
        func error(_ prefix: String) -> String? {
            let matching = errors.filter { $0.field == prefix || $0.field.hasPrefix(prefix + ".") || $0.field.hasPrefix(prefix + "[") }
            return matching.isEmpty ? nil : matching.map(\.message).joined(separator: "; ")
        }
        let context = InviteConsolePage(
            store: store, stores: try await stores(req, selected: store),
            applications: oidc.map { .init(id: $0.id!.idString, name: $0.name, selected: values["applicationId"] == $0.id!.idString) },
            samlApplications: saml.map(\.name).joined(separator: ", "), hasSaml: !saml.isEmpty,
            email: values["email"] ?? "",
            usesUsername: storeModel.supportsUsername, usernameRequired: !storeModel.supportsEmail, username: values["username"] ?? "",
            profile: ProfileAttribute.allCases.map { a in
                .init(name: a.rawValue, label: a.label, value: values[a.rawValue] ?? "", error: error("metadata." + a.rawValue))
            },
            groupRows: groupRows.enumerated().map { (i, selected) in
                .init(index: i, options: groups.map { .init(id: $0.id!.idString, name: $0.name, selected: $0.id!.idString == selected) })
            },
            hasGroups: !groups.isEmpty,
            languages: Self.languages.map { .init(tag: $0.0, name: $0.1, selected: (values["language"] ?? "en-US") == $0.0) },
            emailError: error("email"), usernameError: error(InvitedUsername.field),
            applicationError: error("clientId") ?? error("applicationId"), groupsError: error("groups"), languageError: error("language"),
            formError: message, idempotencyKey: SecretToken.generate(prefix: "console_"),
            organizations: organizationPicker.organizations, organizationChosen: organizationPicker.chosen,
            roles: organizationPicker.roles, organizationError: error("organization"), rolesError: error("roles"))
        return page(req, "console/invite", "Invite Customer", context, section: "accounts", status: status)
    }

    static let languages = [
        ("en-US", "English (US)"), ("de-DE", "Deutsch"), ("fr-FR", "Français"), ("es-ES", "Español"), ("hu-HU", "Magyar"),
    ]

    func invite(_ req: Request) async throws -> Response {
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        let store = form["store"] ?? Bootstrap.defaultStore
        // Groups arrive as group0, group1, …; "+Add Group" and "Remove" re-render the form
        // (works without JavaScript).
        var rows = (0..<50).compactMap { form["group\($0)"] }
        // Choosing an organization re-renders the form with its roles (works without JavaScript).
        if form["action"] == "chooseOrganization" {
            return try await renderInviteForm(
                req, store: store, values: form, groupRows: rows.isEmpty ? [""] : rows, errors: [], message: nil)
        }
        if form["action"] == "addGroup" {
            rows.append("")
            return try await renderInviteForm(req, store: store, values: form, groupRows: rows, errors: [], message: nil)
        }
        if let remove = form["removeGroup"].flatMap(Int.init), rows.indices.contains(remove) {
            rows.remove(at: remove)
            return try await renderInviteForm(
                req, store: store, values: form, groupRows: rows.isEmpty ? [""] : rows, errors: [], message: nil)
        }
        var metadata: [String: JSONValue] = [:]
        for a in ProfileAttribute.allCases {
            if let v = form[a.rawValue]?.trimmingCharacters(in: .whitespaces), !v.isEmpty { metadata[a.rawValue] = .string(v) }
        }
        if let v = form["username"]?.trimmingCharacters(in: .whitespaces), !v.isEmpty { metadata[InvitedUsername.metadataKey] = .string(v) }
        var body: [String: JSONValue] = [
            "email": .string((form["email"] ?? "").trimmingCharacters(in: .whitespaces)),
            "language": .string(form["language"] ?? "en-US"),
            "metadata": .object(metadata),
            "groups": .array(Array(Set(rows.filter { !$0.isEmpty })).sorted().map { .object(["id": .string($0)]) }),
        ]
        if let app = form["applicationId"], !app.isEmpty { body["applicationId"] = .string(app) }
        body.merge(InviteOrganizationPicker.body(form)) { a, _ in a }
        let actor = req.adminUser!.actor
        do {
            // The form carries an idempotency key: a second click sends nothing and shows the invitation.
            return try await req.idempotentWaiting(key: form["idempotencyKey"].flatMap(IdempotencyKey.init), scope: actor.auditName) {
                let request = try InvitationRequest.read(JSONObjectReader(body))
                let view = try await InvitationService(db: req.db, context: req.usher).create(store: store, request, by: actor)
                return Response.seeOther("/admin/invitations/\(store)/\(view.id)?notice=invited")
            }
        } catch let error as UsherError where error.status < 500 {
            let errors = error.fieldErrors.isEmpty ? [] : error.fieldErrors
            return try await renderInviteForm(
                req, store: store, values: form, groupRows: rows.isEmpty ? [""] : rows, errors: errors,
                message: error.detail, status: HTTPResponseStatus(statusCode: error.status))
        }
    }
}
