import Fluent
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// The running parts of webhooks in one process: the URL rules, the delivery worker and its
/// doorbell. Built in `configureWebhooks`, reached as `app.webhooks`.
final class WebhookRuntime: Sendable {
    let settings: WebhookSettings
    let policy: WebhookURLPolicy
    /// Rings when a delivery was retried by hand, so it goes without waiting for the next poll.
    let signal = MailSignal()
    let worker: WebhookWorker

    init(settings: WebhookSettings, worker: WebhookWorker) {
        self.settings = settings
        self.policy = WebhookURLPolicy(allowPrivateNetworks: settings.allowPrivateNetworks)
        self.worker = worker
    }
}

extension Application {
    private struct WebhookRuntimeKey: StorageKey { typealias Value = WebhookRuntime }

    var webhooks: WebhookRuntime {
        get {
            guard let runtime = storage[WebhookRuntimeKey.self] else { fatalError("configureWebhooks(app) was not called") }
            return runtime
        }
        set { storage[WebhookRuntimeKey.self] = newValue }
    }
}

extension Request {
    var webhookService: WebhookService { WebhookService(db: db, secrets: usher.secrets, runtime: application.webhooks) }
}

/// Sets up webhooks on `app`: the admin API routes for events and endpoints, the console page,
/// and the delivery worker (started with the server unless the configuration turns background
/// workers off: `runWorker` is the email worker's switch, which tests turn off to drive both by hand).
func configureWebhooks(_ app: Application, settings: WebhookSettings, runWorker: Bool) throws {
    let client = HTTPClient(
        eventLoopGroupProvider: .shared(app.eventLoopGroup),
        configuration: HTTPWebhookSender.clientConfiguration(timeout: settings.timeout))
    app.lifecycle.use(HTTPClientShutdown(client: client))
    let worker = WebhookWorker(
        db: app.db, sender: HTTPWebhookSender(client: client, timeout: settings.timeout), owner: app.usher.instanceId,
        settings: settings, secrets: app.usher.secrets, logger: app.logger)
    app.webhooks = WebhookRuntime(settings: settings, worker: worker)
    if settings.runWorker && runWorker { app.lifecycle.use(WebhookLifecycle(runtime: app.webhooks)) }
    let api = app.grouped("admin", "api", "v1").grouped(AdminTokenAuthenticator())
    try api.register(collection: EventRoutes())
    try api.register(collection: WebhookRoutes())
    try app.register(collection: WebhookConsolePages())
}

/// Runs the delivery worker while the server runs.
struct WebhookLifecycle: LifecycleHandler {
    let runtime: WebhookRuntime

    func didBootAsync(_ application: Application) async throws { runtime.worker.start(signal: runtime.signal) }
    func shutdownAsync(_ application: Application) async { await runtime.worker.stop() }
}

/// Closes the webhook HTTP client's connections when the application stops.
struct HTTPClientShutdown: LifecycleHandler {
    let client: HTTPClient
    func shutdownAsync(_ application: Application) async { try? await client.shutdown() }
}
