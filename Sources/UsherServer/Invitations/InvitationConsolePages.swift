import Fluent
import Foundation
import UsherCore
import Vapor

/// The console's invitation page: what it is and where its email stands, and Resend, Revoke
/// and Edit, through the same service functions as the admin API.
extension ConsoleRoutes {
    func invitation(_ req: Request) async throws -> Response {
        let store = try req.storeName()
        let service = InvitationService(db: req.db, context: req.usher)
        let i = try await service.get(store: store, id: try req.uuidParameter("id").idString)
        let groupIds = i.groups.compactMap { UUID(uuidString: $0.id) }
        let groups = groupIds.isEmpty ? [] : try await GroupModel.query(on: req.db).filter(\.$id ~~ groupIds).sort(\.$name).all()
        let account: AccountView? =
            if let accountId = i.accountId { try? await AccountService(db: req.db, passwords: nil).get(store: store, id: accountId) } else {
                nil
            }
        let c = InvitationConsolePage(
            id: i.id, store: store, email: i.email, status: InvitationStatus(rawValue: i.status)?.label ?? i.status,
            statusClass: i.status.lowercased(), application: i.applicationName ?? "", clientId: i.clientId, language: i.language,
            languageName: Self.languages.first { $0.0 == i.language }.map { "\($0.1) (\(i.language))" } ?? i.language,
            sent: Self.date(i.sent), validUntil: Self.date(i.validUntil), created: Self.date(i.created), createdBy: i.createdBy,
            inviter: try await ActorNames.inviter(i.createdBy, on: req.db),
            timesSent: i.sendCount == 1 ? "sent once" : "sent \(i.sendCount) times",
            acceptedAt: i.acceptedAt.map { Self.date($0) },
            sendCount: i.sendCount, groups: groups.map(\.name), accountId: i.accountId,
            accountLabel: i.accountId.map { id in account.map { $0.email ?? $0.username ?? id } ?? "\(id) (deleted)" },
            done: i.status == "DONE",
            metadata: i.metadata.keys.sorted().map { k in
                let v: String = if case .string(let s) = i.metadata[k]! { s } else { JSONText.encode(i.metadata[k]!) }
                return .init(key: ProfileAttribute(rawValue: k)?.label ?? k, value: v)
            },
            delivery: i.delivery.map { d in
                .init(
                    status: d.status, attempts: d.attempts, lastError: d.lastError.flatMap { $0.isEmpty ? nil : $0 },
                    sentAt: d.sentAt.map { Self.date($0) }, transport: d.transport, emailId: d.emailId)
            },
            formError: req.query[String.self, at: "error"],
            renewalRequested: i.renewalRequestedAt.map { Self.date($0) }, openedAt: i.openedAt.map { Self.date($0) },
            remindersSent: i.remindersSent,
            edit: try await editForm(req, store: store, invitation: i))
        return page(req, "console/invitation", "Invitation", c, section: "accounts")
    }

