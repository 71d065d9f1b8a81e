import Fluent
import Foundation
import SQLKit
import UsherCore
import Vapor

/// Everything that happens to invitations: create, list, view, resend, revoke. The admin API
/// and the console both call these and hold no invitation rule of their own.
struct InvitationService {
    let db: any Database
    let context: UsherContext

    // MARK: Create

    /// `alsoWrite` runs inside the invitation's transaction, after it is written (a bulk job
    /// records the row's result there, so a row is never created twice).
    func create(
        store storeName: String, _ request: InvitationRequest, by actor: Actor, emailDue: Date? = nil,
        alsoWrite: (@Sendable (any Database, UUID) async throws -> Void)? = nil
    ) async throws -> InvitationView {
        let lookups = try await self.lookups(store: storeName, for: request)
        return try await create(lookups: lookups, request, by: actor, emailDue: emailDue, alsoWrite: alsoWrite)
    }

    /// The same with the store (and the target) the caller has read already: the API route,
    /// which answers a missing store's 404 before it looks at the body.
    func create(
        lookups: DraftLookups, _ request: InvitationRequest, by actor: Actor, emailDue: Date? = nil,
        alsoWrite: (@Sendable (any Database, UUID) async throws -> Void)? = nil
    ) async throws -> InvitationView {
        let storeName = lookups.store!.id!
        var lookups = lookups
        let draft = try await self.draft(store: storeName, request, by: actor, emailDue: emailDue, lookups: &lookups)
        let plan = self.plan(draft)
        do {
            if let alsoWrite {
                try await db.write { tx in
                    try await tx.sql.run(plan)
                    try await alsoWrite(tx, draft.invitation.id!)
                }
            } else {
                // On SQLite, committed together with the invitations created at the same moment.
                try await db.write(plan, groupCommit: context.groupCommit)
            }
        } catch let error where error.isConstraintViolation {
            // Another request created a pending invitation for this email at the same moment.
            let pending = try await pendingInvitationId(email: request.email, store: storeName, on: db)
            try InvitationRules.checkNoPendingDuplicate(existingPendingId: pending?.idString ?? "unknown")
            throw error
        }
        context.mailWakeUp()
        var view = draft.view
        view.link = draft.link
        return view
    }

    /// An invitation ready to be written: everything `create` reads and builds before its
    /// transaction. A bulk job drafts a batch of rows, then writes them in one transaction.
    struct Draft: Sendable {
        var storeModel: IdentityStoreModel
        var request: InvitationRequest
        var actor: Actor
        var applicationId: UUID
        var target: InvitationTarget
        var invitation: InvitationModel
        var message: OutboxMessageModel
        var link: String
        var now: Date
        /// As the API shows it once written (its event's data; with `link`, the answer).
        var view: InvitationView
    }

    /// Reads and checks what needs no transaction (SPEC rules 1, 2, 3, the groups, the
    /// organization) and builds the invitation and its email. `emailDue`: when its email may
    /// go out at the earliest (a bulk job paces its emails, docs/email.md); now when nil.
    func draft(store storeName: String, _ request: InvitationRequest, by actor: Actor, emailDue: Date? = nil) async throws -> Draft {
        var lookups = DraftLookups()
        return try await draft(store: storeName, request, by: actor, emailDue: emailDue, lookups: &lookups)
    }

    func draft(
        store storeName: String, _ request: InvitationRequest, by actor: Actor, emailDue: Date? = nil, lookups: inout DraftLookups
    ) async throws -> Draft {
        let store: IdentityStoreModel
        if let known = lookups.store, known.id == storeName {
            store = known
        } else {
            store = try await IdentityStoreService(db: db).require(storeName, context: context)
            lookups.store = store
        }
        let targetKey = DraftLookups.key(request)
        let (applicationId, target): Target
        if let known = lookups.targets[targetKey] {
            (applicationId, target) = known
        } else {
            (applicationId, target) = try await resolveTarget(request)
            lookups.targets[targetKey] = (applicationId, target)
        }
        let options = target.options
        // SPEC rules 1, 2, 3.
        try InvitationRules.checkInvitable(target, store: storeName)
        let groups = try await GroupService(db: db).resolve(request.groupIds)
        try GroupService.requireSameStore(groups, store: storeName)
        // Strivacity's organization and roles (issue 16): unknown ids 404, another organization's role 400.
        let (organization, roles) = try await request.organization.resolve(store: storeName, on: db)

        let now = Date()
        let token = SecretToken.generate(prefix: Self.tokenPrefix)
        let invitation = InvitationModel()
        invitation.id = UUID()
        invitation.store = storeName
        invitation.applicationId = applicationId
        invitation.clientId = target.clientId!
        invitation.email = request.email.value
        invitation.emailKey = request.email.normalized
        invitation.groups = JSONText.encode(groups.map { $0.id!.idString })
        invitation.metadata = JSONText.encode(request.metadata)
        invitation.language = request.language
        invitation.status = InvitationStatus.pending.rawValue
        invitation.tokenHash = SecretToken.hash(token)
        invitation.linkSecret = try OutboxLinkSealer.forInvitations(context.secrets).seal(token: token, messageId: invitation.id!)
        invitation.remindersSent = 0
        invitation.sentAt = now
        invitation.validUntil = InvitationRules.validUntil(from: now, options: options)
        invitation.sendCount = 1
        invitation.createdBy = actor.auditName
        invitation.createdAt = now
        invitation.organizationId = organization?.id
        invitation.roles = organization.map { _ in JSONText.encode(roles.map { $0.id!.idString }) }
        let link = Self.link(loginURL: target.loginURL!, issuer: context.config.issuer, token: token)
        let email = try InvitationEmail.compose(
            invitation: invitation, applicationName: target.applicationName, inviter: actor.displayName, link: link,
            recipientName: request.profile.fullName, templates: context.templates)

        let message = try Outbox.message(
            email, linkToken: token, sealer: OutboxLinkSealer(secrets: context.secrets), invitationId: invitation.id!,
            store: storeName, retryPeriod: context.config.mailRetryPeriod, now: now, due: emailDue)
        invitation.lastEmailId = message.id
        let view = Self.view(
            invitation, applicationName: target.applicationName, delivery: DeliveryView(message), organizationName: organization?.name,
            now: now)
        return Draft(
            storeModel: store, request: request, actor: actor, applicationId: applicationId, target: target, invitation: invitation,
            message: message, link: link, now: now, view: view)
    }

