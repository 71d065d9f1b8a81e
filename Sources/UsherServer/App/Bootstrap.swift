import Fluent
import Foundation
import UsherCore
import Vapor

/// What an empty database needs before anyone can use Usher: the `default` identity store, a
/// default self-service policy, an administrator and an admin API client. Each is made only
/// when none exists, so running it again (or on several instances at once) changes nothing.
enum Bootstrap {
    static let defaultStore = "default"

    static func run(_ app: Application) async throws {
        let db = app.db
        let config = app.usher.config.bootstrap

        if try await IdentityStoreModel.query(on: db).count() == 0 {
            try await ignoringRace {
                try await db.write { tx in
                    let store = IdentityStoreModel()
                    store.id = defaultStore
                    store.identifiers = "EMAIL"
                    store.createdAt = Date()
                    try await store.create(on: tx)
                    try await Audit.record(
                        on: tx, actor: .system, action: .identityStoreCreated, store: defaultStore, targetType: "identityStore",
                        targetId: defaultStore)
                }
            }
        }

        if try await SelfServicePolicyModel.query(on: db).count() == 0 {
            try await ignoringRace {
                let policy = SelfServicePolicyModel()
                policy.id = UUID()
                policy.name = SelfServicePolicyService.defaultName
                policy.createdAt = Date()
                policy.apply(AccountInvitationOptions(), RegistrationFields())
                try await db.write { tx in
                    try await policy.create(on: tx)
                    try await Audit.record(
                        on: tx, actor: .system, action: .selfServicePolicyCreated, store: nil, targetType: "selfServicePolicy",
                        targetId: policy.id!.idString, details: ["name": policy.name])
                }
            }
        }

        if try await AdministratorModel.query(on: db).count() == 0 {
            let email = config.adminEmail ?? "admin@localhost"
            let password = config.adminPassword ?? SecretToken.generate().prefix(24).description
            let admin = AdministratorModel()
            admin.id = UUID()
            admin.email = email
            admin.emailKey = EmailAddress.normalize(email)
            admin.passwordHash = try await app.usher.passwords.hash(password)
            admin.createdAt = Date()
            let created = try await ignoringRace {
                try await db.write { tx in
                    try await admin.create(on: tx)
                    try await Audit.record(
                        on: tx, actor: .system, action: .administratorCreated, store: nil, targetType: "administrator",
                        targetId: admin.id!.idString, details: ["email": email])
                }
            }
            if created && config.adminPassword == nil {
                announce(
                    app,
                    "Created the administrator \(email) with the password \(password) — sign in at \(app.usher.config.publicURL)/admin and change it."
                )
            } else if created {
                app.logger.notice("Created the administrator \(email) from USHER_BOOTSTRAP_ADMIN_EMAIL")
            }
        }

        if try await APIClientModel.query(on: db).count() == 0 {
            let id = config.apiClientId ?? "usher-admin"
            let secret = config.apiClientSecret ?? SecretToken.generate()
            let created = try await ignoringRace {
                _ = try await APIClientService.insert(
                    id: id, name: "Bootstrap admin client", secret: secret, scopes: AdminScope.allCases, on: db, by: .system)
            }
            if created && config.apiClientSecret == nil {
                announce(
                    app,
                    "Created the admin API client \(id) with the secret \(secret) — it is shown only this once. Get a token with: curl -u '\(id):\(secret)' -d grant_type=client_credentials \(app.usher.config.publicURL)/oauth2/token"
                )
            } else if created {
                app.logger.notice("Created the admin API client \(id) from USHER_BOOTSTRAP_API_CLIENT_ID")
            }
        }
    }

    /// Another instance bootstrapping at the same instant wins: that is fine.
    @discardableResult
    private static func ignoringRace(_ body: () async throws -> Void) async throws -> Bool {
        do {
            try await body()
            return true
        } catch let error where error.isConstraintViolation {
            return false
        } catch let error as UsherError where error.status == 409 {
            return false
        }
    }

    /// Generated credentials go to standard output, once, and never into the log.
    private static func announce(_ app: Application, _ line: String) {
        FileHandle.standardOutput.write(Data("\n  \(line)\n\n".utf8))
    }
}
