import Fluent
import Foundation
import SQLKit
import UsherCore
import Vapor

/// What an administrator asks for when inviting someone.
struct InvitationRequest: Sendable {
    var clientId: String?
    var applicationId: String?
    var email: EmailAddress
    var groupIds: [String]
    var language: String
    /// The prefilled profile ("Basic Information") and free metadata, as given.
    var metadata: [String: JSONValue]
    /// Strivacity's `organization` and `roles: [{id, organization}]` (issue 16).
    var organization = InvitationOrganizationRequest()

    var profile: Profile { Self.profile(from: metadata) }

    /// The profile attributes among an invitation's metadata, flat or as Strivacity nests them.
    static func profile(from metadata: [String: JSONValue]) -> Profile { InvitationMetadata.profile(from: metadata) }

    /// Reads and checks the create body; every problem is reported by field (SPEC rule 12).
    static func read(_ r: JSONObjectReader) throws -> InvitationRequest {
        let clientId = r.string("clientId", max: 100)
        let applicationId = r.string("applicationId", max: 64)
        if clientId == nil && applicationId == nil
            && !r.sink.errors.contains(where: { $0.field == "clientId" || $0.field == "applicationId" })
        {
            r.sink.add("clientId", "is required (or give applicationId)")
        }
        let rawEmail = r.string("email", required: true, max: EmailAddress.maxLength)
        let email = rawEmail.flatMap(EmailAddress.init)
        if rawEmail != nil && email == nil { r.sink.add("email", "is not a valid email address") }
        let groupIds = r.idReferences("groups", maxCount: 50) ?? []
        let language = r.string("language", max: 35) ?? LanguageTag.defaultTag
        if !LanguageTag.isValid(language) { r.sink.add("language", "must be a BCP 47 language tag such as en-US") }
        let metadata = AccountService.readMetadata(r) ?? [:]
        InvitationMetadata.checkProfile(metadata, into: r.sink)
        let organization = InvitationOrganizationRequest.read(r)
        try r.validate()
        return InvitationRequest(
            clientId: clientId, applicationId: applicationId, email: email!, groupIds: groupIds, language: language, metadata: metadata,
            organization: organization)
    }

    /// Strivacity's create takes `X-Skip-Email-Verification` and `X-Skip-Phone-Verification`.
    /// Usher accepts them so such clients work unchanged, and checks they are booleans. They
    /// change nothing here: the invitation link proves the invited address, so it is never
    /// verified again, and Usher does not verify phone numbers; an address the invitee types
    /// instead (allowEmailMismatch) is still verified, as it was not proven by anything.
    static func checkSkipVerificationHeaders(_ headers: HTTPHeaders) throws {
        var errors: [FieldError] = []
        for name in ["X-Skip-Email-Verification", "X-Skip-Phone-Verification"] {
            for value in headers[name] where !["true", "false"].contains(value.trimmingCharacters(in: .whitespaces).lowercased()) {
                errors.append(FieldError(name, "must be true or false"))
            }
        }
        if !errors.isEmpty {
            throw UsherError.badRequest(.requestInvalid, "The X-Skip-…-Verification headers take true or false.", fieldErrors: errors)
        }
    }
}
