import Foundation
import UsherCore
import Vapor

/// `POST /admin/api/v1/identityStores/{store}/invite/bulk` and its jobs (SPEC: Bulk).
struct BulkInvitationRoutes: RouteCollection {
    /// 10,000 CSV rows with every column fit well within this.
    static let maxBodyBytes = 16 * 1024 * 1024

    /// The console's confirmation carries the file back base64- and form-encoded: up to three times its size.
    static let maxConfirmationBytes = 3 * maxBodyBytes

    /// The body limit of a path that takes a bulk file (the API's, the console's upload and
    /// confirmation); nil for every other path.
    static func bodyLimit(path: String) -> Int? {
        if path == "/admin/invite/bulk/confirm" { return maxConfirmationBytes }
        return path.hasSuffix("/invite/bulk") ? maxBodyBytes : nil
    }

    func boot(routes: any RoutesBuilder) throws {
        let bulk = routes.grouped("identityStores", ":store", "invite", "bulk")
        bulk.grouped(RequireScope(.writeAccount)).on(.POST, body: .collect(maxSize: ByteCount(value: Self.maxBodyBytes)), use: create)
        let read = bulk.grouped(RequireScope(.readAccount))
        read.get(":job", use: get)
        read.get(":job", "results.csv", use: results)
    }

    private func service(_ req: Request) -> BulkInvitationService {
        BulkInvitationService(db: req.db, context: req.usher)
    }

    func create(req: Request) async throws -> Response {
        let store = try req.opaqueIdParameter("store")
        let actor = try req.apiActor
        let dryRun = try req.queryBool("dryRun") ?? false
        let key = try IdempotencyKey.from(req.headers)
        return try await req.idempotent(key: key, scope: actor.auditName) {
            let prepared = try await service(req).prepare(store: store, try Self.rows(req))
            let response: Response
            if dryRun {
                response = Response(status: .ok)
                try response.content.encode(try await service(req).dryRun(store: store, prepared), as: .json)
            } else {
                let job = try await service(req).submit(store: store, prepared, by: actor)
                response = Response(status: .accepted)
                try response.content.encode(job, as: .json)
                response.headers.replaceOrAdd(name: .location, value: "/admin/api/v1/identityStores/\(store)/invite/bulk/\(job.id)")
            }
            response.headers.cacheControl = .init(noStore: true)
            return response
        }
    }

    /// The rows of a JSON body or a CSV upload (`clientId` or `applicationId` in the query).
    static func rows(_ req: Request) throws -> [BulkParsedRow] {
        let data = req.body.data.map { Data($0.readableBytesView) } ?? Data()
        let type = req.headers.contentType
        if type?.type == "text", type?.subType == "csv" {
            return try BulkInvitationInput.csv(
                data, clientId: req.query[String.self, at: "clientId"], applicationId: req.query[String.self, at: "applicationId"])
        }
        guard type == nil || type?.subType == "json" else {
            throw UsherError(
                status: 415, errorKey: .requestUnsupportedMediaType, title: "Unsupported media type",
                detail: "Send application/json or text/csv.")
        }
        if data.isEmpty { throw BulkInvitationInput.invalid("The body is empty.") }
        return try BulkInvitationInput.json(data)
    }

    func get(req: Request) async throws -> BulkJobView {
        try await BulkJobs(db: req.db).view(store: try req.opaqueIdParameter("store"), id: try jobId(req), withRows: true)
    }

    func results(req: Request) async throws -> Response {
        let csv = try await BulkJobs(db: req.db).resultsCSV(store: try req.opaqueIdParameter("store"), id: try jobId(req))
        let response = Response(status: .ok, body: .init(string: csv))
        response.headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"bulk-invitations.csv\"")
        response.headers.cacheControl = .init(noStore: true)
        return response
    }

    private func jobId(_ req: Request) throws -> UUID {
        let raw = try req.opaqueIdParameter("job")
        guard let id = UUID(uuidString: raw) else { throw UsherError.notFound("bulkJob", raw) }
        return id
    }
}
