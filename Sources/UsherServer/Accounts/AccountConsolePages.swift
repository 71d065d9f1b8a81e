import Fluent
import Foundation
import UsherCore
import Vapor

/// The console's accounts section: a store's accounts (and its invitations tab), and one account.
extension ConsoleRoutes {
    func accounts(_ req: Request) async throws -> Response {
        let store = selectedStore(req)
        _ = try await IdentityStoreService(db: req.db).require(store)
        let tab = req.query[String.self, at: "tab"] == "invitations" ? "invitations" : "accounts"
        let page = try PageRequest.from(req)
        let search = req.query[String.self, at: "q"]?.trimmingCharacters(in: .whitespaces)
        var context = AccountsConsolePage(stores: try await stores(req, selected: store), store: store, q: search ?? "")
        if tab == "invitations" {
            context.tab_invitations = true
            var filter = InvitationFilter()
            let status = req.query[String.self, at: "status"] ?? ""
            if let s = InvitationStatus(rawValue: status) { filter.statuses = [s] }
            if status == Self.renewalRequestedFilter { filter.renewalRequested = true }
            if let search, !search.isEmpty { filter.search = search }
            // Issue 16: the Invitations tab filters by organization.
            let organization = req.query[String.self, at: "organization"] ?? ""
            if !organization.isEmpty { filter.organizations = [organization] }
            context.organizations = try await OrganizationService(db: req.db).all(store: store).map {
                .init(value: $0.id!.idString, label: $0.displayName ?? $0.name, selected: $0.id!.idString == organization)
            }
            context.hasOrganizations = context.organizations?.isEmpty == false
            let listing = try await InvitationService(db: req.db, context: req.usher).list(
                store: store, filter: filter, sort: [InvitationService.defaultSort], page: page)
            context.invitations = listing.items.map { i in
                .init(
                    id: i.id, email: i.email, status: InvitationStatus(rawValue: i.status)?.label ?? i.status,
                    statusClass: i.status.lowercased(),
                    application: i.applicationName ?? i.clientId, sent: Self.date(i.sent), validUntil: Self.date(i.validUntil),
                    store: store,
                    renewalRequested: i.renewalRequestedAt != nil,
                    organization: i.organizationName ?? "")
            }
            context.statuses =
                InvitationStatus.allCases.map { .init(value: $0.rawValue, label: $0.label, selected: $0.rawValue == status) }
                + [.init(value: Self.renewalRequestedFilter, label: "Renewal requested", selected: status == Self.renewalRequestedFilter)]
            context.pager = Self.pager(req, page: page, listing: listing)
            context.empty = listing.items.isEmpty
        } else {
            context.tab_accounts = true
            let listing = try await AccountService(db: req.db, passwords: nil).list(store: store, email: nil, search: search, page: page)
            context.accounts = listing.items.map { a in
                .init(
                    id: a.id, email: a.email ?? a.username ?? "—",
                    name: [a.givenName, a.familyName].compactMap { $0 }.joined(separator: " "),
                    groups: a.groups.map(\.name).joined(separator: ", "), created: Self.date(a.created), store: store,
                    invited: a.invitationId != nil)
            }
            context.pager = Self.pager(req, page: page, listing: listing)
            context.empty = listing.items.isEmpty
        }
        return self.page(req, "console/accounts", "Accounts", context, section: "accounts")
    }

    /// The status filter's extra choice: invitations whose invitee asked for a new one.
    static let renewalRequestedFilter = "RENEWAL_REQUESTED"

    func account(_ req: Request) async throws -> Response {
        let store = try req.storeName()
        let service = AccountService(db: req.db, passwords: nil)
        let a = try await service.view(try await service.require(store: store, id: try req.uuidParameter("id").idString))
        var context = AccountConsolePage(a)
        context.actionNotice = req.query[String.self, at: "done"].flatMap { AccountConsoleActions.notices[$0] }
        context.actionError = req.query[String.self, at: "failed"].map { String($0.prefix(300)) }
        return page(req, "console/account", a.email ?? "Account", context, section: "accounts")
    }
}

/// `console/account`: one account, as the API's `AccountView` shows it, with dates in words.
struct AccountConsolePage {
    struct ProfileRow {
        var label: String
        var value: String
    }

    struct Identity {
        var issuer: String
        var subject: String
    }

    var id: String
    var email: String?
    var name: String
    var store: String
    var emailVerified: Bool
    var profile: [ProfileRow]
    var groups: [IdName]
    var invitationId: String?
    var externalIdentities: [Identity]
    var hasPassword: Bool
    var createdText: String
    var lastSignInText: String
    /// What the last button did (`?done=`), or why it could not (`?failed=`).
    var actionNotice: String?
    var actionError: String?

    init(_ a: AccountView) {
        id = a.id
        email = a.email
        name = [a.givenName, a.familyName].compactMap { $0 }.joined(separator: " ")
        store = a.store
        emailVerified = a.emailVerified
        let values = Profile(
            givenName: a.givenName, familyName: a.familyName, displayName: a.displayName, phoneNumber: a.phoneNumber, locale: a.locale)
        profile = ProfileAttribute.allCases.compactMap { attribute in
            values[attribute].map { ProfileRow(label: attribute.label, value: $0) }
        }
        groups = a.groups
        invitationId = a.invitationId
        externalIdentities = a.externalIdentities.map { Identity(issuer: $0.issuer, subject: $0.subject) }
        hasPassword = a.hasPassword
        createdText = ConsoleRoutes.date(a.created)
        lastSignInText = ConsoleRoutes.date(a.lastSignIn)
    }
}

/// `console/accounts`: a store's accounts, or (the invitations tab) its invitations, one page at a time.
struct AccountsConsolePage {
    struct Invitation {
        var id: String
        var email: String
        var status: String
        /// The status as a CSS class (`pending`, `done`, …).
        var statusClass: String
        var application: String
        var sent: String
        var validUntil: String
        var store: String
        /// The invitee asked for a new invitation from the expired link (SPEC: Lifecycle).
        var renewalRequested = false
        /// The organization the invitee joins (issue 16), or empty.
        var organization = ""
    }

    struct Status {
        var value: String
        var label: String
        var selected: Bool
    }

    struct Account {
        var id: String
        var email: String
        var name: String
        var groups: String
        var created: String
        var store: String
        var invited: Bool
    }

    var stores: [StoreOption]
    var store: String
    /// The search text, kept in the search box.
    var q: String
    /// Which tab is shown; the template reads them as `tab_accounts` and `tab_invitations`.
    var tab_accounts = false
    var tab_invitations = false
    var invitations: [Invitation]?
    var statuses: [Status]?
    /// The Invitations tab's organization filter (issue 16).
    var organizations: [Status]?
    var hasOrganizations = false
    var accounts: [Account]?
    var pager: ConsolePager?
    var empty = false
}
