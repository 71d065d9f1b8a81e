import Fluent
import Foundation
import SQLKit
import UsherCore
import Vapor

struct ExternalIdentityView: Content, Equatable {
    var providerId: String
    var issuer: String
    var subject: String
    var email: String?
    var linked: Date
}

struct AccountView: Content, Equatable, Identifiable {
    var id: String
    var store: String
    var email: String?
    var username: String?
    var emailVerified: Bool
    var givenName: String?
    var familyName: String?
    var displayName: String?
    var phoneNumber: String?
    var locale: String?
    var metadata: [String: JSONValue]
    var groups: [IdName]
    var externalIdentities: [ExternalIdentityView]
    var hasPassword: Bool
    var invitationId: String?
    var created: Date
    var updated: Date
    var lastSignIn: Date?
}

/// What a new account is made of, however it is created (admin API, console, invitation).
struct NewAccount: Sendable {
    var store: IdentityStoreModel
    var email: EmailAddress?
    var username: String?
    var profile: Profile
    var metadata: [String: JSONValue]
    var emailVerified: Bool
    var passwordHash: String?
    var invitationId: UUID?
    var groupIds: [UUID]
}

/// Customer accounts.
struct AccountService: StoreResourceService {
    let db: any Database
    let passwords: PasswordHashing?

    func require(store: String, id: String) async throws -> AccountModel {
        let account = try await AccountModel.require(id, noun: "account", on: db)
        guard account.store == store else { throw UsherError.notFound("account", id) }
        return account
    }

    func get(store: String, id: String) async throws -> AccountView { try await view(try await require(store: store, id: id)) }

    static let usernameMaxLength = 64

    /// What is wrong with a username, if anything: the one owner of the rule (admin API, invitations).
    static func usernameProblem(_ username: String) -> String? {
        if username.isEmpty || username.count > usernameMaxLength { return "must be 1 to \(usernameMaxLength) characters" }
        guard username.allSatisfy({ $0.isLetter || $0.isNumber || "._-@".contains($0) }) else {
            return "may hold only letters, digits, '.', '_', '-' and '@'"
        }
        return nil
    }

    /// Whether an account in `store` has this username (case-insensitive, as the unique key is).
    static func usernameTaken(_ username: String, store: String, on db: any Database) async throws -> Bool {
        try await db.sql.raw(
            "SELECT 1 AS taken FROM accounts WHERE store = \(bind: store) AND username_key = \(bind: username.lowercased()) LIMIT 1"
        )
        .first() != nil
    }

    /// Whether an account in `store` has this email (SPEC rule 5 asks this).
    static func emailTaken(_ email: EmailAddress, store: String, on db: any Database) async throws -> Bool {
        try await db.sql.raw(emailTakenRead(email, store: store).query).first() != nil
    }

    /// The same as a read of a planned write: a row when the address is taken.
    static func emailTakenRead(_ email: EmailAddress, store: String) -> PlannedStatement {
        PlannedStatement("SELECT 1 AS taken FROM accounts WHERE store = ? AND email_key = ? LIMIT 1", [store, email.normalized])
    }

    /// Inserts an account with its memberships. Runs inside the caller's transaction.
    /// A taken email or username is a 409, whichever instance got there first.
    @discardableResult
    static func insert(_ new: NewAccount, id: UUID = UUID(), on tx: any Database, now: Date) async throws -> AccountModel {
        let account = AccountModel()
        account.id = id
        account.store = new.store.id!
        account.email = new.email?.value
        // The unique key only exists when the store uses email as an identifier (SPEC rule 4).
        account.emailKey = new.store.supportsEmail ? new.email?.normalized : nil
        account.username = new.username
        account.usernameKey = new.username?.lowercased()
        account.givenName = new.profile.givenName
        account.familyName = new.profile.familyName
        account.displayName = new.profile.displayName
        account.phoneNumber = new.profile.phoneNumber
        account.locale = new.profile.locale
        account.metadata = JSONText.encode(new.metadata)
        account.emailVerified = new.emailVerified
        account.passwordHash = new.passwordHash
        account.invitationId = new.invitationId
        account.createdAt = now
        account.updatedAt = now
        do {
            try await account.create(on: tx)
        } catch let error where error.isConstraintViolation {
            // No query here: on PostgreSQL the failed statement has aborted the transaction.
            throw Self.conflict(error, new) ?? Self.usernameExists
        }
        for groupId in new.groupIds {
            try await MembershipModel(accountId: account.id!, groupId: groupId, createdAt: now).create(on: tx)
        }
        return account
    }

