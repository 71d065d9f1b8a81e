import NIOCore

/// Connection limits of the HTTP server.
enum HTTPLimits {
    /// Idle connections are closed after 30 s without a byte either way: longer than any client's
    /// pause between keep-alive requests needs to be, short enough that thousands of silent
    /// connections cannot be held open. Vapor has no separate header-read timeout; a client that
    /// drips a byte every few seconds is the reverse proxy's to cut off (docs/security.md).
    static let idleTimeout: TimeAmount = .seconds(30)
}
