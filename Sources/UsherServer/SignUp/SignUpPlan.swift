import Foundation
import NIOConcurrencyHelpers
import SQLKit
import UsherCore

/// The acceptance's transaction (SignUpService.accept) as a planned write: everything that can
/// be worked out before it — the ids, the account's row, the session, the code, the emails,
/// the audit entry — is, and its reads decide the rest inside it: the claim, whether an
/// address is free, which groups and roles still exist, the organization. Its two events are
/// built from what it holds and one read of the invitation's view, instead of reading the
/// invitation and the account back through Fluent.
///
/// The reads do not depend on the plan's own writes (PostgreSQL runs them first): the claim is
/// a read that writes, and the account's pending address is part of its row.
struct SignUpPlan {
    /// The claim took nothing: the invitation is no longer pending on this link.
    struct LostClaim: Error {}

    let accountId: UUID
    let account: NewAccount
    let sessionToken: String
    let code: String
    private(set) var plan = PlannedWrite()

    init(
        accountId: UUID, flow: LoginFlowModel, invitation: InvitationModel, store: IdentityStoreModel, applicationGroups: [UUID],
        submission: SignUpForm.Submission, passwordHash: String?, externalIdentity: ExternalIdentityInput?, verification: EmailVerification,
        recording: PlannedStatement?, postgres: Bool, now: Date
    ) throws {
        self.accountId = accountId
        let invitationId = invitation.id!
        let storeId = store.id!
        let address = SignUpAddress(submission, store: store)
        let invited = JSONText.decode([String: JSONValue].self, invitation.metadata) ?? [:]
        // A store without EMAIL identifies the account by the invitation's username (issue 24 item 7).
        account = NewAccount(
            store: store, email: address.accountEmail, username: InvitedUsername.of(invited, store: store), profile: submission.profile,
            metadata: InvitedUsername.accountMetadata(invited, store: store).filter { ProfileAttribute(rawValue: $0.key) == nil },
            emailVerified: submission.emailVerified, passwordHash: passwordHash, invitationId: invitationId, groupIds: [])
        let session = CustomerSession.planStart(accountId: accountId, store: storeId, clientId: flow.clientId, now: now)
        let finished = AuthorizationCodes.finishStatements(
            flow: flow, accountId: accountId, authTime: now, sessionHash: session.session.idHash, now: now)
        sessionToken = session.token
        code = finished.code

        // The audit entry names the groups the account joins: written once they are known.
        let audit: @Sendable ([UUID]) -> PlannedStatement = { groupIds in
            Audit.statement(
                actor: Actor(kind: .customer, id: accountId.idString, displayName: submission.email.value),
                action: .invitationAccepted, store: storeId, targetType: "invitation", targetId: invitationId.idString,
                details: [
                    "accountId": accountId.idString, "email": submission.email.value,
                    "emailVerified": String(submission.emailVerified), "groups": groupIds.map(\.idString).joined(separator: ","),
                    "organization": invitation.organizationId?.idString ?? "",
                ],
                at: now)
        }
        let candidateGroups = Self.groups(invitation, applicationGroups)

        // Only while the form's link is still the invitation's link: a resend retires it.
        var claim = PlannedStatement(
            """
            UPDATE invitations SET status = '\(InvitationStatus.done.rawValue)', accepted_at = ?, account_id = ?, link_secret = NULL
            WHERE id = ? AND status = '\(InvitationStatus.pending.rawValue)' AND valid_until > ?
            """, [now, accountId, invitationId, now])
        if let hash = flow.invitationLinkHash {
            claim.sql += " AND token_hash = ?"
            claim.binds.append(hash)
        }
        claim.sql += " RETURNING id"
        plan.read(claim) { rows in
            guard !rows.isEmpty else { throw LostClaim() }
            return candidateGroups.isEmpty ? [audit([])] : []
        }
        if store.supportsEmail, let email = address.accountEmail {
            // Only reachable with allowEmailMismatch (rule 5 refuses the rest at invitation time). Never for
            // a pending address: that answer would tell whether it has an account (issue 14, item 14).
            plan.read(AccountService.emailTakenRead(email, store: storeId)) { rows in
                guard rows.isEmpty else { throw Self.emailUnusable }
                return []
            }
        }
        plan.run(AccountService.insertStatement(account, id: accountId, pendingEmail: address.pendingEmail, now: now))
        let groups = addGroups(candidateGroups, store: storeId, now: now, audit: audit)
        if let externalIdentity { plan.run(externalIdentity.statement(accountId: accountId, now: now)) }
        joinOrganization(flow: flow, invitation: invitation, now: now)
        plan.append(try verification.emails(for: address, accountId: accountId, store: storeId, now: now))
        plan.run(session.statement)
        for statement in finished.statements { plan.run(statement) }
        // The form's outcome for a repeat of it (SignUpSubmissions): kept if and only if this commits.
        if let recording { plan.run(recording) }

        let account = account
        let accountView = AccountView(
            id: accountId.idString, store: storeId, email: account.email?.value, username: account.username,
            emailVerified: account.emailVerified, givenName: account.profile.givenName, familyName: account.profile.familyName,
            displayName: account.profile.displayName, phoneNumber: account.profile.phoneNumber, locale: account.profile.locale,
            metadata: account.metadata, groups: [], externalIdentities: externalIdentity.map { [$0.view(now: now)] } ?? [],
            hasPassword: passwordHash != nil, invitationId: invitationId.idString, created: now, updated: now, lastSignIn: nil)
        // The invitation as it is now (DONE, its account), with its application, organization and last email.
        plan.append(
            EventLog.plan(from: InvitationService.viewsRead(ids: [invitationId]), postgres: postgres, at: now) { rows in
                var events: [(type: EventType, store: String?, subjectId: String, data: any Encodable)] = []
                if var view = try InvitationService.views(rows: rows, knownDeliveries: [:], now: now).first {
                    view.link = nil
                    events.append((.invitationAccepted, invitation.store, view.id, view))
                }
                var created = accountView
                created.groups = groups.withLockedValue { $0 }
                events.append((.accountCreated, storeId, created.id, created))
                return events
            })
    }