    /// The account's row as `insert` writes it, as a statement of a planned write (a sign-up:
    /// no Fluent reflection), with the address it holds apart (`SignUpAddress.pending`).
    static func insertStatement(_ new: NewAccount, id: UUID, pendingEmail: EmailAddress?, now: Date) -> PlannedStatement {
        .insert(
            into: AccountModel.schema,
            [
                ("id", id), ("store", new.store.id!), ("email", new.email?.value),
                // The unique key only exists when the store uses email as an identifier (SPEC rule 4).
                ("email_key", new.store.supportsEmail ? new.email?.normalized : nil), ("username", new.username),
                ("username_key", new.username?.lowercased()), ("given_name", new.profile.givenName),
                ("family_name", new.profile.familyName), ("display_name", new.profile.displayName),
                ("phone_number", new.profile.phoneNumber), ("locale", new.profile.locale), ("metadata", JSONText.encode(new.metadata)),
                ("email_verified", new.emailVerified), ("password_hash", new.passwordHash), ("invitation_id", new.invitationId),
                ("created_at", now), ("updated_at", now), ("pending_email", pendingEmail?.value),
            ])
    }

    /// A membership's row, as `insert` writes it for each of the account's groups.
    static func membershipStatement(accountId: UUID, groupId: UUID, now: Date) -> PlannedStatement {
        .insert(into: MembershipModel.schema, [("id", UUID()), ("account_id", accountId), ("group_id", groupId), ("created_at", now)])
    }

    /// The 409 for a constraint the account's row broke, if it was one of its identifiers': the
    /// constraint's name (PostgreSQL) or its columns (SQLite) say which one it was.
    static func conflict(_ error: any Error, _ new: NewAccount) -> UsherError? {
        guard error.isConstraintViolation else { return nil }
        let message = String(reflecting: error)
        if new.email != nil, message.contains("email_key") {
            return UsherError(
                status: 409, errorKey: .accountEmailExists, title: "Conflict",
                detail: "An account with this email address already exists in this identity store.",
                fieldErrors: [FieldError("email", "already belongs to an account")])
        }
        return message.contains("username_key") ? usernameExists : nil
    }

    private static let usernameExists = UsherError(
        status: 409, errorKey: .accountUsernameExists, title: "Conflict",
        detail: "An account with this username already exists in this identity store.",
        fieldErrors: [FieldError("username", "already belongs to an account")])

    // MARK: - Views

    func view(_ account: AccountModel) async throws -> AccountView {
        try await views([account.id!]).first!
    }

    /// Views of many accounts with two more queries in all, not two per account.
    func views(_ ids: [UUID]) async throws -> [AccountView] {
        guard !ids.isEmpty else { return [] }
        let accounts = try await AccountModel.query(on: db).filter(\.$id ~~ ids).all()
        return try await views(of: accounts, order: ids)
    }

