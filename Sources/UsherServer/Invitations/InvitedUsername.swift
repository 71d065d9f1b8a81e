import Fluent
import Foundation
import UsherCore

/// The username an invitation gives the account it creates (issue 24 item 7).
///
/// SPEC: a store lists the identifier kinds it supports. An invitation always goes to an email
/// address, but in a store without `EMAIL` that address is no identifier, so the invitee could
/// never sign in again. So in a store with `USERNAME`, the invitation's `metadata.username` is
/// the account's username — required when the store has no `EMAIL`, checked and reserved like
/// an admin-created account's. In a store without `USERNAME` it stays free metadata.
enum InvitedUsername {
    static let metadataKey = "username"
    static let field = "metadata.username"

    /// The username `metadata` gives an account of `store`, if the store uses usernames.
    static func of(_ metadata: [String: JSONValue], store: IdentityStoreModel) -> String? {
        guard store.supportsUsername, case .string(let username)? = metadata[metadataKey] else { return nil }
        return username
    }

    /// The metadata the account keeps: without the username, which became its identifier.
    static func accountMetadata(_ metadata: [String: JSONValue], store: IdentityStoreModel) -> [String: JSONValue] {
        store.supportsUsername ? metadata.filter { $0.key != metadataKey } : metadata
    }

    /// At invitation time: a username when the store needs one, well-formed and free.
    static func check(_ metadata: [String: JSONValue], store: IdentityStoreModel, on db: any Database) async throws {
        try validate(metadata, store: store)
        if let username = of(metadata, store: store) {
            try refuseTaken(try await AccountService.usernameTaken(username, store: store.id!, on: db))
        }
    }

    /// The checks that need no database: present when required, well-formed.
    static func validate(_ metadata: [String: JSONValue], store: IdentityStoreModel) throws {
        guard store.supportsUsername else { return }
        var validator = Validator()
        switch metadata[metadataKey] {
        case nil:
            if !store.supportsEmail { validator.add(field, "is required: the identity store identifies accounts by username") }
        case .string(let username)?:
            if let problem = AccountService.usernameProblem(username) { validator.add(field, problem) }
        default:
            validator.add(field, "must be a string")
        }
        try validator.finish()
    }

    static func refuseTaken(_ taken: Bool) throws {
        guard taken else { return }
        throw UsherError(
            status: 409, errorKey: .accountUsernameExists, title: "Conflict",
            detail: "An account with this username already exists in this identity store.",
            fieldErrors: [FieldError(field, "already belongs to an account")])
    }
}
