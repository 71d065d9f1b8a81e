import Fluent
import Foundation
import UsherCore
import Vapor

/// The invite form's Organization and Roles pickers (issue 16): the roles are offered once an
/// organization is chosen, by re-rendering the form (no script needed), and the choice becomes
/// the API body's `organization` and `roles: [{id, organization}]`.
struct InviteOrganizationPicker {
    struct Option {
        var id: String
        var name: String
        var selected: Bool
    }

    struct Role {
        var index: Int
        var id: String
        var name: String
        var checked: Bool
    }

    var organizations: [Option]
    var chosen: Bool
    var roles: [Role]

    /// The roles ticked in a submitted form (`role0`, `role1`, …).
    static func checkedRoles(_ form: [String: String]) -> [String] {
        (0..<200).compactMap { form["role\($0)"] }.filter { !$0.isEmpty }
    }

    static func load(_ req: Request, store: String, values: [String: String]) async throws -> InviteOrganizationPicker {
        let organizations = try await OrganizationService(db: req.db).all(store: store)
        let selected = values["organization"] ?? ""
        let chosen = !selected.isEmpty
        let checked = Set(checkedRoles(values))
        let roles = chosen ? try await RoleService(db: req.db).all(store: store) : []
        return InviteOrganizationPicker(
            organizations: organizations.map { o in
                Option(id: o.id!.idString, name: o.displayName.map { "\($0) (\(o.name))" } ?? o.name, selected: o.id!.idString == selected)
            },
            chosen: chosen,
            roles: roles.enumerated().map { i, r in
                Role(index: i, id: r.id!.idString, name: r.name, checked: checked.contains(r.id!.idString))
            })
    }

    /// The create body's `organization` and `roles` for what the form chose (nothing when no organization is).
    static func body(_ form: [String: String]) -> [String: JSONValue] {
        guard let organization = form["organization"], !organization.isEmpty else { return [:] }
        return [
            "organization": .string(organization),
            "roles": .array(checkedRoles(form).map { .object(["id": .string($0), "organization": .string(organization)]) }),
        ]
    }
}
