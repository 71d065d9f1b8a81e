/// Why an invitation link (or a sign-up form opened with one) cannot be used, each with the one
/// message the invitee is shown (SPEC journey step 6). The messages say which dead end it is and
/// what to do, and never whether an email address has an account.
public enum InvitationLinkRefusal: String, Sendable, CaseIterable, Error {
    /// No invitation ever had this link (mistyped, truncated, or from another server).
    case unknown
    /// The invitation was revoked (SPEC rule 11).
    case revoked
    /// A resend issued a newer link (SPEC rule 10).
    case replaced
    /// The invitation was accepted (SPEC rule 9).
    case used
    /// `validUntil` has passed.
    case expired
    /// The link was opened through another application's authorization request.
    case otherApplication

    /// What is known about a link at the moment it is used.
    public struct Facts: Sendable {
        /// The invitation's status, nil when no invitation has this link any more.
        public var status: InvitationStatus?
        /// Why the link was retired, when it was (`revoked` or `replaced`).
        public var retiredBecause: InvitationLinkRefusal?
        /// Whether the link is the invitation's current one (false after a resend).
        public var isCurrentLink: Bool
        /// Whether the authorization request is for the invitation's application client.
        public var isForItsClient: Bool

        public init(
            status: InvitationStatus?, retiredBecause: InvitationLinkRefusal? = nil, isCurrentLink: Bool = true, isForItsClient: Bool = true
        ) {
            self.status = status
            self.retiredBecause = retiredBecause
            self.isCurrentLink = isCurrentLink
            self.isForItsClient = isForItsClient
        }
    }

    /// The refusal for `facts`, or nil when the link may be used. A link replaced by a resend
    /// is refused even while its invitation is pending (issue 14 item 11: a form opened with
    /// the old link must not accept after a resend).
    public static func check(_ facts: Facts) -> InvitationLinkRefusal? {
        guard let status = facts.status else { return facts.retiredBecause ?? .unknown }
        if !facts.isCurrentLink { return .replaced }
        switch status {
        case .done: return .used
        case .expired: return .expired
        case .pending: return facts.isForItsClient ? nil : .otherApplication
        }
    }

    public var error: UsherError {
        switch self {
        case .unknown:
            UsherError(
                status: 404, errorKey: .invitationUnknown, title: "This invitation link is not valid",
                detail:
                    "The link may be incomplete or mistyped. Open it again from the invitation email, or ask the person who invited you for a new invitation."
            )
        case .revoked:
            UsherError(
                status: 410, errorKey: .invitationRevoked, title: "This invitation was withdrawn",
                detail:
                    "The invitation this link belonged to has been revoked. If you still need access, ask the person who invited you for a new invitation."
            )
        case .replaced:
            UsherError(
                status: 410, errorKey: .invitationReplaced, title: "This link was replaced",
                detail:
                    "A newer invitation email was sent for this invitation, and only its link works. Open the most recent invitation email, or ask for a new invitation."
            )
        case .used:
            UsherError(
                status: 410, errorKey: .invitationUsed, title: "This invitation has already been used",
                detail:
                    "An account was already created with this invitation. Sign in to the application instead; if that was not you, contact the person who invited you."
            )
        case .expired:
            UsherError(
                status: 410, errorKey: .invitationExpired, title: "This invitation has expired",
                detail:
                    "Invitation links work for a limited time, and this one has run out. Ask the person who invited you to send the invitation again."
            )
        case .otherApplication:
            UsherError(
                status: 400, errorKey: .invitationOtherApplication, title: "This invitation is for another application",
                detail: "Open the invitation link from the email as it is; it takes you to the right application.")
        }
    }
}
