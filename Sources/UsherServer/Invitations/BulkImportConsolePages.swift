import Fluent
import Foundation
import UsherCore
import Vapor

/// **Import CSV** on the Invitations tab (issue 17): upload → dry-run preview → confirm → a job
/// page that refreshes itself until the job is DONE → the results CSV. Every step calls the
/// same `BulkInvitationInput` and `BulkInvitationService` functions as the admin API; this file
/// holds no rule, only the pages around them.
extension ConsoleRoutes {
    func bootBulkImport(_ console: any RoutesBuilder) {
        let bulk = console.grouped("invite", "bulk")
        bulk.get(use: importForm)
        bulk.get("template.csv", use: importTemplate)
        bulk.on(.POST, body: .collect(maxSize: ByteCount(value: BulkInvitationRoutes.maxBodyBytes)), use: importPreview)
        bulk.on(.POST, "confirm", body: .collect(maxSize: ByteCount(value: BulkInvitationRoutes.maxConfirmationBytes)), use: importConfirm)
        bulk.get(":store", ":job", use: importJob)
        bulk.get(":store", ":job", "results.csv", use: importResults)
    }

    /// The multipart upload of the first step.
    struct ImportUpload: Content {
        var store: String?
        var applicationId: String?
        var file: File?
    }

    /// The confirm step: the file travels back in the form (base64), so no upload is kept on the
    /// server between the preview and the confirmation; its idempotency key makes a double click
    /// one job.
    struct ImportConfirmation: Content {
        var store: String?
        var applicationId: String?
        var fileName: String?
        var csv: String?
        var idempotencyKey: String?
    }

    func importForm(_ req: Request) async throws -> Response {
        try await renderImportForm(req, store: selectedStore(req), applicationId: nil, message: nil)
    }

    func renderImportForm(
        _ req: Request, store: String, applicationId: String?, message: String?, status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        _ = try await IdentityStoreService(db: req.db).require(store)
        let form = BulkImportConsolePage(
            store: store, stores: try await stores(req, selected: store),
            applications: try await Self.invitingApplications(req, store: store, selected: applicationId),
            maxRows: BulkInvitationInput.maxRows, columns: BulkInvitationInput.columns.joined(separator: ", "), formError: message)
        return page(req, "console/bulk-import", "Import CSV", form, section: "accounts", status: status)
    }

    /// OIDC applications of the store (SPEC rule 1: SAML2 applications take no invitations).
    static func invitingApplications(_ req: Request, store: String, selected: String?) async throws -> [InviteConsolePage.Application] {
        try await ApplicationModel.query(on: req.db).filter(\.$store == store).sort(\.$name).all()
            .filter { $0.protocolKind == ApplicationProtocol.oidc.rawValue }
            .map { .init(id: $0.id!.idString, name: $0.name, selected: $0.id!.idString == selected) }
    }

    func importTemplate(_ req: Request) async throws -> Response {
        Self.csvDownload(BulkInvitationInput.templateCSV, fileName: "invitations-template.csv")
    }

    /// Step 2: the dry run of the uploaded file, as a table.
    func importPreview(_ req: Request) async throws -> Response {
        let upload = try req.content.decode(ImportUpload.self)
        let store = upload.store ?? Bootstrap.defaultStore
        let applicationId = upload.applicationId.flatMap { $0.isEmpty ? nil : $0 }
        guard let file = upload.file, file.data.readableBytes > 0 || !file.filename.isEmpty else {
            return try await renderImportForm(
                req, store: store, applicationId: applicationId, message: "Choose a CSV file to import.", status: .badRequest)
        }
        let data = Data(file.data.readableBytesView)
        do {
            let service = BulkInvitationService(db: req.db, context: req.usher)
            let rows = try BulkInvitationInput.csv(data, clientId: nil, applicationId: applicationId)
            let dryRun = try await service.dryRun(store: store, try await service.prepare(store: store, rows))
            let application = try await Self.invitingApplications(req, store: store, selected: applicationId).first(where: \.selected)
            let preview = BulkImportPreviewPage(
                store: store, applicationId: applicationId ?? "", applicationName: application?.name ?? "", fileName: file.filename,
                csv: data.base64EncodedString(), idempotencyKey: SecretToken.generate(prefix: "console_"), preview: dryRun)
            return page(req, "console/bulk-preview", "Import CSV: preview", preview, section: "accounts")
        } catch let error as UsherError where error.status < 500 {
            return try await renderImportForm(
                req, store: store, applicationId: applicationId, message: error.detail, status: HTTPResponseStatus(statusCode: error.status)
            )
        }
    }

    /// Step 3: the job, as `POST …/invite/bulk` would create it; then its page.
    func importConfirm(_ req: Request) async throws -> Response {
        let form = try req.content.decode(ImportConfirmation.self)
        let store = form.store ?? Bootstrap.defaultStore
        let applicationId = form.applicationId.flatMap { $0.isEmpty ? nil : $0 }
        guard let data = form.csv.flatMap({ Data(base64Encoded: $0) }) else {
            return try await renderImportForm(
                req, store: store, applicationId: applicationId, message: "The file did not come back with the form. Upload it again.",
                status: .badRequest)
        }
        let actor = try req.consoleActor
        do {
            return try await req.idempotentWaiting(key: form.idempotencyKey.flatMap(IdempotencyKey.init), scope: actor.auditName) {
                let service = BulkInvitationService(db: req.db, context: req.usher)
                let rows = try BulkInvitationInput.csv(data, clientId: nil, applicationId: applicationId)
                let job = try await service.submit(store: store, try await service.prepare(store: store, rows), by: actor)
                return Response.seeOther("/admin/invite/bulk/\(store)/\(job.id)")
            }
        } catch let error as UsherError where error.status < 500 {
            return try await renderImportForm(
                req, store: store, applicationId: applicationId, message: error.detail, status: HTTPResponseStatus(statusCode: error.status)
            )
        }
    }

