import Fluent
import Foundation
import SQLKit
import UsherCore
import Vapor

struct DeliveryView: Content, Equatable {
    /// queued, sending, sent, failed, cancelled.
    var status: String
    var attempts: Int
    var lastError: String?
    var sentAt: Date?
    var transport: String?
    var emailId: String
}

extension DeliveryView {
    init(_ email: OutboxMessageModel) {
        self.init(
            status: email.status, attempts: email.attempts, lastError: email.lastError, sentAt: email.sentAt, transport: email.transport,
            emailId: email.id!.idString)
    }
}

struct InvitationView: Content, Equatable {
    var id: String
    var store: String
    var applicationId: String
    var applicationName: String?
    var clientId: String
    var email: String
    var groups: [IdOnly]
    var language: String
    var metadata: [String: JSONValue]
    var status: String
    var accepted: Bool
    var sent: Date
    var validUntil: Date
    var sendCount: Int
    var createdBy: String
    var created: Date
    var acceptedAt: Date?
    var accountId: String?
    var delivery: DeliveryView?
    /// The invitation link. Only in the answer to create and resend: Usher keeps no copy.
    var link: String?
    /// The organization the invitee joins (its id; absent = non-organizational) and the roles
    /// there, as Strivacity's API shapes them (issue 16).
    var organization: String?
    var organizationName: String?
    var roles: [RoleAssignment] = []
    /// The lifecycle (SPEC: Lifecycle): first display of the sign-up form, reminders sent, and
    /// when the invitee asked for a new invitation from the expired link.
    var openedAt: Date?
    var remindersSent = 0
    var renewalRequestedAt: Date?
}

/// Strivacity's organization-role assignment: a role, in an organization.
struct RoleAssignment: Content, Equatable, Sendable {
    var id: String
    var organization: String
}

extension InvitationService {
    func view(_ invitation: InvitationModel, now: Date = Date()) async throws -> InvitationView {
        try await views([invitation], now: now)[0]
    }

    /// Views with their applications and email delivery states, in two queries for the page;
    /// what the caller already holds (just written) is not read again.
    func views(
        _ invitations: [InvitationModel], now: Date = Date(), knownApplicationNames: [UUID: String] = [:],
        knownEmails: [OutboxMessageModel] = []
    ) async throws -> [InvitationView] {
        try await Self.views(invitations, on: db, now: now, knownApplicationNames: knownApplicationNames, knownEmails: knownEmails)
    }

    /// The same on any connection: inside a transaction, for the event that records it (EventLog).
    static func views(
        _ invitations: [InvitationModel], on db: any Database, now: Date = Date(), knownApplicationNames: [UUID: String] = [:],
        knownEmails: [OutboxMessageModel] = []
    ) async throws -> [InvitationView] {
        var appNames = knownApplicationNames
        let appIds = Array(Set(invitations.map(\.applicationId)).filter { appNames[$0] == nil })
        if !appIds.isEmpty {
            struct AppName: Decodable {
                var id: UUID
                var name: String
            }
            for app in try await db.sql.raw("SELECT id, name FROM applications WHERE id IN (\(binds: appIds))").all(decoding: AppName.self)
            {
                appNames[app.id] = app.name
            }
        }
        var deliveries: [UUID: DeliveryView] = [:]
        for email in knownEmails { deliveries[email.id!] = DeliveryView(email) }
        let emailIds = invitations.compactMap(\.lastEmailId).filter { deliveries[$0] == nil }
        if !emailIds.isEmpty {
            struct Delivery: Decodable {
                var id: UUID
                var status: String
                var attempts: Int
                var last_error: String?
                var sent_at: Date?
                var transport: String?
            }
            let rows = try await db.sql.raw(
                "SELECT id, status, attempts, last_error, sent_at, transport FROM outbox WHERE id IN (\(binds: emailIds))"
            )
            .all(decoding: Delivery.self)
            for d in rows {
                deliveries[d.id] = DeliveryView(
                    status: d.status, attempts: d.attempts, lastError: d.last_error, sentAt: d.sent_at, transport: d.transport,
                    emailId: d.id.idString)
            }
        }
        var organizationNames: [UUID: String] = [:]
        let organizationIds = Array(Set(invitations.compactMap(\.organizationId)))
        if !organizationIds.isEmpty {
            for o in try await OrganizationModel.query(on: db).filter(\.$id ~~ organizationIds).all() { organizationNames[o.id!] = o.name }
        }
        return invitations.map { i in
            Self.view(
                i, applicationName: appNames[i.applicationId], delivery: i.lastEmailId.flatMap { deliveries[$0] },
                organizationName: i.organizationId.flatMap { organizationNames[$0] }, now: now)
        }
    }