    /// The rules that need the transaction (5, 7, the username), then the invitation, its email,
    /// its audit record and its event. A refusal throws before anything is written, so the
    /// transaction stays usable for the next row of a batch.
    func plan(_ draft: Draft) -> PlannedWrite {
        let request = draft.request
        let store = draft.storeModel
        let storeName = draft.invitation.store
        let options = draft.target.options
        let username = InvitedUsername.of(request.metadata, store: store)
        var plan = PlannedWrite()
        // One read for the three questions: has the email an account, a pending invitation, is the username taken.
        let pending = InvitationStatus.pending.rawValue
        plan.read(
            PlannedStatement(
                """
                SELECT \(store.supportsEmail ? "(SELECT 1 FROM accounts WHERE store = ? AND email_key = ? LIMIT 1)" : "NULL") AS email_taken,
                (SELECT id FROM invitations WHERE store = ? AND email_key = ? AND status = '\(pending)' LIMIT 1) AS pending_id,
                \(username != nil ? "(SELECT 1 FROM accounts WHERE store = ? AND username_key = ? LIMIT 1)" : "NULL") AS username_taken
                """,
                (store.supportsEmail ? [storeName, request.email.normalized] : []) + [storeName, request.email.normalized]
                    + (username.map { [storeName, $0.lowercased()] } ?? []))
        ) { rows in
            let row = rows.first
            // SPEC rule 5: always denied when the invite method is read-only and the email has an account.
            try InvitationRules.checkExistingAccount(emailTaken: try row?.decodeNil(column: "email_taken") == false, options: options)
            // SPEC rule 7: one pending invitation per email and store.
            let pendingId = try row.flatMap {
                try $0.decodeNil(column: "pending_id") ? nil : try $0.decode(column: "pending_id", as: UUID.self)
            }
            try InvitationRules.checkNoPendingDuplicate(existingPendingId: pendingId?.idString)
            // A store without EMAIL needs the account's username now (issue 24 item 7).
            try InvitedUsername.validate(request.metadata, store: store)
            try InvitedUsername.refuseTaken(try row?.decodeNil(column: "username_taken") == false)
            return []
        }
        plan.run(draft.invitation.insertStatement)
        plan.run(draft.message.insertStatement)
        plan.run(
            Audit.statement(
                actor: draft.actor, action: .invitationCreated, store: storeName, targetType: "invitation",
                targetId: draft.invitation.id!.idString,
                details: [
                    "email": request.email.value, "applicationId": draft.applicationId.idString, "clientId": draft.invitation.clientId,
                ],
                at: draft.now))
        plan.append(EventLog.plan(.invitationCreated, store: storeName, subjectId: draft.view.id, data: draft.view, at: draft.now))
        return plan
    }

    static let tokenPrefix = "inv_"

    /// The invitation link: the application's login URL with the OIDC third-party-initiated
    /// login parameters; `login_hint` carries the token (SPEC: the invitee's journey, step 1).
    static func link(loginURL: String, issuer: String, token: String) -> String {
        RedirectURI.appending([("iss", issuer), ("login_hint", token)], to: loginURL)
    }

    func pendingInvitationId(email: EmailAddress, store: String, on db: any Database) async throws -> UUID? {
        try await db.sql.raw(
            """
            SELECT id FROM invitations WHERE store = \(bind: store) AND email_key = \(bind: email.normalized) AND status = \(InvitationStatus.pending) LIMIT 1
            """
        ).first()?.decode(column: "id", as: UUID.self)
    }

    // MARK: The link

    /// Finds the invitation a link token belongs to. Only the hash is looked up, and the stored
    /// hash is compared in constant time.
    static func find(token: String, on db: any Database) async throws -> InvitationModel? {
        guard token.hasPrefix(tokenPrefix), token.count < 200 else { return nil }
        let hash = SecretToken.hash(token)
        guard let invitation = try await InvitationModel.query(on: db).filter(\.$tokenHash == hash).first(),
            SecretToken.constantTimeEquals(invitation.tokenHash, hash)
        else { return nil }
        return invitation
    }
}
