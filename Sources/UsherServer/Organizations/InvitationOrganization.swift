import Fluent
import Foundation
import UsherCore

/// What an invitation asks for beyond the account: an organization to join and roles there,
/// as Strivacity's create body has them: `organization` (an id; absent = a non-organizational
/// account) and `roles: [{id, organization}]` (SPEC: Strivacity compatibility).
struct InvitationOrganizationRequest: Sendable, Equatable {
    struct Role: Sendable, Equatable {
        var id: String
        /// The entry's organization; absent stands for the invitation's.
        var organization: String?
    }

    var organization: String?
    var roles: [Role] = []

    /// Reads `organization` and `roles`, recording what is malformed by field.
    static func read(_ r: JSONObjectReader) -> InvitationOrganizationRequest {
        var request = InvitationOrganizationRequest(organization: r.string("organization", max: 100))
        for (i, item) in (r.array("roles", maxCount: 50) ?? []).enumerated() {
            let path = "roles[\(i)]"
            guard case .object(let o) = item else {
                r.sink.add(path, "must be an object like {\"id\": \"…\", \"organization\": \"…\"}")
                continue
            }
            let entry = JSONObjectReader(o, path: path, sink: r.sink)
            let id = entry.string("id", required: true, max: 100)
            let organization = entry.string("organization", max: 100)
            entry.finish()
            if let id { request.roles.append(Role(id: id, organization: organization)) }
        }
        return request
    }

    /// The organization and roles, checked against a store: an unknown organization or role → 404;
    /// an organization of another store, or a role entry for another organization than the
    /// invitation's (or roles without an organization) → 400. `[]` is always fine.
    func resolve(store: String, on db: any Database) async throws -> (organization: OrganizationModel?, roles: [RoleModel]) {
        var organization: OrganizationModel?
        if let id = self.organization {
            guard let uuid = UUID(uuidString: id), let found = try await OrganizationModel.find(uuid, on: db) else {
                throw UsherError(
                    status: 404, errorKey: .organizationNotFound, title: "Not found", detail: "No organization with id '\(id)' exists.",
                    fieldErrors: [FieldError("organization", "no organization with this id exists")])
            }
            guard found.store == store else {
                throw UsherError.badRequest(
                    .invitationOrganizationNotInStore, "The organization '\(found.name)' belongs to another identity store.",
                    fieldErrors: [FieldError("organization", "belongs to the identity store '\(found.store)'")])
            }
            organization = found
        }
        guard !roles.isEmpty else { return (organization, []) }
        // Every organization an entry names must exist (404) before its difference matters (400).
        let named = Set(roles.compactMap(\.organization).map { $0.lowercased() }).subtracting(
            [organization?.id?.idString].compactMap { $0 })
        for (i, entry) in roles.enumerated() {
            guard let other = entry.organization?.lowercased(), named.contains(other) else { continue }
            guard let uuid = UUID(uuidString: other), try await OrganizationModel.find(uuid, on: db) != nil else {
                throw UsherError(
                    status: 404, errorKey: .organizationNotFound, title: "Not found", detail: "No organization with id '\(other)' exists.",
                    fieldErrors: [FieldError("roles[\(i)].organization", "no organization with this id exists")])
            }
        }
        let found = try await RoleService(db: db).resolve(roles.map(\.id), store: store)
        let mismatched = roles.enumerated().filter { _, entry in
            organization == nil || (entry.organization.map { $0.lowercased() != organization!.id!.idString } ?? false)
        }
        if !mismatched.isEmpty {
            throw UsherError.badRequest(
                .invitationRoleOtherOrganization,
                organization == nil
                    ? "Roles are held in an organization: name the invitation's organization, or send roles: []."
                    : "Every role must be for the invitation's organization '\(organization!.id!.idString)'.",
                fieldErrors: mismatched.map { i, _ in FieldError("roles[\(i)].organization", "must be the invitation's organization") })
        }
        return (organization, found)
    }
}
