import Fluent
import Foundation
import SQLKit
import UsherCore
import Vapor

struct OrganizationView: Content, Equatable {
    var id: String
    var store: String
    var name: String
    var displayName: String?
    var domains: [String]
    var memberCount: Int?
    var created: Date
    var updated: Date
}

/// Organizations: the business customers of a store (B2B), each with its members and their
/// roles (SPEC: the Organization concept). Members live in OrganizationService+Members.
struct OrganizationService: NamedStoreResourceService {
    let db: any Database

    static func view(_ o: OrganizationModel, memberCount: Int? = nil) -> OrganizationView {
        OrganizationView(
            id: o.id!.idString, store: o.store, name: o.name, displayName: o.displayName,
            domains: JSONText.decode([String].self, o.domains) ?? [], memberCount: memberCount, created: o.createdAt, updated: o.updatedAt)
    }

    func list(store: String, page: PageRequest, name: String?) async throws -> Listing<OrganizationView> {
        let (organizations, total) = try await OrganizationModel.page(in: store, named: name, page: page, on: db)
        return Listing(items: organizations.map { Self.view($0) }, total: total)
    }

    /// Every organization of a store, by name (the console's pickers).
    func all(store: String) async throws -> [OrganizationModel] { try await OrganizationModel.all(in: store, on: db) }

    func require(store: String, id: String) async throws -> OrganizationModel {
        try await OrganizationModel.require(id, in: store, on: db)
    }

    func get(store: String, id: String) async throws -> OrganizationView {
        let organization = try await require(store: store, id: id)
        let members = try await OrganizationMemberModel.query(on: db).filter(\.$organizationId == organization.id!).count()
        return Self.view(organization, memberCount: members)
    }

    func create(store: String, reader r: JSONObjectReader, by actor: Actor) async throws -> OrganizationView {
        _ = try await IdentityStoreService(db: db).require(store)
        let name = r.string("name", required: true, max: 100)
        let displayName = r.string("displayName", max: 200, allowEmpty: true)
        let domains = Self.readDomains(r)
        try r.validate()
        let now = Date()
        let organization = OrganizationModel()
        organization.id = UUID()
        organization.store = store
        organization.name = name!
        organization.displayName = displayName?.isEmpty == true ? nil : displayName
        organization.domains = JSONText.encode(domains ?? [])
        organization.createdAt = now
        organization.updatedAt = now
        try await organization.save(auditing: .organizationCreated, by: actor, on: db)
        return Self.view(organization, memberCount: 0)
    }

    func update(store: String, id: String, reader r: JSONObjectReader, by actor: Actor) async throws -> OrganizationView {
        let organization = try await require(store: store, id: id)
        let name = r.string("name", max: 100)
        let displayName = r.string("displayName", max: 200, allowEmpty: true)
        let domains = Self.readDomains(r)
        try r.validate()
        if let name { organization.name = name }
        if r.values["displayName"] != nil { organization.displayName = displayName?.isEmpty == true ? nil : displayName }
        if r.values["domains"] != nil { organization.domains = JSONText.encode(domains ?? []) }
        organization.updatedAt = Date()
        try await organization.save(auditing: .organizationUpdated, by: actor, on: db)
        return try await get(store: store, id: id)
    }

    /// Deleting an organization ends its memberships; the accounts stay. An organization that
    /// pending invitations name cannot go (their invitees would join nothing): revoke them first.
    func delete(store: String, id: String, by actor: Actor) async throws {
        let organization = try await require(store: store, id: id)
        try await db.write { tx in
            struct Row: Decodable { var id: UUID }
            let pending = try await tx.sql.raw(
                """
                SELECT id FROM invitations WHERE organization_id = \(bind: organization.id!) AND status = \(InvitationStatus.pending) LIMIT 1
                """
            ).all(decoding: Row.self)
            if let first = pending.first {
                throw UsherError.conflict(
                    .organizationHasPendingInvitations,
                    "The organization '\(organization.name)' has pending invitations; revoke them before deleting it.",
                    conflictingId: first.id.idString)
            }
            let members = try await OrganizationMemberModel.query(on: tx).filter(\.$organizationId == organization.id!).all().compactMap(
                \.id)
            if !members.isEmpty { try await OrganizationMemberRoleModel.query(on: tx).filter(\.$memberId ~~ members).delete() }
            try await OrganizationMemberModel.query(on: tx).filter(\.$organizationId == organization.id!).delete()
            try await organization.delete(on: tx)
            try await Audit.record(
                on: tx, actor: actor, action: .organizationDeleted, store: store, targetType: "organization", targetId: id,
                details: ["name": organization.name])
        }
    }

    /// `domains: ["example.com", …]`: lower-cased, each a plausible DNS name, no duplicates.
    static func readDomains(_ r: JSONObjectReader) -> [String]? {
        guard let raw = r.stringArray("domains", maxCount: 50, maxLength: 253) else { return nil }
        var domains: [String] = []
        for (i, d) in raw.enumerated() {
            let domain = d.lowercased()
            let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
            let valid =
                labels.count >= 2
                && labels.allSatisfy { label in
                    (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                        && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
                }
            guard valid else {
                r.sink.add("domains[\(i)]", "must be a domain name such as example.com")
                continue
            }
            if !domains.contains(domain) { domains.append(domain) }
        }
        return domains
    }
}

extension OrganizationView: Identifiable {}

extension OrganizationModel: StoreNamedModel {
    static let noun = "organization"
    static var storeField: KeyPath<OrganizationModel, FieldProperty<OrganizationModel, String>> { \.$store }
    static var nameField: KeyPath<OrganizationModel, FieldProperty<OrganizationModel, String>> { \.$name }
    var nameTaken: UsherError {
        .conflict(.organizationExists, "An organization named '\(name)' already exists in the identity store '\(store)'.")
    }
}
