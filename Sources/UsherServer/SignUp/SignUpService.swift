import Fluent
import Foundation
import SQLKit
import UsherCore
import Vapor

/// Accepting an invitation: SPEC journey step 4 and rule 9, in one transaction.
struct SignUpService {
    let db: any Database

    struct Accepted: Sendable {
        var accountId: UUID
        var sessionToken: String
        var code: String
    }

    /// Creates the account with its groups, marks the invitation DONE, writes the audit entry,
    /// starts a session and issues the code — all or nothing. The invitation is claimed first
    /// with a conditional update, so of two submits (on any instances) exactly one proceeds.
    /// An address the invitation did not prove gets its link or notice email from
    /// `verification`, in this transaction; in a store with EMAIL identifiers it is held
    /// pending, whether or not it is taken (SignUpAddress). Required, so that no way of signing
    /// up (a password, an upstream identity) skips it. Once committed, the outbox is woken for
    /// that email.
    func accept(
        flow: LoginFlowModel, invitation: InvitationModel, submission: SignUpForm.Submission, passwordHash: String?,
        externalIdentity: ExternalIdentityInput? = nil, verification: EmailVerification, now: Date = Date()
    ) async throws -> Accepted {
        let invitationId = invitation.id!
        let accountId = UUID()
        guard let store = try await IdentityStoreModel.find(invitation.store, on: db) else {
            throw UsherError.notFound("identityStore", invitation.store)
        }
        let applicationGroups = try await ApplicationService(db: db).groupIds(of: invitation.applicationId)
        let invitedGroups = (JSONText.decode([String].self, invitation.groups) ?? []).compactMap(UUID.init(uuidString:))
        let address = SignUpAddress(submission, store: store)

        let accepted = try await db.write { tx in
            struct Row: Decodable { var id: UUID }
            // Only while the form's link is still the invitation's link: a resend retires it.
            let sameLink: SQLQueryString = flow.invitationLinkHash.map { " AND token_hash = \(bind: $0)" } ?? ""
            let claimed = try await tx.sql.raw(
                """
                UPDATE invitations SET status = \(InvitationStatus.done), accepted_at = \(bind: now), account_id = \(bind: accountId),
                  link_secret = NULL
                WHERE id = \(bind: invitationId) AND status = \(InvitationStatus.pending) AND valid_until > \(bind: now)\(sameLink) RETURNING id
                """
            ).all(decoding: Row.self)
            guard !claimed.isEmpty else {
                // Someone else accepted it a moment ago, or it expired, was resent or revoked meanwhile.
                throw try await InvitationLink.refusalAfterLostClaim(flow: flow, on: tx, now: now)
            }
            if store.supportsEmail, let email = address.accountEmail, try await AccountService.emailTaken(email, store: store.id!, on: tx) {
                // Only reachable with allowEmailMismatch (rule 5 refuses the rest at invitation time). Never for
                // a pending address: that answer would tell whether it has an account (issue 14, item 14).
                throw UsherError(
                    status: 409, errorKey: .accountEmailExists, title: "Choose another email address",
                    detail: "This email address cannot be used for a new account. Choose another one.",
                    fieldErrors: [FieldError("email", "cannot be used for a new account; choose another address")])
            }
            // SPEC rule 8: the invitation's groups and the application's, as they are now.
            let existingGroups = try await GroupModel.query(on: tx).filter(\.$id ~~ (invitedGroups + applicationGroups)).filter(
                \.$store == store.id!
            ).all()
            let existingIds = Set(existingGroups.compactMap(\.id))
            let groupIds = InvitationRules.groupsOnAcceptance(
                invited: invitedGroups.map(\.idString), application: applicationGroups.map(\.idString)
            )
            .compactMap(UUID.init(uuidString:)).filter(existingIds.contains)
            let invited = JSONText.decode([String: JSONValue].self, invitation.metadata) ?? [:]
            let metadata = InvitedUsername.accountMetadata(invited, store: store).filter { ProfileAttribute(rawValue: $0.key) == nil }
            // A store without EMAIL identifies the account by the invitation's username (issue 24 item 7).
            let account = try await AccountService.insert(
                NewAccount(
                    store: store, email: address.accountEmail, username: InvitedUsername.of(invited, store: store),
                    profile: submission.profile, metadata: metadata,
                    emailVerified: submission.emailVerified, passwordHash: passwordHash, invitationId: invitationId, groupIds: groupIds),
                id: accountId, on: tx, now: now)
            if let externalIdentity {
                try await externalIdentity.link(to: account.id!, on: tx, now: now)
            }
            // Issue 16: the account joins the invitation's organization with its roles, in this transaction.
            if let organizationId = invitation.organizationId, try await OrganizationModel.find(organizationId, on: tx) != nil {
                let roleIds = (JSONText.decode([String].self, invitation.roles ?? "[]") ?? []).compactMap(UUID.init(uuidString:))
                try await OrganizationService.join(accountId: accountId, organizationId: organizationId, roleIds: roleIds, on: tx, now: now)
            }
            try await verification.afterSignUp(address, accountId: accountId, store: store.id!, on: tx, now: now)
            try await Audit.record(
                on: tx, actor: Actor(kind: .customer, id: accountId.idString, displayName: submission.email.value),
                action: .invitationAccepted, store: store.id!, targetType: "invitation", targetId: invitationId.idString,
                details: [
                    "accountId": accountId.idString, "email": submission.email.value,
                    "emailVerified": String(submission.emailVerified), "groups": groupIds.map(\.idString).joined(separator: ","),
                    "organization": invitation.organizationId?.idString ?? "",
                ],
                at: now)
            let (sessionToken, session) = try await CustomerSession.start(
                accountId: accountId, store: store.id!, clientId: flow.clientId, on: tx, now: now)
            let code = try await AuthorizationCodes.finish(
                flow: flow, accountId: accountId, authTime: now, sessionHash: session.idHash, on: tx)
            try await EventLog.invitation(.invitationAccepted, id: invitationId, on: tx, at: now)
            try await EventLog.accountCreated(account, on: tx, at: now)
            return Accepted(accountId: accountId, sessionToken: sessionToken, code: code)
        }
        verification.context.mailWakeUp()
        return accepted
    }
}

/// An upstream identity to link at sign-up (the external login issue fills this in).
struct ExternalIdentityInput: Sendable {
    var providerId: UUID
    var issuer: String
    var subject: String
    var email: String?

    func link(to accountId: UUID, on tx: any Database, now: Date) async throws {
        let model = ExternalIdentityModel()
        model.id = UUID()
        model.accountId = accountId
        model.providerId = providerId
        model.issuer = issuer
        model.subject = subject
        model.email = email
        model.createdAt = now
        try await model.create(on: tx)
    }
}
