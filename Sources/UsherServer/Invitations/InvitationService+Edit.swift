import Fluent
import Foundation
import SQLKit
import UsherCore
import Vapor

/// SPEC: Edit. A pending or expired invitation's `metadata`, `groups`, `language` and
/// `validUntil` can be corrected in place; its email and application cannot (revoke and invite
/// again). The link stays the same.
struct InvitationEdit: Sendable {
    /// The metadata after the merge patch (RFC 7386), when `metadata` was sent.
    var metadata: [String: JSONValue]?
    var groupIds: [String]?
    var language: String?
    var validUntil: Date?

    static let immutableFields = ["email", "clientId", "applicationId", "store", "organization", "roles"]

    /// Reads a JSON merge patch; `current` is the stored metadata it applies to.
    static func read(_ r: JSONObjectReader, current: [String: JSONValue], now: Date) throws -> InvitationEdit {
        let immutable = immutableFields.filter { r.values[$0] != nil }
        if !immutable.isEmpty {
            for key in immutable { _ = r.raw(key) }
            throw UsherError.badRequest(
                .invitationImmutableField,
                "An invitation's \(immutable.joined(separator: " and ")) cannot be changed. Revoke it and invite again.",
                fieldErrors: immutable.map { FieldError($0, "cannot be changed; revoke the invitation and invite again") })
        }
        var edit = InvitationEdit()
        if r.values["metadata"] != nil {
            if r.values["metadata"] == .null {
                _ = r.raw("metadata")
                edit.metadata = [:]
            } else if let patch = AccountService.readMetadata(r) {
                edit.metadata = Self.merge(current, patch)
            }
        }
        if r.values["groups"] != nil { edit.groupIds = r.idReferences("groups", maxCount: 50) ?? [] }
        if let language = r.string("language", max: 35) {
            if LanguageTag.isValid(language) {
                edit.language = language
            } else {
                r.sink.add("language", "must be a BCP 47 language tag such as en-US")
            }
        }
        if let raw = r.string("validUntil", max: 40) {
            let maxAhead = TimeInterval(AccountInvitationOptions.linkMaxAgeRange.upperBound) * 3600
            if let date = ISO8601DateFormatter().date(from: raw), date > now, date <= now.addingTimeInterval(maxAhead) {
                edit.validUntil = date
            } else {
                r.sink.add("validUntil", "must be an ISO 8601 date and time in the future, at most 720 hours ahead")
            }
        }
        try r.validate()
        if let metadata = edit.metadata {
            // The result must still be a valid invitation's metadata (profile strings, sizes).
            let check = JSONObjectReader(["metadata": .object(metadata)], path: "")
            _ = AccountService.readMetadata(check)
            InvitationMetadata.checkProfile(metadata, into: check.sink)
            try check.validate()
        }
        return edit
    }

    /// RFC 7386: `null` removes a key, an object merges into an object, anything else replaces.
    static func merge(_ target: [String: JSONValue], _ patch: [String: JSONValue]) -> [String: JSONValue] {
        var result = target
        for (key, value) in patch {
            switch value {
            case .null:
                result[key] = nil
            case .object(let inner):
                if case .object(let existing)? = result[key] {
                    result[key] = .object(merge(existing, inner))
                } else {
                    result[key] = .object(merge([:], inner))
                }
            default:
                result[key] = value
            }
        }
        return result
    }
}

extension InvitationService {
    func edit(store: String, id: String, reader r: JSONObjectReader, by actor: Actor, now: Date = Date()) async throws -> InvitationView {
        let invitation = try await require(store: store, id: id)
        if InvitationLink.status(of: invitation, now: now) == .done {
            throw UsherError.conflict(
                .invitationAlreadyAccepted, "This invitation was already accepted; an accepted invitation cannot be edited.")
        }
        let edit = try InvitationEdit.read(r, current: JSONText.decode([String: JSONValue].self, invitation.metadata) ?? [:], now: now)
        var resolvedGroups: String?
        if let ids = edit.groupIds {
            let groups = try await GroupService(db: db).resolve(ids)
            try GroupService.requireSameStore(groups, store: store)
            resolvedGroups = JSONText.encode(groups.map { $0.id!.idString })
        }
        let groupsJSON = resolvedGroups
        let invitationId = invitation.id!
        let changed = [
            edit.metadata.map { _ in "metadata" }, edit.groupIds.map { _ in "groups" }, edit.language.map { _ in "language" },
            edit.validUntil.map { _ in "validUntil" },
        ].compactMap { $0 }
        let updated = try await db.write { tx in
            var sets: [SQLQueryString] = []
            if let m = edit.metadata { sets.append("metadata = \(bind: JSONText.encode(m))") }
            if let g = groupsJSON { sets.append("groups = \(bind: g)") }
            if let l = edit.language { sets.append("language = \(bind: l)") }
            if let v = edit.validUntil {
                // A new validUntil makes an expired invitation pending again; its reminders start over.
                sets.append("valid_until = \(bind: v)")
                sets.append("expired_at = NULL")
                sets.append("reminders_sent = 0")
            }
            if !sets.isEmpty {
                // Conditional on PENDING, so an edit racing with acceptance changes nothing.
                let rows = try await tx.sql.raw(
                    "UPDATE invitations SET \(sets.joined(separator: ", ")) WHERE id = \(bind: invitationId) AND status = \(InvitationStatus.pending) RETURNING id"
                ).all()
                guard !rows.isEmpty else {
                    throw UsherError.conflict(.invitationAlreadyAccepted, "This invitation was accepted a moment ago; it cannot be edited.")
                }
            }
            guard let fresh = try await InvitationModel.find(invitationId, on: tx) else { throw UsherError.notFound("invitation", id) }
            try await Audit.record(
                on: tx, actor: actor, action: .invitationUpdated, store: store, targetType: "invitation", targetId: id,
                details: ["changed": changed.joined(separator: ",")], at: now)
            try await EventLog.invitation(.invitationUpdated, fresh, on: tx, at: now)
            return fresh
        }
        return try await view(updated, now: now)
    }
}