    /// An invitation as the API shows it, from what the caller holds: a new invitation's view
    /// needs no read (its event and its answer are built before its transaction).
    static func view(
        _ i: InvitationModel, applicationName: String?, delivery: DeliveryView?, organizationName: String?, now: Date
    ) -> InvitationView {
        let status = InvitationRules.status(storedDone: i.status == InvitationStatus.done.rawValue, validUntil: i.validUntil, now: now)
        return InvitationView(
            id: i.id!.idString, store: i.store, applicationId: i.applicationId.idString, applicationName: applicationName,
            clientId: i.clientId, email: i.email, groups: (JSONText.decode([String].self, i.groups) ?? []).map { IdOnly(id: $0) },
            language: i.language, metadata: JSONText.decode([String: JSONValue].self, i.metadata) ?? [:],
            status: status.rawValue, accepted: status == .done, sent: i.sentAt, validUntil: i.validUntil, sendCount: i.sendCount,
            createdBy: i.createdBy, created: i.createdAt, acceptedAt: i.acceptedAt, accountId: i.accountId?.idString,
            delivery: delivery, link: nil, organization: i.organizationId?.idString, organizationName: organizationName,
            roles: i.organizationId.map { org in
                (JSONText.decode([String].self, i.roles ?? "[]") ?? []).map { RoleAssignment(id: $0, organization: org.idString) }
            } ?? [], openedAt: i.openedAt, remindersSent: i.remindersSent ?? 0, renewalRequestedAt: i.renewalRequestedAt)
    }
}

extension InvitationService {
    /// The invitations `ids` with everything their views show, in one read that a planned
    /// write can run inside its transaction (the email worker's invitation.sent events).
    static func viewsRead(ids: [UUID]) -> PlannedStatement {
        PlannedStatement(
            """
            SELECT i.*, a.name AS view_application_name, org.name AS view_organization_name, o.status AS view_delivery_status,
              o.attempts AS view_delivery_attempts, o.last_error AS view_delivery_last_error, o.sent_at AS view_delivery_sent_at,
              o.transport AS view_delivery_transport
            FROM invitations i LEFT JOIN applications a ON a.id = i.application_id LEFT JOIN organizations org ON org.id = i.organization_id
              LEFT JOIN outbox o ON o.id = i.last_email_id
            WHERE i.id IN (\(Array(repeating: "?", count: ids.count).joined(separator: ", ")))
            """, ids)
    }

    /// The views of `viewsRead`'s rows; `knownDeliveries` (by email id) stand for what the
    /// same transaction changes (PostgreSQL runs a plan's reads before its writes).
    static func views(rows: [any SQLRow], knownDeliveries: [UUID: DeliveryView], now: Date) throws -> [InvitationView] {
        struct Joined: Decodable {
            var view_application_name: String?
            var view_organization_name: String?
            var view_delivery_status: String?
            var view_delivery_attempts: Int?
            var view_delivery_last_error: String?
            var view_delivery_sent_at: Date?
            var view_delivery_transport: String?
        }
        return try rows.map { row in
            let invitation = try row.decode(model: InvitationRow.self).model
            let joined = try row.decode(model: Joined.self)
            var delivery = invitation.lastEmailId.flatMap { knownDeliveries[$0] }
            if delivery == nil, let emailId = invitation.lastEmailId, let status = joined.view_delivery_status {
                delivery = DeliveryView(
                    status: status, attempts: joined.view_delivery_attempts ?? 0, lastError: joined.view_delivery_last_error,
                    sentAt: joined.view_delivery_sent_at, transport: joined.view_delivery_transport, emailId: emailId.idString)
            }
            return view(
                invitation, applicationName: joined.view_application_name, delivery: delivery,
                organizationName: joined.view_organization_name, now: now)
        }
    }
}
