import Fluent
import SQLKit
import Foundation
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
}

/// What an administrator asks for when inviting someone.
struct InvitationRequest: Sendable {
    var clientId: String?
    var applicationId: String?
    var email: EmailAddress
    var groupIds: [String]
    var language: String
    /// The prefilled profile ("Basic Information") and free metadata, as given.
    var metadata: [String: JSONValue]

    var profile: Profile { Self.profile(from: metadata) }

    /// The profile attributes among an invitation's metadata: its "Basic Information".
    static func profile(from metadata: [String: JSONValue]) -> Profile {
        var p = Profile()
        for attribute in ProfileAttribute.allCases {
            if case .string(let s)? = metadata[attribute.rawValue] { p[attribute] = s }
        }
        return p.normalized
    }

    /// Reads and checks the create body; every problem is reported by field (SPEC rule 12).
    static func read(_ r: JSONObjectReader) throws -> InvitationRequest {
        let clientId = r.string("clientId", max: 100)
        let applicationId = r.string("applicationId", max: 64)
        if clientId == nil && applicationId == nil && !r.sink.errors.contains(where: { $0.field == "clientId" || $0.field == "applicationId" }) {
            r.sink.add("clientId", "is required (or give applicationId)")
        }
        let rawEmail = r.string("email", required: true, max: EmailAddress.maxLength)
        let email = rawEmail.flatMap(EmailAddress.init)
        if rawEmail != nil && email == nil { r.sink.add("email", "is not a valid email address") }
        let groupIds = r.idReferences("groups", maxCount: 50) ?? []
        let language = r.string("language", max: 35) ?? LanguageTag.defaultTag
        if !LanguageTag.isValid(language) { r.sink.add("language", "must be a BCP 47 language tag such as en-US") }
        let metadata = AccountService.readMetadata(r) ?? [:]
        var profile = Profile()
        for attribute in ProfileAttribute.allCases {
            guard let v = metadata[attribute.rawValue] else { continue }
            guard case .string(let s) = v else {
                if v != .null { r.sink.add("metadata.\(attribute.rawValue)", "must be a string") }
                continue
            }
            profile[attribute] = s
        }
        var validator = Validator()
        profile.validate(into: &validator, prefix: "metadata.")
        for e in validator.errors { r.sink.add(e.field, e.message) }
        try r.validate()
        return InvitationRequest(clientId: clientId, applicationId: applicationId, email: email!, groupIds: groupIds, language: language, metadata: metadata)
    }
}

/// The filters of the Invitations list (API and console).
struct InvitationFilter: Sendable {
    var statuses: [InvitationStatus] = []
    var accepted: Bool?
    var email: String?
    /// Part of an email, for the console's search box.
    var search: String?
    var clientId: String?
}

/// Everything that happens to invitations: create, list, view, resend, revoke. The admin API
/// and the console both call these and hold no invitation rule of their own.
struct InvitationService {
    let db: any Database
    let context: UsherContext

    // MARK: Create

