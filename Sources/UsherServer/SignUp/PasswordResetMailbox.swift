import Fluent
import Foundation

/// The self-service emails in the local mailbox (no SMTP server): as with invitations, reading
/// the email in the console is how its link reaches the customer, so the console shows a password
/// reset or email verification link while that very link can still be used, and `[hidden]` after.
enum SelfServiceLinks {
    /// The outbox kinds whose link is a self-service token.
    static let kinds = [PasswordReset.linkKind, EmailVerification.linkKind]

    /// How long the sweep keeps such a link sealed in a local-mailbox email: the longest any of
    /// them lives (verification, 24 hours); whether it still works is asked at display time.
    static let keptInMailbox: TimeInterval = EmailVerification.lifetime

    /// Whether `token` is a password reset or email verification link that still works.
    static func isLive(_ token: String, kind: String, on db: any Database, now: Date) async -> Bool {
        switch kind {
        case PasswordReset.linkKind: (try? await PasswordReset.usable(token: token, on: db, now: now)) != nil
        case EmailVerification.linkKind: (try? await EmailVerification.usable(token: token, on: db, now: now)) != nil
        default: false
        }
    }
}
