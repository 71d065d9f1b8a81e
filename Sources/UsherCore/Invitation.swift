import Foundation

/// The status of an invitation as people see it (SPEC rule 9). The database keeps only
/// PENDING and DONE; EXPIRED is a pending invitation whose link is past `validUntil`.
public enum InvitationStatus: String, Sendable, Codable, CaseIterable {
    case pending = "PENDING"
    case done = "DONE"
    case expired = "EXPIRED"

    public var label: String {
        switch self {
        case .pending: "Pending"
        case .done: "Done"
        case .expired: "Expired"
        }
    }
}

public enum ApplicationProtocol: String, Sendable, Codable, CaseIterable {
    case oidc
    case saml2
}

public enum IdentifierKind: String, Sendable, Codable, CaseIterable {
    case email = "EMAIL"
    case username = "USERNAME"
}

/// What the invitation rules need to know about the application being invited to.
public struct InvitationTarget: Sendable {
    public var applicationName: String
    public var applicationStore: String
    public var protocolKind: ApplicationProtocol
    /// The OIDC client the invitation is for, if the application has one.
    public var clientId: String?
    public var loginURL: String?
    public var options: AccountInvitationOptions

    public init(
        applicationName: String, applicationStore: String, protocolKind: ApplicationProtocol, clientId: String?, loginURL: String?,
        options: AccountInvitationOptions
    ) {
        self.applicationName = applicationName
        self.applicationStore = applicationStore
        self.protocolKind = protocolKind
        self.clientId = clientId
        self.loginURL = loginURL
        self.options = options
    }
}

/// The rules of SPEC.md about invitations, as plain functions: the service calls them, and the
/// tests call them without a server or database. Each throws the refusal it stands for.
public enum InvitationRules {
    /// SPEC rules 1 and 2: only OIDC applications with a login URL and invitations enabled.
    public static func checkInvitable(_ target: InvitationTarget, store: String) throws {
        // SPEC rule 3: the application must belong to the invitation's identity store.
        guard target.applicationStore == store else {
            throw UsherError.badRequest(
                .invitationApplicationNotInStore,
                "The application '\(target.applicationName)' belongs to the identity store '\(target.applicationStore)', not '\(store)'. Invite to an application of this store.",
                fieldErrors: [FieldError("clientId", "belongs to another identity store")])
        }
        guard target.protocolKind == .oidc else {
            throw UsherError.badRequest(
                .invitationUnsupportedProtocol,
                "SAML2 applications do not support customer invitation. Only OAuth2/OIDC applications can be invited to.",
                fieldErrors: [FieldError("clientId", "SAML2 applications do not support customer invitation")])
        }
        guard let client = target.clientId, !client.isEmpty else {
            throw UsherError.badRequest(
                .invitationNoClient,
                "The application '\(target.applicationName)' has no OIDC client to invite to.",
                fieldErrors: [FieldError("applicationId", "has no OIDC client")])
        }
        guard let login = target.loginURL, !login.isEmpty else {
            throw UsherError.badRequest(
                .invitationNoLoginUrl,
                "The application '\(target.applicationName)' has no login URL, so an invitation link would have nowhere to go. Set the client's loginUrl first.",
                fieldErrors: [FieldError("clientId", "the client has no login URL")])
        }
        guard target.options.enabled else {
            throw UsherError.badRequest(
                .invitationDisabled,
                "Customer invitation is disabled in the self-service policy of '\(target.applicationName)'. Enable accountInvitation in the policy first.",
                fieldErrors: [FieldError("clientId", "invitations are disabled for this application")])
        }
    }

