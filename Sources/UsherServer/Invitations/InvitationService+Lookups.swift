import Fluent
import Foundation
import SQLKit
import UsherCore

/// What an invitation is drafted against: its identity store, and the client, application and
/// invitation options the request names (its target).
extension InvitationService {
    /// What the drafts of a bulk job's batch read once, not per row: the store and the
    /// application (the same for every row of a job).
    struct DraftLookups: Sendable {
        var store: IdentityStoreModel?
        var targets: [String: Target] = [:]

        static func key(_ request: InvitationRequest) -> String {
            request.clientId.map { "client:" + $0 } ?? "application:" + (request.applicationId ?? "")
        }
    }

    typealias Target = (applicationId: UUID, target: InvitationTarget)

    /// The store, with the target of `request` when there is one, in one read: every API
    /// create needs both (issue 21: a round trip fewer on PostgreSQL). A missing store is the
    /// 404 it always was, answered before anything about the request; a missing target is left
    /// to `draft`, which says which one.
    func lookups(store name: String, for request: InvitationRequest?) async throws -> DraftLookups {
        guard Names.isValidStoreName(name) else { throw IdentityStoreService.notFound(name) }
        let target = request.flatMap(Self.targetRead)
        var read = PlannedStatement(
            "SELECT \(IdentityStoreService.columns(of: "s", prefix: "store_")) FROM identity_stores s WHERE s.name = ?", [name])
        if let target {
            read = PlannedStatement(
                """
                SELECT \(IdentityStoreService.columns(of: "s", prefix: "store_")), t.*
                FROM identity_stores s LEFT JOIN (\(target.sql)) t ON 1 = 1 WHERE s.name = ?
                """, target.binds + [name])
        }
        guard let row = try await db.rows(read, context: context).first else { throw IdentityStoreService.notFound(name) }
        var lookups = DraftLookups(store: try IdentityStoreService.model(row, prefix: "store_"))
        if let request, target != nil, try !row.decodeNil(column: "application_id") {
            lookups.targets[DraftLookups.key(request)] = try row.decode(model: TargetRow.self).target
        }
        return lookups
    }

    /// `clientId` names the client; `applicationId` stands for the application's first client.
    func resolveTarget(_ request: InvitationRequest) async throws -> Target {
        if let clientId = request.clientId {
            guard let found = try await Self.target(clientId: clientId, on: db, context: context) else {
                throw UsherError(
                    status: 404, errorKey: .clientNotFound, title: "Not found", detail: "No OIDC client with the id '\(clientId)' exists.",
                    fieldErrors: [FieldError("clientId", "no client with this id exists")])
            }
            return found
        }
        let id = request.applicationId!
        guard let uuid = UUID(uuidString: id), let found = try await Self.target(applicationId: uuid, on: db, context: context) else {
            throw UsherError.notFound("application", id)
        }
        return found
    }

    /// The client, its application and the application's invitation options, in one joined read
    /// (every invitation and every resend needs all three; three model look-ups cost three times).
    private static let targetQuery = """
        SELECT c.client_id, c.login_url, a.id AS application_id, a.name AS application_name, a.store AS application_store,
          a.protocol AS protocol_kind, p.invitation_enabled, p.allow_email_mismatch, p.force_external_login, p.link_max_age_hours
        FROM applications a JOIN self_service_policies p ON p.id = a.policy_id
        """

    private static func targetRead(clientId: String) -> PlannedStatement {
        PlannedStatement(targetQuery + " JOIN oidc_clients c ON c.application_id = a.id WHERE c.client_id = ?", [clientId])
    }

    private static func targetRead(applicationId: UUID) -> PlannedStatement {
        PlannedStatement(
            targetQuery + " LEFT JOIN oidc_clients c ON c.application_id = a.id WHERE a.id = ? ORDER BY c.position LIMIT 1",
            [applicationId])
    }

    /// The read of the target `request` names, or nil when it names none that can exist.
    private static func targetRead(_ request: InvitationRequest) -> PlannedStatement? {
        if let clientId = request.clientId { return targetRead(clientId: clientId) }
        return request.applicationId.flatMap(UUID.init(uuidString:)).map(targetRead(applicationId:))
    }

    private struct TargetRow: Decodable {
        var client_id: String?
        var login_url: String?
        var application_id: UUID
        var application_name: String
        var application_store: String
        var protocol_kind: String
        var invitation_enabled: Bool
        var allow_email_mismatch: Bool
        var force_external_login: Bool
        var link_max_age_hours: Int

        var target: Target {
            let options = AccountInvitationOptions(
                enabled: invitation_enabled, allowEmailMismatch: allow_email_mismatch,
                forceUsingExternalLogin: force_external_login, linkMaxAgeHours: link_max_age_hours)
            return (
                application_id,
                InvitationTarget(
                    applicationName: application_name, applicationStore: application_store,
                    protocolKind: ApplicationProtocol(rawValue: protocol_kind) ?? .saml2, clientId: client_id, loginURL: login_url,
                    options: options)
            )
        }
    }

    static func target(clientId: String, on db: any Database, context: UsherContext? = nil) async throws -> Target? {
        try await db.rows(targetRead(clientId: clientId), context: context).first?.decode(model: TargetRow.self).target
    }

    static func target(applicationId: UUID, on db: any Database, context: UsherContext? = nil) async throws -> Target? {
        try await db.rows(targetRead(applicationId: applicationId), context: context).first?.decode(model: TargetRow.self).target
    }
}
