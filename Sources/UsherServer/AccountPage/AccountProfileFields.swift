import Fluent
import Foundation
import UsherCore

/// Which profile fields the account page shows and takes (issue 23): the field modes
/// (`options.registration.fields`) of the self-service policy of the application the session
/// was started for — hidden fields are not shown and not changed, read-only ones are shown and
/// not changed, required ones may not be emptied. A session started without an application (or
/// for one that is gone or in another store) follows the default policy ("Default").
enum AccountProfileFields {
    static func modes(for session: CustomerSession, account: AccountModel, on db: any Database) async throws -> RegistrationFields {
        if let clientId = session.clientId, let client = try await OIDCClientModel.find(clientId, on: db),
            let application = try await ApplicationModel.find(client.applicationId, on: db), application.store == account.store,
            let policy = try await SelfServicePolicyModel.find(application.policyId, on: db)
        {
            return policy.fields
        }
        return (try? await SelfServicePolicyService(db: db).defaultPolicy().fields) ?? RegistrationFields()
    }
}
