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
        return InvitationRequest(
            clientId: clientId, applicationId: applicationId, email: email!, groupIds: groupIds, language: language, metadata: metadata)
    }
}