    func resend(_ req: Request) async throws -> Response {
        let store = try req.storeName()
        let id = try req.uuidParameter("id").idString
        do {
            _ = try await InvitationService(db: req.db, context: req.usher).resend(store: store, id: id, by: try req.consoleActor)
            return Response.seeOther("/admin/invitations/\(store)/\(id)?notice=resent")
        } catch let error as UsherError where error.status == 409 || error.status == 429 {
            return Response.seeOther(
                "/admin/invitations/\(store)/\(id)?error="
                    + (error.detail.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        }
    }

    func revoke(_ req: Request) async throws -> Response {
        let store = try req.storeName()
        let id = try req.uuidParameter("id").idString
        guard ConsoleConfirmation.isConfirmed(req) else {
            let invitation = try await InvitationService(db: req.db, context: req.usher).get(store: store, id: id)
            return ConsoleConfirmation.ask(
                req,
                .init(
                    question: "Revoke the invitation for \(invitation.email)?",
                    consequence: "Its link stops working at once and the invitation goes from every list. An account it created stays.",
                    button: "Revoke", cancel: "/admin/invitations/\(store)/\(id)"),
                section: "accounts")
        }
        do {
            try await InvitationService(db: req.db, context: req.usher).revoke(store: store, id: id, by: try req.consoleActor)
            return Response.seeOther("/admin/accounts?store=\(store)&tab=invitations&notice=revoked")
        } catch let error as UsherError where error.status == 409 {
            return Response.seeOther(
                "/admin/invitations/\(store)/\(id)?error="
                    + (error.detail.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        }
    }

    /// The Edit form: Basic Information, groups, language and valid until, as they are now.
    private func editForm(_ req: Request, store: String, invitation i: InvitationView) async throws -> InvitationConsolePage.EditForm? {
        guard i.status != InvitationStatus.done.rawValue else { return nil }
        let profile = InvitationMetadata.profile(from: i.metadata)
        let chosen = Set(i.groups.map(\.id))
        let groups = try await GroupModel.query(on: req.db).filter(\.$store == store).sort(\.$name).all()
        return .init(
            profile: ProfileAttribute.allCases.map { .init(name: $0.rawValue, label: $0.label, value: profile[$0] ?? "") },
            groups: groups.map { .init(id: $0.id!.idString, name: $0.name, checked: chosen.contains($0.id!.idString)) },
            hasGroups: !groups.isEmpty,
            languages: Self.languages.map { .init(tag: $0.0, name: $0.1, selected: $0.0 == i.language) },
            validUntil: Self.dateTimeLocal(i.validUntil))
    }

    /// Edit, from the detail page: the same JSON merge patch the API takes, built from the form.
    /// An emptied attribute is removed from the metadata.
    func editInvitation(_ req: Request) async throws -> Response {
        let store = try req.storeName()
        let id = try req.uuidParameter("id").idString
        // The form mixes single fields and the group checkboxes (an array), so it is read as both.
        struct Posted: Decodable {
            var givenName, familyName, displayName, phoneNumber, locale, language, validUntil: String?
            var group: [String]?
        }
        let posted = try? req.content.decode(Posted.self)
        let form: [String: String] = [
            "givenName": posted?.givenName, "familyName": posted?.familyName, "displayName": posted?.displayName,
            "phoneNumber": posted?.phoneNumber, "locale": posted?.locale, "language": posted?.language, "validUntil": posted?.validUntil,
        ].compactMapValues { $0 }
        let checked = posted?.group ?? []
        var metadata: [String: JSONValue] = [:]
        for a in ProfileAttribute.allCases {
            let v = form[a.rawValue]?.trimmingCharacters(in: .whitespaces) ?? ""
            metadata[a.rawValue] = v.isEmpty ? .null : .string(v)
        }
        var patch: [String: JSONValue] = [
            "metadata": .object(metadata), "groups": .array(checked.sorted().map { .object(["id": .string($0)]) }),
        ]
        if let language = form["language"], !language.isEmpty { patch["language"] = .string(language) }
        if let raw = form["validUntil"], !raw.isEmpty {
            // datetime-local has no zone: the console shows and takes UTC.
            patch["validUntil"] = .string(raw.count == 16 ? raw + ":00Z" : raw + "Z")
        }
        do {
            _ = try await InvitationService(db: req.db, context: req.usher).edit(
                store: store, id: id, reader: JSONObjectReader(patch), by: try req.consoleActor)
            return Response.seeOther("/admin/invitations/\(store)/\(id)?notice=edited")
        } catch let error as UsherError where error.status < 500 {
            let fields = error.fieldErrors.map { "\($0.field) \($0.message)" }.joined(separator: "; ")
            let message = fields.isEmpty ? error.detail : "\(error.detail) (\(fields))"
            return Response.seeOther(
                "/admin/invitations/\(store)/\(id)?error=" + (message.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        }
    }

    /// `YYYY-MM-DDTHH:MM` in UTC, the value of a datetime-local input.
    static func dateTimeLocal(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        return String(f.string(from: date).prefix(16))
    }
}

/// `console/invitation`: one invitation, its delivery and what the console can do with it.
struct InvitationConsolePage {
    struct MetadataEntry {
        var key: String
        var value: String
    }

    /// The state of the invitation's latest email. Absent parts are nil, not empty: a template
    /// section shows for any string, even an empty one.
    struct Delivery {
        var status: String
        var attempts: Int
        var lastError: String?
        var sentAt: String?
        var transport: String?
        var emailId: String
    }

    var id: String
    var store: String
    var email: String
    var status: String
    var statusClass: String
    var application: String
    var clientId: String
    var language: String
    /// "Deutsch (de-DE)".
    var languageName: String
    var sent: String
    var validUntil: String
    var created: String
    /// The actor as stored ("administrator:<id>"); `inviter` is who that is, as a person reads it.
    var createdBy: String
    var inviter: String
    /// "sent once", "sent 3 times".
    var timesSent: String
    var acceptedAt: String?
    var sendCount: Int
    var groups: [String]
    var accountId: String?
    /// The account the invitation created, by its email (or username).
    var accountLabel: String?
    var done: Bool
    var metadata: [MetadataEntry]
    var delivery: Delivery?
    var formError: String?
    /// The lifecycle (SPEC: Lifecycle), in words.
    var renewalRequested: String?
    var openedAt: String?
    var remindersSent: Int
    /// Nil for an accepted invitation, which cannot be edited.
    var edit: EditForm?

    struct EditForm {
        struct Field {
            var name: String
            var label: String
            var value: String
        }

        struct Group {
            var id: String
            var name: String
            var checked: Bool
        }

        var profile: [Field]
        var groups: [Group]
        var hasGroups: Bool
        /// The same choices as the Invite Customer form's.
        var languages: [InviteConsolePage.Language]
        var validUntil: String
    }
}