    func create(store storeName: String, _ request: InvitationRequest, by actor: Actor) async throws -> InvitationView {
        let store = try await IdentityStoreService(db: db).require(storeName)
        let (applicationId, target) = try await resolveTarget(request)
        let options = target.options
        // SPEC rules 1, 2, 3.
        try InvitationRules.checkInvitable(target, store: storeName)
        let groups = try await GroupService(db: db).resolve(request.groupIds)
        try GroupService.requireSameStore(groups, store: storeName)

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
        invitation.sentAt = now
        invitation.validUntil = InvitationRules.validUntil(from: now, options: options)
        invitation.sendCount = 1
        invitation.createdBy = actor.auditName
        invitation.createdAt = now
        let link = Self.link(loginURL: target.loginURL!, issuer: context.config.issuer, token: token)
        let email = try InvitationEmail.compose(
            invitation: invitation, applicationName: target.applicationName, inviter: actor.displayName, link: link,
            recipientName: request.profile.fullName, templates: context.templates)

        let message = try Outbox.message(email, linkToken: token, sealer: OutboxLinkSealer(secrets: context.secrets), invitationId: invitation.id!,
                                         store: storeName, retryPeriod: context.config.mailRetryPeriod, now: now)
        invitation.lastEmailId = message.id
        do {
            try await db.write { tx in
                // SPEC rule 5: always denied when the invite method is read-only and the email has an account.
                let taken = store.supportsEmail ? try await AccountService.emailTaken(request.email, store: storeName, on: tx) : false
                try InvitationRules.checkExistingAccount(emailTaken: taken, options: options)
                // SPEC rule 7: one pending invitation per email and store.
                let pending = try await self.pendingInvitationId(email: request.email, store: storeName, on: tx)
                try InvitationRules.checkNoPendingDuplicate(existingPendingId: pending?.idString)

                try await invitation.insert(on: tx)
                try await message.insert(on: tx)
                try await Audit.record(on: tx, actor: actor, action: "invitation.created", store: storeName, targetType: "invitation",
                                       targetId: invitation.id!.idString,
                                       details: ["email": request.email.value, "applicationId": applicationId.idString, "clientId": invitation.clientId])
            }
        } catch let error where error.isConstraintViolation {
            // Another request created a pending invitation for this email at the same moment.
            let pending = try await pendingInvitationId(email: request.email, store: storeName, on: db)
            try InvitationRules.checkNoPendingDuplicate(existingPendingId: pending?.idString ?? "unknown")
            throw error
        }
        context.mailWakeUp()
        var view = try await views([invitation], now: now, knownApplicationNames: [applicationId: target.applicationName], knownEmails: [message])[0]
        view.link = link
        return view
    }

    static let tokenPrefix = "inv_"

    /// The invitation link: the application's login URL with the OIDC third-party-initiated
    /// login parameters; `login_hint` carries the token (SPEC: the invitee's journey, step 1).
    static func link(loginURL: String, issuer: String, token: String) -> String {
        RedirectURI.appending([("iss", issuer), ("login_hint", token)], to: loginURL)
    }

