import Fluent
import UsherCore
import Vapor

/// The Account Invitation API, shaped after Strivacity's (SPEC: Admin API).
struct InvitationRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let invite = routes.grouped("identityStores", ":store", "invite")
        let read = invite.grouped(RequireScope(.readAccount))
        let write = invite.grouped(RequireScope(.writeAccount))

        read.get(use: list)
        read.get("stats", use: stats)
        read.get(":id", use: get)
        write.post(use: create)
        write.post(":id", "resend", use: resend)
        write.delete(":id", use: revoke)
        write.patch(":id", use: edit)
    }

    private func service(_ req: Request) -> InvitationService {
        InvitationService(db: req.db, context: req.usher)
    }

    func list(req: Request) async throws -> Response {
        var filter = InvitationFilter()
        if let raw = req.query[String.self, at: "status"] {
            for part in raw.split(separator: ",") {
                guard let status = InvitationStatus(rawValue: part.trimmingCharacters(in: .whitespaces).uppercased()) else {
                    throw UsherError.badRequest(
                        .requestInvalidQuery, "status must be PENDING, DONE or EXPIRED.",
                        fieldErrors: [FieldError("status", "must be PENDING, DONE or EXPIRED")])
                }
                filter.statuses.append(status)
            }
        }
        filter.accepted = try req.queryBool("accepted")
        filter.email = req.query[String.self, at: "email"]
        filter.clientId = req.query[String.self, at: "clientId"]
        filter.organizations = ["organization", "organizationScope"].compactMap { req.query[String.self, at: $0] }
        filter.renewalRequested = try req.queryBool("renewalRequested")
        let page = try PageRequest.from(req)
        let sort = try SortOrder.all(req, allowed: InvitationService.sortFields, default: [InvitationService.defaultSort])
        let after = try InvitationCursor.from(req.query[String.self, at: "after"], sort: sort)
        let listing = try await service(req).list(
            store: try req.opaqueIdParameter("store"), filter: filter, sort: sort, page: page, after: after)
        return try listing.response(for: req, page: page)
    }

    /// SPEC: Funnel.
    func stats(req: Request) async throws -> InvitationFunnel {
        let (from, to) = try InvitationService.funnelPeriod(
            from: req.query[String.self, at: "from"], to: req.query[String.self, at: "to"], now: Date())
        return try await service(req).funnel(
            store: try req.opaqueIdParameter("store"), from: from, to: to, clientId: req.query[String.self, at: "clientId"])
    }

    func get(req: Request) async throws -> InvitationView {
        try await service(req).get(store: try req.opaqueIdParameter("store"), id: try req.opaqueIdParameter("id"))
    }

    func create(req: Request) async throws -> Response {
        let store = try req.opaqueIdParameter("store")
        let actor = try req.apiActor
        // A replay answers without the link: Usher keeps no usable link at rest (docs/security.md).
        let key = try IdempotencyKey.from(req.headers)
        return try await req.idempotent(key: key, scope: actor.auditName, keep: { .without("link", in: $0) }) {
            // The body is read first, so that the store and the target come in one read; a missing
            // store still answers 404 before anything is said about the body.
            let request = Result {
                try InvitationRequest.checkSkipVerificationHeaders(req.headers)
                return try InvitationRequest.read(try JSONObjectReader.body(of: req))
            }
            let service = service(req)
            let lookups = try await service.lookups(store: store, for: try? request.get())
            let view = try await service.create(lookups: lookups, try request.get(), by: actor)
            let response = Response(status: .created)
            try response.content.encode(view, as: .json)
            response.headers.replaceOrAdd(name: .location, value: "/admin/api/v1/identityStores/\(store)/invite/\(view.id)")
            response.headers.cacheControl = .init(noStore: true)
            return response
        }
    }

    func resend(req: Request) async throws -> Response {
        let view = try await service(req).resend(
            store: try req.opaqueIdParameter("store"), id: try req.opaqueIdParameter("id"), by: try req.apiActor)
        let response = Response(status: .ok)
        try response.content.encode(view, as: .json)
        response.headers.cacheControl = .init(noStore: true)
        return response
    }

    func edit(req: Request) async throws -> InvitationView {
        try await service(req).edit(
            store: try req.opaqueIdParameter("store"), id: try req.opaqueIdParameter("id"), reader: try JSONObjectReader.body(of: req),
            by: try req.apiActor)
    }

    func revoke(req: Request) async throws -> HTTPStatus {
        try await service(req).revoke(store: try req.opaqueIdParameter("store"), id: try req.opaqueIdParameter("id"), by: try req.apiActor)
        return .noContent
    }
}