    /// Step 4: progress while the job runs (the page asks the browser to load it again every
    /// two seconds: no script, as the CSP allows none inline), then the rows that were not created.
    func importJob(_ req: Request) async throws -> Response {
        let store = try req.storeName()
        let job = try await BulkJobs(db: req.db).view(store: store, id: try Self.bulkJobId(req), withRows: true)
        let progress = BulkImportJobPage(store: store, job: job)
        let response = page(req, "console/bulk-job", "Import CSV: progress", progress, section: "accounts")
        if job.status == .RUNNING { response.headers.replaceOrAdd(name: "Refresh", value: "2") }
        return response
    }

    func importResults(_ req: Request) async throws -> Response {
        let csv = try await BulkJobs(db: req.db).resultsCSV(store: try req.storeName(), id: try Self.bulkJobId(req))
        return Self.csvDownload(csv, fileName: "invitations-results.csv")
    }

    static func bulkJobId(_ req: Request) throws -> UUID {
        let raw = try req.opaqueIdParameter("job")
        guard let id = UUID(uuidString: raw) else { throw UsherError.notFound("bulkJob", raw) }
        return id
    }

    static func csvDownload(_ csv: String, fileName: String) -> Response {
        let response = Response(status: .ok, body: .init(string: csv))
        response.headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(fileName)\"")
        response.headers.cacheControl = .init(noStore: true)
        return response
    }
}

/// `console/bulk-import`: the application and the file.
struct BulkImportConsolePage {
    var store: String
    var stores: [StoreOption]
    var applications: [InviteConsolePage.Application]
    var maxRows: Int
    var columns: String
    var formError: String?
}

/// One row of a preview or of a job's results, as the console shows it.
struct BulkImportRowLine {
    var row: Int
    var email: String
    var outcome: String
    /// Highlighted: the row will not (or did not) become an invitation.
    var refused: Bool
    var conflict: Bool
    var conflictingId: String?
    var invitationId: String?
    var reason: String?
}

/// `console/bulk-preview`: the dry run. Every row that cannot be created is listed with its
/// reason; rows that can are listed up to `shownValid`, so 10,000 rows stay a readable page.
struct BulkImportPreviewPage {
    static let shownValid = 200

    var store: String
    var applicationId: String
    var applicationName: String
    var fileName: String
    var csv: String
    var idempotencyKey: String
    var total: Int
    var valid: Int
    var invalid: Int
    var rows: [BulkImportRowLine]
    var hiddenValid: Int
    // Stored, not computed: templates read a page's fields by reflection.
    var hasHiddenValid: Bool
    var canImport: Bool

    init(
        store: String, applicationId: String, applicationName: String, fileName: String, csv: String, idempotencyKey: String,
        preview: BulkDryRunView
    ) {
        self.store = store
        self.applicationId = applicationId
        self.applicationName = applicationName
        self.fileName = fileName
        self.csv = csv
        self.idempotencyKey = idempotencyKey
        total = preview.total
        valid = preview.valid
        invalid = preview.invalid
        // The rows that need the reader's eye first, then the valid ones.
        let lines = preview.rows.map { row in
            BulkImportRowLine(
                row: row.row, email: row.email, outcome: row.outcome.rawValue, refused: row.outcome != .create,
                conflict: row.outcome == .conflict, conflictingId: row.conflictingId, reason: row.error?.reason)
        }
        let validLines = lines.filter { !$0.refused }
        rows = lines.filter(\.refused) + validLines.prefix(Self.shownValid)
        hiddenValid = max(0, validLines.count - Self.shownValid)
        hasHiddenValid = hiddenValid > 0
        canImport = preview.valid > 0
    }
}

/// `console/bulk-job`: a job's progress, then its rows that were not created.
struct BulkImportJobPage {
    var store: String
    var id: String
    var running: Bool
    var total: Int
    var processed: Int
    var percent: Int
    var created: Int
    var conflicts: Int
    var errors: Int
    var created_at: String
    var finished_at: String?
    var notCreated: [BulkImportRowLine]
    var hasNotCreated: Bool

    init(store: String, job: BulkJobView) {
        self.store = store
        id = job.id
        running = job.status == .RUNNING
        total = job.total
        processed = job.processed
        percent = job.total == 0 ? 100 : job.processed * 100 / job.total
        created = job.created
        conflicts = job.conflicts
        errors = job.errors
        created_at = ConsoleRoutes.date(job.createdAt)
        finished_at = job.finishedAt.map(ConsoleRoutes.date)
        notCreated = (job.rows ?? []).filter { $0.outcome != .created }.map { row in
            BulkImportRowLine(
                row: row.row, email: row.email, outcome: row.outcome?.rawValue ?? "pending", refused: true,
                conflict: row.outcome == .conflict, conflictingId: row.conflictingId, reason: row.error?.reason)
        }
        hasNotCreated = !notCreated.isEmpty
    }
}
