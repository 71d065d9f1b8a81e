import Fluent
import Foundation
import UsherCore

/// `page/account`: everything the signed-in customer sees of their account.
struct AccountPageView: PageContext {
    struct Field {
        var name: String
        var label: String
        var value: String
        var type: String
        var autocomplete: String
        /// The policy's `readOnly`: shown, not changed here.
        var readOnly: Bool
        var required: Bool
    }

    struct Identity {
        var id: String
        /// Only while the account keeps another way to sign in (a password or another identity).
        var canUnlink: Bool
        var provider: String
        var email: String?
        var linked: String
        /// "Unlink …" in the page's language.
        var unlinkLabel = ""
    }

    struct Session {
        var id: String
        var started: String
        var current: Bool
        var other: Bool
    }

    var title = PageStrings.english.account.title
    var lang = PageLanguage.english.rawValue
    /// The page's words (PageStrings); `localize` sets them and the sentences built from them.
    var t = PageStrings.english
    var csrf: String
    var store: String
    var email: String?
    var username: String?
    var emailUnverified: Bool
    var pendingEmail: String?
    /// The profile fields the policy shows (AccountProfileFields), in the order of ProfileAttribute.
    var fields: [Field]
    var hasFields: Bool
    var hasEditableFields: Bool
    var hasPassword: Bool
    var identities: [Identity]
    var sessions: [Session]
    var hasOtherSessions: Bool
    /// The store's `selfService.accountDeletion`: off, the page has no Delete section.
    var canDelete: Bool
    var deleteConfirmation = AccountSelfService.deleteConfirmation
    var notice: String?
    var formError: String?
    var pendingEmailText: String?
    var deleteConfirmationLabel = ""

    /// The page in `language`: its words, and the sentences with a name, date or address in them.
    mutating func localize(_ language: PageLanguage) {
        let t = language.strings
        self.t = t
        lang = language.rawValue
        title = t.account.title
        pendingEmailText = pendingEmail.map { PageStrings.fill(t.account.pendingEmail, ["email": $0]) }
        deleteConfirmationLabel = PageStrings.fill(t.account.typeToConfirm, ["word": deleteConfirmation])
        for i in fields.indices {
            if let attribute = ProfileAttribute(rawValue: fields[i].name) { fields[i].label = t.label(attribute) }
        }
        for i in identities.indices {
            identities[i].unlinkLabel = PageStrings.fill(t.account.unlink, ["provider": identities[i].provider])
            identities[i].linked = PageStrings.fill(t.account.linkedOn, ["date": identities[i].linked])
        }
        for i in sessions.indices {
            sessions[i].started = PageStrings.fill(t.account.signedInOn, ["date": sessions[i].started])
        }
    }

    /// The page for `account`, its dates in `language` (its words come with `localize`).
    static func build(
        account: AccountModel, session: CustomerSession, csrf: String, language: PageLanguage = .english, on db: any Database, now: Date
    ) async throws -> AccountPageView {
        let accountId = account.id!
        let identities = try await ExternalIdentityModel.query(on: db).filter(\.$accountId == accountId).all()
        let providers =
            identities.isEmpty ? [] : try await ExternalLoginProviderModel.query(on: db).filter(\.$id ~~ identities.map(\.providerId)).all()
        let names = Dictionary(providers.map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        let sessions = try await AccountSessions.list(accountId: accountId, on: db, now: now)
        let profile = Profile(
            givenName: account.givenName, familyName: account.familyName, displayName: account.displayName,
            phoneNumber: account.phoneNumber, locale: account.locale)
        let modes = try await AccountProfileFields.modes(for: session, account: account, on: db)
        return AccountPageView(
            csrf: csrf, store: account.store, email: account.email, username: account.username,
            emailUnverified: account.email != nil && !account.emailVerified,
            pendingEmail: try await AccountSelfService.pendingEmail(accountId, on: db),
            fields: ProfileAttribute.allCases.filter { modes[$0].isShown }.map { attribute in
                Field(
                    name: attribute.rawValue, label: attribute.label, value: profile[attribute] ?? "",
                    type: attribute == .phoneNumber ? "tel" : "text", autocomplete: autocomplete(attribute),
                    readOnly: modes[attribute] == .readOnly, required: modes[attribute] == .required)
            },
            hasFields: ProfileAttribute.allCases.contains { modes[$0].isShown },
            hasEditableFields: ProfileAttribute.allCases.contains { modes[$0].acceptsInput },
            hasPassword: account.passwordHash != nil,
            identities: identities.map {
                Identity(
                    id: $0.id!.idString, canUnlink: account.passwordHash != nil || identities.count > 1,
                    provider: names[$0.providerId] ?? $0.issuer, email: $0.email,
                    linked: DateText.medium($0.createdAt, language: language.rawValue))
            },
            sessions: sessions.map {
                Session(
                    id: $0.id_hash, started: DateText.medium($0.auth_time, language: language.rawValue),
                    current: $0.id_hash == session.idHash,
                    other: $0.id_hash != session.idHash)
            },
            hasOtherSessions: sessions.contains { $0.id_hash != session.idHash },
            canDelete: try await AccountSelfService.deletionAllowed(account, on: db))
    }

    static func autocomplete(_ attribute: ProfileAttribute) -> String {
        switch attribute {
        case .givenName: "given-name"
        case .familyName: "family-name"
        case .displayName: "nickname"
        case .phoneNumber: "tel"
        case .locale: "language"
        }
    }

    /// What a refused field is called on the page.
    static func label(_ field: String, _ t: PageStrings) -> String {
        if let attribute = ProfileAttribute(rawValue: field) { return t.label(attribute) }
        switch field {
        case "currentPassword": return t.account.currentPassword
        case "password": return t.account.newPassword
        case "email": return t.account.newEmail
        default: return field
        }
    }
}