    /// `clientId` names the client; `applicationId` stands for the application's first client.
    private func resolveTarget(_ request: InvitationRequest) async throws -> (applicationId: UUID, target: InvitationTarget) {
        if let clientId = request.clientId {
            guard let found = try await Self.target(clientId: clientId, on: db) else {
                throw UsherError(status: 404, errorKey: "client.notFound", title: "Not found", detail: "No OIDC client with the id '\(clientId)' exists.",
                                 fieldErrors: [FieldError("clientId", "no client with this id exists")])
            }
            return found
        }
        let id = request.applicationId!
        guard let uuid = UUID(uuidString: id), let found = try await Self.target(applicationId: uuid, on: db) else {
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

        var target: (applicationId: UUID, target: InvitationTarget) {
            let options = AccountInvitationOptions(enabled: invitation_enabled, allowEmailMismatch: allow_email_mismatch,
                                                   forceUsingExternalLogin: force_external_login, linkMaxAgeHours: link_max_age_hours)
            return (application_id, InvitationTarget(
                applicationName: application_name, applicationStore: application_store,
                protocolKind: ApplicationProtocol(rawValue: protocol_kind) ?? .saml2, clientId: client_id, loginURL: login_url, options: options))
        }
    }

    private static func target(clientId: String, on db: any Database) async throws -> (applicationId: UUID, target: InvitationTarget)? {
        try await db.sql.raw("\(unsafeRaw: targetQuery) JOIN oidc_clients c ON c.application_id = a.id WHERE c.client_id = \(bind: clientId)")
            .first(decoding: TargetRow.self)?.target
    }

    private static func target(applicationId: UUID, on db: any Database) async throws -> (applicationId: UUID, target: InvitationTarget)? {
        try await db.sql.raw("""
            \(unsafeRaw: targetQuery) LEFT JOIN oidc_clients c ON c.application_id = a.id WHERE a.id = \(bind: applicationId)
            ORDER BY c.position LIMIT 1
            """).first(decoding: TargetRow.self)?.target
    }

    private func pendingInvitationId(email: EmailAddress, store: String, on db: any Database) async throws -> UUID? {
        try await db.sql.raw("""
            SELECT id FROM invitations WHERE store = \(bind: store) AND email_key = \(bind: email.normalized) AND status = 'PENDING' LIMIT 1
            """).first()?.decode(column: "id", as: UUID.self)
    }

    // MARK: Read

    func require(store: String, id: String) async throws -> InvitationModel {
        guard let uuid = UUID(uuidString: id), let invitation = try await InvitationModel.find(uuid, on: db), invitation.store == store else {
            throw UsherError.notFound("invitation", id)
        }
        return invitation
    }

    func get(store: String, id: String) async throws -> InvitationView {
        _ = try await IdentityStoreService(db: db).require(store)
        return try await view(try await require(store: store, id: id))
    }

    /// One page of a store's invitations. Written in SQL rather than Fluent for two reasons
    /// that matter with a million invitations: the total is counted only up to
    /// `Listing.countCap` (an exact count walks every matching index entry on every page), and
    /// one row past the page says whether there is a next page without counting at all.
    ///
    /// With `after` (a cursor from the previous page's `X-Next-Cursor`) the page starts just past
    /// that row instead of at an offset: keyset pagination, constant time at any depth.
    func list(store: String, filter: InvitationFilter, sort: SortOrder, page: PageRequest, after: InvitationCursor? = nil,
              now: Date = Date()) async throws -> Listing<InvitationView> {
        _ = try await IdentityStoreService(db: db).require(store)
        var conditions: [SQLQueryString] = ["store = \(bind: store)"]
        if !filter.statuses.isEmpty {
            let any = filter.statuses.map { status -> SQLQueryString in
                switch status {
                case .done: "status = \(bind: InvitationStatus.done.rawValue)"
                case .pending: "(status = \(bind: InvitationStatus.pending.rawValue) AND valid_until > \(bind: now))"
                case .expired: "(status = \(bind: InvitationStatus.pending.rawValue) AND valid_until <= \(bind: now))"
                }
            }
            conditions.append("(" + any.joined(separator: " OR ") + ")")
        }
        if let accepted = filter.accepted {
            conditions.append(accepted ? "status = \(bind: InvitationStatus.done.rawValue)" : "status <> \(bind: InvitationStatus.done.rawValue)")
        }
        if let email = filter.email { conditions.append("email_key = \(bind: EmailAddress.normalize(email))") }
        if let search = filter.search, !search.isEmpty {
            conditions.append("email_key LIKE \(bind: "%\(AccountService.escapeLike(search.lowercased()))%")")
        }
        if let clientId = filter.clientId { conditions.append("client_id = \(bind: clientId)") }
        let matching = conditions.joined(separator: " AND ")
        let column: String = switch sort.field {
        case "sent": "sent_at"
        case "validUntil": "valid_until"
        case "email": "email_key"
        case "status": "status"
        default: "created_at"
        }
        let direction = sort.ascending ? "ASC" : "DESC"
        var seek: SQLQueryString = ""
        var offset = page.offset
        if let after {
            // A row value comparison, in the ORDER BY's order, so the index seeks to it. The
            // sort value is read from the row itself while it exists: a date that went through
            // a Double and back may be off by a microsecond, and would repeat or skip a row.
            // Only for a row revoked in between does the value the cursor carries stand in.
            let carried: SQLQueryString = switch after.value {
            case .date(let date): "\(bind: date)"
            case .text(let text): "\(bind: text)"
            }
            seek = " AND (\(unsafeRaw: column), id) \(unsafeRaw: sort.ascending ? ">" : "<") (COALESCE((SELECT \(unsafeRaw: column) FROM invitations WHERE id = \(bind: after.id)), "
                + carried + "), \(bind: after.id))"
            offset = 0
        }
        let sql = db.sql
        // Whole rows in the same query, decoded without Fluent's per-row reflection.
        let rows = try await sql.raw("""
            SELECT * FROM invitations WHERE \(matching)\(seek)
            ORDER BY \(unsafeRaw: column) \(unsafeRaw: direction), id \(unsafeRaw: direction)
            LIMIT \(unsafeRaw: String(page.size + 1)) OFFSET \(unsafeRaw: String(offset))
            """).all(decoding: InvitationRow.self)
        let hasNext = rows.count > page.size
        let invitations = rows.prefix(page.size).map(\.model)
        var nextCursor: InvitationCursor?
        if hasNext, let last = invitations.last {
            let value: InvitationCursor.Value = switch column {
            case "sent_at": .date(last.sentAt)
            case "valid_until": .date(last.validUntil)
            case "email_key": .text(last.emailKey)
            case "status": .text(last.status)
            default: .date(last.createdAt)
            }
            nextCursor = InvitationCursor(sort: InvitationCursor.sortKey(sort), value: value, id: last.id!)
        }

        let total: Int?
        if page.page == 0, after == nil, !hasNext {
            total = invitations.count
        } else {
            let counted = try await sql.raw("""
                SELECT COUNT(*) AS n FROM (SELECT 1 FROM invitations WHERE \(matching) LIMIT \(unsafeRaw: String(Listing<InvitationView>.countCap + 1))) capped
                """).first()?.decode(column: "n", as: Int.self) ?? 0
            total = counted > Listing<InvitationView>.countCap ? nil : counted
        }
        var listing = Listing(items: try await views(invitations, now: now), total: total, hasNext: hasNext)
        listing.nextCursor = nextCursor?.encoded
        listing.pagedByCursor = after != nil
        return listing
    }

    static let sortFields = ["created", "sent", "validUntil", "email", "status"]

    func view(_ invitation: InvitationModel, now: Date = Date()) async throws -> InvitationView {
        try await views([invitation], now: now)[0]
    }

    /// Views with their applications and email delivery states, in two queries for the page;
    /// what the caller already holds (just written) is not read again.
    func views(_ invitations: [InvitationModel], now: Date = Date(), knownApplicationNames: [UUID: String] = [:],
               knownEmails: [OutboxMessageModel] = []) async throws -> [InvitationView] {
        var appNames = knownApplicationNames
        let appIds = Array(Set(invitations.map(\.applicationId)).filter { appNames[$0] == nil })
        if !appIds.isEmpty {
            struct AppName: Decodable { var id: UUID; var name: String }
            for app in try await db.sql.raw("SELECT id, name FROM applications WHERE id IN (\(binds: appIds))").all(decoding: AppName.self) {
                appNames[app.id] = app.name
            }
        }
        var deliveries: [UUID: DeliveryView] = [:]
        for email in knownEmails {
            deliveries[email.id!] = DeliveryView(status: email.status, attempts: email.attempts, lastError: email.lastError, sentAt: email.sentAt,
                                                 transport: email.transport, emailId: email.id!.idString)
        }
        let emailIds = invitations.compactMap(\.lastEmailId).filter { deliveries[$0] == nil }
        if !emailIds.isEmpty {
            struct Delivery: Decodable { var id: UUID; var status: String; var attempts: Int; var last_error: String?; var sent_at: Date?; var transport: String? }
            let rows = try await db.sql.raw("SELECT id, status, attempts, last_error, sent_at, transport FROM outbox WHERE id IN (\(binds: emailIds))")
                .all(decoding: Delivery.self)
            for d in rows {
                deliveries[d.id] = DeliveryView(status: d.status, attempts: d.attempts, lastError: d.last_error, sentAt: d.sent_at, transport: d.transport,
                                                emailId: d.id.idString)
            }
        }
        return invitations.map { i in
            let status = InvitationRules.status(storedDone: i.status == InvitationStatus.done.rawValue, validUntil: i.validUntil, now: now)
            return InvitationView(
                id: i.id!.idString, store: i.store, applicationId: i.applicationId.idString, applicationName: appNames[i.applicationId],
                clientId: i.clientId, email: i.email, groups: (JSONText.decode([String].self, i.groups) ?? []).map { IdOnly(id: $0) },
                language: i.language, metadata: JSONText.decode([String: JSONValue].self, i.metadata) ?? [:],
                status: status.rawValue, accepted: status == .done, sent: i.sentAt, validUntil: i.validUntil, sendCount: i.sendCount,
                createdBy: i.createdBy, created: i.createdAt, acceptedAt: i.acceptedAt, accountId: i.accountId?.idString,
                delivery: i.lastEmailId.flatMap { deliveries[$0] }, link: nil)
        }
    }

    // MARK: Resend

    /// SPEC rule 10: a new link (the old one dies), a new validUntil, and the email again.
    func resend(store: String, id: String, by actor: Actor) async throws -> InvitationView {
        let invitation = try await require(store: store, id: id)
        let now = Date()
        try InvitationRules.checkResendable(InvitationRules.status(storedDone: invitation.status == InvitationStatus.done.rawValue, validUntil: invitation.validUntil, now: now))
        try await context.rateLimiter.hit(RateLimiter.resendPerInvitation, key: invitation.id!.idString, on: db)
        guard let (applicationId, target) = try await Self.target(clientId: invitation.clientId, on: db), applicationId == invitation.applicationId else {
            throw UsherError.conflict("invitation.applicationGone", "The application or client of this invitation no longer exists; revoke it and invite again.")
        }
        let options = target.options
        try InvitationRules.checkInvitable(target, store: store)

        let token = SecretToken.generate(prefix: Self.tokenPrefix)
        let link = Self.link(loginURL: target.loginURL!, issuer: context.config.issuer, token: token)
        let validUntil = InvitationRules.validUntil(from: now, options: options)
        let profile = InvitationRequest.profile(from: JSONText.decode([String: JSONValue].self, invitation.metadata) ?? [:])
        let invitationId = invitation.id!
        let tokenHash = SecretToken.hash(token)

        let oldTokenHash = invitation.tokenHash
        let updated = try await db.write { tx in
            // Conditional on PENDING, so a resend racing with acceptance cannot revive it.
            let rows = try await tx.sql.raw("""
                UPDATE invitations SET token_hash = \(bind: tokenHash), valid_until = \(bind: validUntil), sent_at = \(bind: now),
                  send_count = send_count + 1
                WHERE id = \(bind: invitationId) AND status = 'PENDING' RETURNING id
                """).all()
            guard !rows.isEmpty else {
                throw UsherError.conflict("invitation.alreadyAccepted", "This invitation was accepted a moment ago; there is nothing to resend.")
            }
            try await RetiredLinkModel(tokenHash: oldTokenHash, reason: InvitationLinkRefusal.replaced.rawValue, invitationId: invitationId, at: now).create(on: tx)
            guard let fresh = try await InvitationModel.find(invitationId, on: tx) else { throw UsherError.notFound("invitation", id) }
            let email = try InvitationEmail.compose(invitation: fresh, applicationName: target.applicationName, inviter: actor.displayName, link: link,
                                                    recipientName: profile.fullName, templates: self.context.templates)
            // An older email still waiting carries a dead link: it is not sent any more.
            try await Outbox.cancelQueued(invitationId: invitationId, reason: "superseded by a resend", on: tx)
            let message = try Outbox.message(email, linkToken: token, sealer: OutboxLinkSealer(secrets: self.context.secrets), invitationId: invitationId,
                                             store: store, retryPeriod: self.context.config.mailRetryPeriod, now: now)
            try await message.insert(on: tx)
            fresh.lastEmailId = message.id
            try await fresh.save(on: tx)
            try await Audit.record(on: tx, actor: actor, action: "invitation.resent", store: store, targetType: "invitation", targetId: id,
                                   details: ["email": fresh.email, "sendCount": String(fresh.sendCount)])
            return fresh
        }
        context.mailWakeUp()
        var view = try await self.view(updated)
        view.link = link
        return view
    }

    // MARK: Revoke

    /// SPEC rule 11: gone from every list, its link dead at once; the audit log remembers.
    func revoke(store: String, id: String, by actor: Actor) async throws {
        let invitation = try await require(store: store, id: id)
        try InvitationRules.checkRevocable(InvitationRules.status(storedDone: invitation.status == InvitationStatus.done.rawValue, validUntil: invitation.validUntil, now: Date()))
        let invitationId = invitation.id!
        try await db.write { tx in
            let rows = try await tx.sql.raw("DELETE FROM invitations WHERE id = \(bind: invitationId) AND status = 'PENDING' RETURNING id").all()
            guard !rows.isEmpty else {
                throw UsherError.conflict("invitation.alreadyAccepted", "This invitation was accepted a moment ago and cannot be revoked.")
            }
            try await RetiredLinkModel(tokenHash: invitation.tokenHash, reason: InvitationLinkRefusal.revoked.rawValue, invitationId: invitationId, at: Date()).create(on: tx)
            try await Outbox.cancelQueued(invitationId: invitationId, reason: "invitation revoked", on: tx)
            try await LoginFlowModel.query(on: tx).filter(\.$invitationId == invitationId).delete()
            try await Audit.record(on: tx, actor: actor, action: "invitation.revoked", store: store, targetType: "invitation", targetId: id,
                                   details: ["email": invitation.email, "applicationId": invitation.applicationId.idString, "createdBy": invitation.createdBy])
        }
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