    /// SPEC rule 8: the invitation's groups and the application's, as they are now.
    private static func groups(_ invitation: InvitationModel, _ applicationGroups: [UUID]) -> [UUID] {
        let invited = JSONText.decode([String].self, invitation.groups) ?? []
        return InvitationRules.groupsOnAcceptance(invited: invited, application: applicationGroups.map(\.idString))
            .compactMap(UUID.init(uuidString:))
    }

    /// A membership for each of `candidates` that still exists in the store; their names (for
    /// the account's event, sorted as its view sorts them) once the read has run.
    private mutating func addGroups(
        _ candidates: [UUID], store: String, now: Date, audit: @escaping @Sendable ([UUID]) -> PlannedStatement
    ) -> NIOLockedValueBox<[IdName]> {
        let names = NIOLockedValueBox<[IdName]>([])
        guard !candidates.isEmpty else { return names }  // the claim writes the audit entry
        let accountId = accountId
        let marks = Array(repeating: "?", count: candidates.count).joined(separator: ", ")
        plan.read(PlannedStatement("SELECT id, name FROM groups WHERE store = ? AND id IN (\(marks))", [store] + candidates)) { rows in
            struct Group: Decodable {
                var id: UUID
                var name: String
            }
            let found = try rows.map { try $0.decode(model: Group.self) }
            let existing = Set(found.map(\.id))
            names.withLockedValue { $0 = found.sorted { $0.name < $1.name }.map { IdName(id: $0.id.idString, name: $0.name) } }
            let joined = candidates.filter(existing.contains)
            return joined.map { AccountService.membershipStatement(accountId: accountId, groupId: $0, now: now) } + [audit(joined)]
        }
        return names
    }

    /// Issue 16: the account joins the invitation's organization with its roles, when it still
    /// exists (OrganizationService.join). A flow for an organization ends with the refusal of
    /// `OrganizationClaims.requireMember` unless that is the one joined: the account is new.
    private mutating func joinOrganization(flow: LoginFlowModel, invitation: InvitationModel, now: Date) {
        let joining = invitation.organizationId
        let required = flow.organizationId
        let ids = Array(Set([joining, required].compactMap { $0 }))
        guard !ids.isEmpty else { return }
        let accountId = accountId
        let memberId = UUID()
        let joined = NIOLockedValueBox(false)
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        plan.read(PlannedStatement("SELECT id, name, display_name FROM organizations WHERE id IN (\(marks))", ids)) { rows in
            struct Organization: Decodable {
                var id: UUID
                var name: String
                var display_name: String?
            }
            let found = try rows.map { try $0.decode(model: Organization.self) }
            let joins = joining.map { id in found.contains { $0.id == id } } ?? false
            if let required, !(joins && required == joining) {
                throw OrganizationClaims.notMember(
                    organizationName: found.first { $0.id == required }.map { $0.display_name ?? $0.name })
            }
            joined.withLockedValue { $0 = joins }
            guard joins, let joining else { return [] }
            return [
                .insert(
                    into: OrganizationMemberModel.schema,
                    [("id", memberId), ("organization_id", joining), ("account_id", accountId), ("created_at", now)])
            ]
        }
        let roleIds = (JSONText.decode([String].self, invitation.roles ?? "[]") ?? []).compactMap(UUID.init(uuidString:))
        guard joining != nil, !roleIds.isEmpty else { return }
        let roleMarks = Array(repeating: "?", count: roleIds.count).joined(separator: ", ")
        plan.read(PlannedStatement("SELECT id FROM roles WHERE id IN (\(roleMarks))", roleIds)) { rows in
            guard joined.withLockedValue({ $0 }) else { return [] }
            let existing = Set(try rows.map { try $0.decode(column: "id", as: UUID.self) })
            return roleIds.filter(existing.contains).map {
                .insert(into: OrganizationMemberRoleModel.schema, [("id", UUID()), ("member_id", memberId), ("role_id", $0)])
            }
        }
    }

    /// A typed address another account has (allowEmailMismatch only).
    static let emailUnusable = UsherError(
        status: 409, errorKey: .accountEmailExists, title: "Choose another email address",
        detail: "This email address cannot be used for a new account. Choose another one.",
        fieldErrors: [FieldError("email", "cannot be used for a new account; choose another address")])
}
