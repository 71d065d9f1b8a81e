import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// Lets requests that are still running finish before the databases close on shutdown.
///
/// On SIGTERM Vapor stops accepting connections, then runs the lifecycle handlers, then closes
/// the databases. A handler still working on a request that arrived just before (found under
/// benchmark load) would then ask for a database that is gone and crash the process instead of
/// letting it exit cleanly. The middleware counts requests in flight; the lifecycle handler
/// waits for that count to reach zero, up to `grace`.
final class RequestDrain: Sendable {
    private let inFlight = NIOLockedValueBox(0)
    let grace: TimeAmount

    init(grace: TimeAmount = .seconds(10)) { self.grace = grace }

    var middleware: some AsyncMiddleware { Counter(drain: self) }
    var lifecycle: some LifecycleHandler { Waiter(drain: self) }

    var count: Int { inFlight.withLockedValue { $0 } }

    private struct Counter: AsyncMiddleware {
        let drain: RequestDrain
        func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
            drain.inFlight.withLockedValue { $0 += 1 }
            defer { drain.inFlight.withLockedValue { $0 -= 1 } }
            return try await next.respond(to: request)
        }
    }

    private struct Waiter: LifecycleHandler {
        let drain: RequestDrain
        func shutdownAsync(_ application: Application) async {
            let deadline = NIODeadline.now() + drain.grace
            while drain.count > 0, NIODeadline.now() < deadline {
                try? await Task.sleep(nanoseconds: 10_000_000)
            }
            if drain.count > 0 {
                application.logger.warning(
                    "Shutting down with \(drain.count) requests still running after \(drain.grace.nanoseconds / 1_000_000_000) s; they will fail"
                )
            }
        }
    }
}
