import Fluent
import Foundation
import UsherCore
import Vapor

/// The console's **Invite Customer** form: the same `InvitationService.create` as the API,
/// with the refusals shown on the form and what was typed kept.
extension ConsoleRoutes {
    func inviteForm(_ req: Request) async throws -> Response {
        try await renderInviteForm(req, store: selectedStore(req), values: [:], groupRows: [""], errors: [], message: nil)
    }

    func renderInviteForm(
        _ req: Request, store: String, values: [String: String], groupRows: [String], errors: [FieldError],
        message: String?, conflictingInvitation: String? = nil, status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let storeModel = try await IdentityStoreService(db: req.db).require(store)
        let apps = try await ApplicationModel.query(on: req.db).filter(\.$store == store).sort(\.$name).all()
        let oidc = apps.filter { $0.protocolKind == ApplicationProtocol.oidc.rawValue }
        let saml = apps.filter { $0.protocolKind != ApplicationProtocol.oidc.rawValue }
        let groups = try await GroupModel.query(on: req.db).filter(\.$store == store).sort(\.$name).all()
        let organizationPicker = try await InviteOrganizationPicker.load(req, store: store, values: values)
        func error(_ prefix: String) -> String? { ConsoleForm.refusals(errors, under: prefix) }
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
            formError: message,
            existingInvitation: conflictingInvitation.flatMap(UUID.init(uuidString:)).map { "/admin/invitations/\(store)/\($0.idString)" },
            idempotencyKey: SecretToken.generate(prefix: "console_"),
            organizations: organizationPicker.organizations, organizationChosen: organizationPicker.chosen,
            roles: organizationPicker.roles, organizationError: error("organization"), rolesError: error("roles"))
        return page(req, "console/invite", "Invite Customer", context, section: "accounts", status: status)
    }

    static let languages = [
        ("en-US", "English (US)"), ("de-DE", "Deutsch"), ("fr-FR", "Français"), ("es-ES", "Español"), ("hu-HU", "Magyar"),
    ]

    func invite(_ req: Request) async throws -> Response {
        let form = ConsoleForm.fields(of: req)
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
        let actor = try req.consoleActor
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
                message: error.detail, conflictingInvitation: error.errorKey == .invitationPendingExists ? error.conflictingId : nil,
                status: HTTPResponseStatus(statusCode: error.status))
        }
    }
}

/// `console/invite`: the Invite Customer form, kept as typed when the service refused it, with
/// each refusal shown beside its field.
struct InviteConsolePage {
    struct Application {
        var id: String
        var name: String
        var selected: Bool
    }

    /// A profile attribute the inviter may fill in (stored as the invitation's metadata).
    struct ProfileField {
        var name: String
        var label: String
        var value: String
        var error: String?
    }

    /// One "group" select of the form (rows are added and removed without JavaScript).
    struct GroupRow {
        var index: Int
        var options: [GroupOption]
    }

    struct GroupOption {
        var id: String
        var name: String
        var selected: Bool
    }

    struct Language {
        var tag: String
        var name: String
        var selected: Bool
    }

    var store: String
    var stores: [StoreOption]
    var applications: [Application]
    /// SAML2 applications cannot invite (SPEC rule 1): they are named, not offered.
    var samlApplications: String
    var hasSaml: Bool
    var email: String
    /// A store with USERNAME asks for the account's username (issue 24 item 7).
    var usesUsername: Bool
    var usernameRequired: Bool
    var username: String
    var profile: [ProfileField]
    var groupRows: [GroupRow]
    var hasGroups: Bool
    var languages: [Language]
    var emailError: String?
    var usernameError: String?
    var applicationError: String?
    var groupsError: String?
    var languageError: String?
    var formError: String?
    /// The pending invitation a refused duplicate would have repeated (SPEC rule 7), to open it.
    var existingInvitation: String?
    /// Sent back with the form: one invitation however many times it is submitted.
    var idempotencyKey: String
    /// The Organization picker, and the Roles one once an organization is chosen (issue 16).
    var organizations: [InviteOrganizationPicker.Option] = []
    var organizationChosen = false
    var roles: [InviteOrganizationPicker.Role] = []
    var organizationError: String?
    var rolesError: String?
}
