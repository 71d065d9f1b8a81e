import Fluent
import Foundation
import SQLKit
import UsherPasswords

/// Deletes what has expired for good: sessions, flows, codes, refresh tokens, federation
/// states, old rate-limit windows, email verification and password reset links; refreshes SQLite's planner statistics and gives idle
/// password-hashing memory back. Run now and then by the background worker of every
/// instance; running it twice at once is harmless.
enum Housekeeping {
    static func sweep(_ db: any Database, now: Date = Date()) async throws {
        let dayAgo = now.addingTimeInterval(-86400)
        try await db.write { tx in
            try await tx.sql.raw("DELETE FROM sessions WHERE expires_at < \(bind: now)").run()
            try await tx.sql.raw("DELETE FROM login_flows WHERE expires_at < \(bind: now)").run()
            try await tx.sql.raw("DELETE FROM authorization_codes WHERE expires_at < \(bind: dayAgo)").run()
            try await tx.sql.raw("DELETE FROM refresh_tokens WHERE expires_at < \(bind: now)").run()
            try await tx.sql.raw("DELETE FROM external_login_states WHERE expires_at < \(bind: now)").run()
            try await tx.sql.raw("DELETE FROM rate_limits WHERE window_start < \(bind: dayAgo)").run()
            // A day past expiry, so a late click still hears "expired" rather than "not valid".
            try await tx.sql.raw("DELETE FROM email_verifications WHERE expires_at < \(bind: dayAgo)").run()
            try await tx.sql.raw("DELETE FROM password_resets WHERE expires_at < \(bind: dayAgo)").run()
            // Idempotency-Key answers live 24 hours (claims also clear their own expired key).
            try await tx.sql.raw("DELETE FROM idempotency_keys WHERE expires_at <= \(bind: now)").run()
        }
        try await DatabaseSetup.refreshSQLiteStatistics(db)
        // Password hashing keeps its work areas (19 MiB each by default) between hashes; the
        // ones not in use now go back to the system, so an idle server stays small.
        Argon2Memory.releaseIdle()
    }
}