    /// SPEC rule 3: every group must belong to the invitation's store. `groups` pairs each
    /// requested group id with the store it belongs to.
    public static func checkGroups(_ groups: [(id: String, store: String)], store: String) throws {
        let foreign = groups.enumerated().filter { $0.element.store != store }
        guard foreign.isEmpty else {
            throw UsherError.badRequest(
                .invitationGroupNotInStore,
                "Groups \(foreign.map { "'\($0.element.id)'" }.joined(separator: ", ")) belong to another identity store than '\(store)'.",
                fieldErrors: foreign.map { FieldError("groups[\($0.offset)].id", "belongs to another identity store") })
        }
    }

    /// SPEC rule 5: a read-only invite method and an existing account with that email is
    /// always denied. With `allowEmailMismatch` (rule 6) the invitee picks a free address later.
    public static func checkExistingAccount(emailTaken: Bool, options: AccountInvitationOptions) throws {
        if emailTaken && !options.allowEmailMismatch {
            throw UsherError(
                status: 409, errorKey: .accountEmailExists, title: "Conflict",
                detail:
                    "An account with this email address already exists in this identity store, and the application's self-service policy does not allow a different email address at sign-up.",
                fieldErrors: [FieldError("email", "already belongs to an account")])
        }
    }

    /// SPEC rule 7: one pending invitation per email and store.
    public static func checkNoPendingDuplicate(existingPendingId: String?) throws {
        if let existingPendingId {
            throw UsherError(
                status: 409, errorKey: .invitationPendingExists, title: "Conflict",
                detail: "A pending invitation for this email address already exists in this identity store. Resend or revoke it instead.",
                fieldErrors: [FieldError("email", "already has a pending invitation")],
                conflictingId: existingPendingId)
        }
    }

    /// SPEC rule 9.
    public static func status(storedDone: Bool, validUntil: Date, now: Date) -> InvitationStatus {
        if storedDone { return .done }
        return now >= validUntil ? .expired : .pending
    }

    public static func validUntil(from now: Date, options: AccountInvitationOptions) -> Date {
        now.addingTimeInterval(TimeInterval(options.linkMaxAgeHours) * 3600)
    }

    /// SPEC rule 10: only PENDING or EXPIRED invitations can be resent. A DONE one is a 400,
    /// as Strivacity's API declares no 409 for resend.
    public static func checkResendable(_ status: InvitationStatus) throws {
        if status == .done {
            throw UsherError.badRequest(
                .invitationAlreadyAccepted,
                "This invitation was already accepted, so there is nothing to resend. The customer can sign in with their account.")
        }
    }

    /// SPEC rule 11: any invitation can be revoked, a DONE one too (its record goes, the
    /// account it created stays). Its link then tells what it told before: a DONE invitation's
    /// link says it was used, a pending one's that it was withdrawn.
    public static func linkRefusalAfterRevoke(_ status: InvitationStatus) -> InvitationLinkRefusal {
        status == .done ? .used : .revoked
    }

    /// SPEC rule 8: the invitation's groups and the application's groups, once each, in order.
    public static func groupsOnAcceptance(invited: [String], application: [String]) -> [String] {
        var seen = Set<String>()
        return (invited + application).filter { seen.insert($0).inserted }
    }

    /// SPEC rules 4 and 6: which email the account gets and whether it counts as verified.
    /// `chosen` is what the sign-up form (or an external identity) supplies.
    /// `upstreamVerified` is set when an external provider vouches for the chosen address.
    public static func acceptedEmail(
        invited: EmailAddress, chosen: EmailAddress?, options: AccountInvitationOptions, upstreamVerified: Bool? = nil
    ) throws -> (email: EmailAddress, verified: Bool) {
        guard let chosen, chosen.normalized != invited.normalized else {
            // The link itself proves control of the invited address.
            return (invited, true)
        }
        guard options.allowEmailMismatch else {
            throw UsherError.badRequest(
                .signupEmailMismatch,
                "This invitation was sent to a specific email address, and the account must use that address.",
                fieldErrors: [FieldError("email", "must be the address the invitation was sent to")])
        }
        return (chosen, upstreamVerified ?? false)
    }
}