    func views(of accounts: [AccountModel], order: [UUID]? = nil) async throws -> [AccountView] {
        guard !accounts.isEmpty else { return [] }
        let ids = accounts.map { $0.id! }
        let memberships = try await MembershipModel.query(on: db).filter(\.$accountId ~~ ids).all()
        let groupIds = Array(Set(memberships.map(\.groupId)))
        let groups = groupIds.isEmpty ? [] : try await GroupModel.query(on: db).filter(\.$id ~~ groupIds).all()
        let groupById = Dictionary(groups.map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        let externals = try await ExternalIdentityModel.query(on: db).filter(\.$accountId ~~ ids).all()
        let byId = Dictionary(accounts.map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        return (order ?? ids).compactMap { id in
            guard let a = byId[id] else { return nil }
            let groupViews = memberships.filter { $0.accountId == id }.compactMap { m in groupById[m.groupId] }
                .sorted { $0.name < $1.name }.map { IdName(id: $0.id!.idString, name: $0.name) }
            let externalViews = externals.filter { $0.accountId == id }.map {
                ExternalIdentityView(
                    providerId: $0.providerId.idString, issuer: $0.issuer, subject: $0.subject, email: $0.email, linked: $0.createdAt)
            }
            return AccountView(
                id: id.idString, store: a.store, email: a.email, username: a.username, emailVerified: a.emailVerified,
                givenName: a.givenName, familyName: a.familyName, displayName: a.displayName, phoneNumber: a.phoneNumber, locale: a.locale,
                metadata: JSONText.decode([String: JSONValue].self, a.metadata) ?? [:], groups: groupViews,
                externalIdentities: externalViews,
                hasPassword: a.passwordHash != nil, invitationId: a.invitationId?.idString, created: a.createdAt, updated: a.updatedAt,
                lastSignIn: a.lastSignInAt)
        }
    }

    // MARK: - Admin API use cases

    func list(store: String, email: String?, search: String?, page: PageRequest) async throws -> Listing<AccountView> {
        _ = try await IdentityStoreService(db: db).require(store)
        let query = AccountModel.query(on: db).filter(\.$store == store)
        if let email { query.filter(\.$emailKey == EmailAddress.normalize(email)) }
        if let search, !search.isEmpty {
            let term = search.lowercased()
            query.group(.or) { or in
                or.filter(\.$emailKey, .custom("LIKE"), "%\(Self.escapeLike(term))%")
                or.filter(\.$usernameKey, .custom("LIKE"), "%\(Self.escapeLike(term))%")
            }
        }
        let total = try await query.count()
        let accounts = try await query.sort(\.$createdAt, .descending).sort(\.$id, .descending).range(
            page.offset..<(page.offset + page.size)
        ).all()
        return Listing(items: try await views(of: accounts), total: total)
    }

    static func escapeLike(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "")
    }

    /// Reads the profile fields of an account body (create or update).
    static func readProfile(_ r: JSONObjectReader, into profile: inout Profile) {
        for attribute in ProfileAttribute.allCases where r.has(attribute.rawValue) {
            let value = r.string(attribute.rawValue, max: attribute.maxLength, allowEmpty: true)
            profile[attribute] = value
        }
        var validator = Validator()
        profile.normalized.validate(into: &validator, prefix: r.path.isEmpty ? "" : r.path + ".")
        for e in validator.errors where !r.sink.errors.contains(where: { $0.field == e.field }) { r.sink.add(e.field, e.message) }
        profile = profile.normalized
    }

    static func readMetadata(_ r: JSONObjectReader, key: String = "metadata") -> [String: JSONValue]? {
        guard let value = r.raw(key) else { return nil }
        guard case .object(let object) = value else {
            r.sink.add(r.field(key), "must be an object")
            return nil
        }
        if object.count > 50 { r.sink.add(r.field(key), "must have at most 50 keys") }
        if value.size > 8192 { r.sink.add(r.field(key), "must be at most 8 KB") }
        for k in object.keys where k.isEmpty || k.count > 64 { r.sink.add(r.field(key), "keys must be 1 to 64 characters") }
        return object
    }

    func create(store storeName: String, reader r: JSONObjectReader, by actor: Actor) async throws -> AccountView {
        let store = try await IdentityStoreService(db: db).require(storeName)
        let rawEmail = r.string("email", max: EmailAddress.maxLength)
        let email = rawEmail.flatMap(EmailAddress.init)
        if rawEmail != nil && email == nil { r.sink.add("email", "is not a valid email address") }
        let username = r.string("username", max: Self.usernameMaxLength)
        if let username, let problem = Self.usernameProblem(username) { r.sink.add("username", problem) }
        let needsEmail = store.supportsEmail && !store.supportsUsername
        let needsUsername = store.supportsUsername && !store.supportsEmail
        if needsEmail && rawEmail == nil { r.sink.add("email", "is required: the identity store identifies accounts by email") }
        if needsUsername && username == nil { r.sink.add("username", "is required: the identity store identifies accounts by username") }
        if !needsEmail && !needsUsername && rawEmail == nil && username == nil { r.sink.add("email", "or a username is required") }
        let password = r.string("password", max: 256, allowEmpty: false)
        if let password, let problem = PasswordPolicy().problem(password: password, confirmation: nil, email: email?.value) {
            r.sink.add("password", problem)
        }
        var profile = Profile()
        Self.readProfile(r, into: &profile)
        let metadata = Self.readMetadata(r) ?? [:]
        let emailVerified = r.bool("emailVerified") ?? false
        let groupIds = r.idReferences("groups") ?? []
        try r.validate()

        let groups = try await GroupService(db: db).resolve(groupIds)
        try GroupService.requireSameStore(groups, store: storeName)
        let hash: String?
        if let password, let passwords { hash = try await passwords.hash(password) } else { hash = nil }

        let new = NewAccount(
            store: store, email: email, username: username, profile: profile, metadata: metadata,
            emailVerified: emailVerified, passwordHash: hash, invitationId: nil, groupIds: groups.map { $0.id! })
        let account = try await db.write { tx in
            let now = Date()
            let account = try await Self.insert(new, on: tx, now: now)
            try await Audit.record(
                on: tx, actor: actor, action: .accountCreated, store: storeName, targetType: "account", targetId: account.id!.idString)
            try await EventLog.accountCreated(account, on: tx, at: now)
            return account
        }
        return try await view(account)
    }

    func update(store: String, id: String, reader r: JSONObjectReader, by actor: Actor) async throws -> AccountView {
        let account = try await require(store: store, id: id)
        let storeModel = try await IdentityStoreService(db: db).require(store)
        var newEmail: EmailAddress?
        if r.has("email") {
            let raw = r.string("email", max: EmailAddress.maxLength)
            newEmail = raw.flatMap(EmailAddress.init)
            if raw != nil && newEmail == nil { r.sink.add("email", "is not a valid email address") }
        }
        let password = r.string("password", max: 256)
        if let password,
            let problem = PasswordPolicy().problem(password: password, confirmation: nil, email: newEmail?.value ?? account.email)
        {
            r.sink.add("password", problem)
        }
        var profile = Profile(
            givenName: account.givenName, familyName: account.familyName, displayName: account.displayName,
            phoneNumber: account.phoneNumber, locale: account.locale)
        Self.readProfile(r, into: &profile)
        let metadata = Self.readMetadata(r)
        let emailVerified = r.bool("emailVerified")
        let groupIds = r.idReferences("groups")
        try r.validate()

        let groups: [GroupModel]? = if let groupIds { try await GroupService(db: db).resolve(groupIds) } else { nil }
        if let groups { try GroupService.requireSameStore(groups, store: store) }
        let hash: String? = if let password, let passwords { try await passwords.hash(password) } else { nil }

        if let newEmail, newEmail.normalized != account.emailKey {
            account.email = newEmail.value
            account.emailKey = storeModel.supportsEmail ? newEmail.normalized : nil
            account.emailVerified = false
        }
        if let emailVerified { account.emailVerified = emailVerified }
        account.givenName = profile.givenName
        account.familyName = profile.familyName
        account.displayName = profile.displayName
        account.phoneNumber = profile.phoneNumber
        account.locale = profile.locale
        if let metadata { account.metadata = JSONText.encode(metadata) }
        if let hash { account.passwordHash = hash }
        account.updatedAt = Date()
        do {
            try await db.write { tx in
                try await account.save(on: tx)
                if let groups {
                    try await MembershipModel.query(on: tx).filter(\.$accountId == account.id!).delete()
                    for g in groups { try await MembershipModel(accountId: account.id!, groupId: g.id!, createdAt: Date()).create(on: tx) }
                }
                try await Audit.record(
                    on: tx, actor: actor, action: .accountUpdated, store: store, targetType: "account", targetId: id,
                    details: password != nil ? ["password": "changed"] : [:])
            }
        } catch let error where error.isConstraintViolation {
            throw UsherError(
                status: 409, errorKey: .accountEmailExists, title: "Conflict",
                detail: "An account with this email address already exists in this identity store.",
                fieldErrors: [FieldError("email", "already belongs to an account")])
        }
        return try await view(account)
    }

    func delete(store: String, id: String, by actor: Actor) async throws {
        let account = try await require(store: store, id: id)
        try await db.write { tx in
            // The account as it was (groups, identities), before any of it goes in this transaction.
            try await EventLog.account(.accountDeleted, id: account.id!, on: tx, at: Date())
            try await MembershipModel.query(on: tx).filter(\.$accountId == account.id!).delete()
            try await ExternalIdentityModel.query(on: tx).filter(\.$accountId == account.id!).delete()
            try await SessionModel.query(on: tx).filter(\.$kind == "customer").filter(\.$subjectId == account.id!).delete()
            try await RefreshTokenModel.query(on: tx).filter(\.$accountId == account.id!).delete()
            try await account.delete(on: tx)
            try await Audit.record(on: tx, actor: actor, action: .accountDeleted, store: store, targetType: "account", targetId: id)
        }
    }
}
