/// What happened, as the event log and webhooks name it (SPEC: Events and webhooks).
public enum EventType: String, Sendable, Codable, CaseIterable {
    case invitationCreated = "invitation.created"
    case invitationUpdated = "invitation.updated"
    case invitationSent = "invitation.sent"
    case invitationDeliveryFailed = "invitation.delivery_failed"
    case invitationOpened = "invitation.opened"
    case invitationReminded = "invitation.reminded"
    case invitationResent = "invitation.resent"
    case invitationRevoked = "invitation.revoked"
    case invitationExpired = "invitation.expired"
    case invitationRenewalRequested = "invitation.renewal_requested"
    case invitationAccepted = "invitation.accepted"
    case accountCreated = "account.created"
    /// Customer self-service (issue 23): a reset email was sent (by the customer or an administrator).
    case accountPasswordResetRequested = "account.password_reset_requested"
    case accountPasswordChanged = "account.password_changed"
    case accountEmailVerified = "account.email_verified"
    /// A new address became the account's email through its verification link.
    case accountEmailChanged = "account.email_changed"
    case accountDeleted = "account.deleted"
    case invitationBulkFinished = "invitation_bulk.finished"
    /// A webhook endpoint failed for 24 hours and was turned off.
    case webhookEndpointDisabled = "webhook_endpoint.disabled"

    /// Whether a subscription pattern names this type: the exact name, `prefix.*`, or `*`.
    public func matches(_ pattern: String) -> Bool {
        if pattern == "*" || pattern == rawValue { return true }
        guard pattern.hasSuffix(".*") else { return false }
        return rawValue.hasPrefix(String(pattern.dropLast(1)))
    }

    /// Whether `pattern` can name any type at all (a subscription to nothing is a mistake).
    public static func isValidPattern(_ pattern: String) -> Bool {
        allCases.contains { $0.matches(pattern) }
    }
}
