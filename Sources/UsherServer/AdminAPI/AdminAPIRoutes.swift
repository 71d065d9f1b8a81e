import Fluent
import UsherCore
import Vapor

/// `/admin/api/v1`: the JSON admin API. Every route needs a bearer token, and each family a
/// scope: `*:account` for customers (accounts, groups, invitations, mailbox), `*:config` for
/// configuration (stores, applications, policies, API clients, login providers, audit log).
struct AdminAPIRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("admin", "api", "v1").grouped(AdminTokenAuthenticator())
        try api.register(collection: InvitationRoutes())
        try api.register(collection: IdentityStoreRoutes())
        try api.register(collection: GroupRoutes())
        try api.register(collection: AccountRoutes())
        try api.register(collection: SelfServicePolicyRoutes())
        try api.register(collection: ApplicationRoutes())
        try api.register(collection: APIClientRoutes())
        try api.register(collection: ExternalLoginProviderRoutes())
        try api.register(collection: MailboxRoutes())
        try api.register(collection: AuditRoutes())
    }
}

extension Response {
    static func created(_ value: some Content, location: String) throws -> Response {
        let response = Response(status: .created)
        try response.content.encode(value, as: .json)
        response.headers.replaceOrAdd(name: .location, value: location)
        return response
    }
}

struct IdentityStoreRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let stores = routes.grouped("identityStores")
        stores.grouped(RequireScope(.readConfig)).get { req in try await IdentityStoreService(db: req.db).list() }
        stores.grouped(RequireScope(.readConfig)).get(":store") { req in
            IdentityStoreService.view(try await IdentityStoreService(db: req.db).require(req.parameters.get("store")!))
        }
        let write = stores.grouped(RequireScope(.writeConfig))
        write.post { req in
            let request = try IdentityStoreService.CreateRequest.read(try JSONObjectReader.body(of: req))
            let view = try await IdentityStoreService(db: req.db).create(request, by: try req.apiActor)
            return try Response.created(view, location: "/admin/api/v1/identityStores/\(view.name)")
        }
        for method in [HTTPMethod.PUT, .PATCH] {
            write.on(method, ":store") { req in
                try await IdentityStoreService(db: req.db).update(req.parameters.get("store")!, reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
            }
        }
        write.delete(":store") { req -> HTTPStatus in
            try await IdentityStoreService(db: req.db).delete(req.parameters.get("store")!, by: try req.apiActor)
            return .noContent
        }
    }
}

struct GroupRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let groups = routes.grouped("identityStores", ":store", "groups")
        let read = groups.grouped(RequireScope(.readAccount))
        let write = groups.grouped(RequireScope(.writeAccount))
        read.get { req in
            let page = try PageRequest.from(req)
            return try await GroupService(db: req.db).list(store: req.parameters.get("store")!, page: page, name: req.query[String.self, at: "name"])
                .response(for: req, page: page)
        }
        read.get(":id") { req in try await GroupService(db: req.db).get(store: req.parameters.get("store")!, id: req.parameters.get("id")!) }
        write.post { req in
            let store = req.parameters.get("store")!
            let view = try await GroupService(db: req.db).create(store: store, reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
            return try Response.created(view, location: "/admin/api/v1/identityStores/\(store)/groups/\(view.id)")
        }
        for method in [HTTPMethod.PUT, .PATCH] {
            write.on(method, ":id") { req in
                try await GroupService(db: req.db).update(store: req.parameters.get("store")!, id: req.parameters.get("id")!,
                                                          reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
            }
        }
        write.delete(":id") { req -> HTTPStatus in
            try await GroupService(db: req.db).delete(store: req.parameters.get("store")!, id: req.parameters.get("id")!, by: try req.apiActor)
            return .noContent
        }
        read.get(":id", "members") { req in
            let page = try PageRequest.from(req)
            return try await GroupService(db: req.db).members(store: req.parameters.get("store")!, id: req.parameters.get("id")!, page: page)
                .response(for: req, page: page)
        }
        write.post(":id", "members") { req -> HTTPStatus in
            let r = try JSONObjectReader.body(of: req)
            let accountId = r.string("id", required: true, max: 64)
            try r.validate()
            try await GroupService(db: req.db).addMember(store: req.parameters.get("store")!, id: req.parameters.get("id")!, accountId: accountId!, by: try req.apiActor)
            return .noContent
        }
        write.delete(":id", "members", ":accountId") { req -> HTTPStatus in
            try await GroupService(db: req.db).removeMember(store: req.parameters.get("store")!, id: req.parameters.get("id")!,
                                                            accountId: req.parameters.get("accountId")!, by: try req.apiActor)
            return .noContent
        }
    }
}

struct AccountRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let accounts = routes.grouped("identityStores", ":store", "accounts")
        let read = accounts.grouped(RequireScope(.readAccount))
        let write = accounts.grouped(RequireScope(.writeAccount))
        func service(_ req: Request) -> AccountService { AccountService(db: req.db, passwords: req.usher.passwords) }
        read.get { req in
            let page = try PageRequest.from(req)
            return try await service(req).list(store: req.parameters.get("store")!, email: req.query[String.self, at: "email"],
                                               search: req.query[String.self, at: "search"], page: page)
                .response(for: req, page: page)
        }
        read.get(":id") { req in
            try await service(req).view(try await service(req).require(store: req.parameters.get("store")!, id: req.parameters.get("id")!))
        }
        write.post { req in
            let store = req.parameters.get("store")!
            let view = try await service(req).create(store: store, reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
            return try Response.created(view, location: "/admin/api/v1/identityStores/\(store)/accounts/\(view.id)")
        }
        for method in [HTTPMethod.PUT, .PATCH] {
            write.on(method, ":id") { req in
                try await service(req).update(store: req.parameters.get("store")!, id: req.parameters.get("id")!,
                                              reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
            }
        }
        write.delete(":id") { req -> HTTPStatus in
            try await service(req).delete(store: req.parameters.get("store")!, id: req.parameters.get("id")!, by: try req.apiActor)
            return .noContent
        }
    }
}

struct SelfServicePolicyRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let policies = routes.grouped("selfServicePolicies")
        let read = policies.grouped(RequireScope(.readConfig))
        let write = policies.grouped(RequireScope(.writeConfig))
        read.get { req in
            let page = try PageRequest.from(req)
            return try await SelfServicePolicyService(db: req.db).list(page: page).response(for: req, page: page)
        }
        read.get(":id") { req in SelfServicePolicyService.view(try await SelfServicePolicyService(db: req.db).require(req.parameters.get("id")!)) }
        write.post { req in
            let view = try await SelfServicePolicyService(db: req.db).create(reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
            return try Response.created(view, location: "/admin/api/v1/selfServicePolicies/\(view.id)")
        }
        for method in [HTTPMethod.PUT, .PATCH] {
            write.on(method, ":id") { req in
                try await SelfServicePolicyService(db: req.db).update(req.parameters.get("id")!, reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
            }
        }
        write.delete(":id") { req -> HTTPStatus in
            try await SelfServicePolicyService(db: req.db).delete(req.parameters.get("id")!, by: try req.apiActor)
            return .noContent
        }
    }
}

struct ApplicationRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let apps = routes.grouped("applications")
        let read = apps.grouped(RequireScope(.readConfig))
        let write = apps.grouped(RequireScope(.writeConfig))
        read.get { req in
            let page = try PageRequest.from(req)
            return try await ApplicationService(db: req.db).list(store: req.query[String.self, at: "store"], page: page).response(for: req, page: page)
        }
        read.get(":id") { req in
            let service = ApplicationService(db: req.db)
            return try await service.view(try await service.require(req.parameters.get("id")!))
        }
        write.post { req in
            let view = try await ApplicationService(db: req.db).create(reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
            let response = try Response.created(view, location: "/admin/api/v1/applications/\(view.id)")
            response.headers.cacheControl = .init(noStore: true)
            return response
        }
        for method in [HTTPMethod.PUT, .PATCH] {
            write.on(method, ":id") { req in
                try await ApplicationService(db: req.db).update(req.parameters.get("id")!, reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
            }
        }
        write.post(":id", "clients", ":clientId", "secret") { req in
            try await ApplicationService(db: req.db).rotateSecret(req.parameters.get("id")!, clientId: req.parameters.get("clientId")!, by: try req.apiActor)
        }
        write.delete(":id") { req -> HTTPStatus in
            try await ApplicationService(db: req.db).delete(req.parameters.get("id")!, by: try req.apiActor)
            return .noContent
        }
    }
}

struct APIClientRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let clients = routes.grouped("apiClients")
        let read = clients.grouped(RequireScope(.readConfig))
        let write = clients.grouped(RequireScope(.writeConfig))
        read.get { req in
            let page = try PageRequest.from(req)
            return try await APIClientService(db: req.db).list(page: page).response(for: req, page: page)
        }
        read.get(":id") { req in APIClientService.view(try await APIClientService(db: req.db).require(req.parameters.get("id")!)) }
        write.post { req in
            let view = try await APIClientService(db: req.db).create(reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
            let response = try Response.created(view, location: "/admin/api/v1/apiClients/\(view.clientId)")
            response.headers.cacheControl = .init(noStore: true)
            return response
        }
        for method in [HTTPMethod.PUT, .PATCH] {
            write.on(method, ":id") { req in
                try await APIClientService(db: req.db).update(req.parameters.get("id")!, reader: try JSONObjectReader.body(of: req), by: try req.apiActor)
            }
        }
        write.delete(":id") { req -> HTTPStatus in
            try await APIClientService(db: req.db).delete(req.parameters.get("id")!, by: try req.apiActor)
            return .noContent
        }
    }
}

struct AuditEventView: Content {
    var id: String
    var at: Date
    var actor: String
    var action: String
    var store: String?
    var targetType: String
    var targetId: String
    var details: [String: String]
}

struct AuditRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("auditEvents").grouped(RequireScope(.readConfig)).get { req in
            let page = try PageRequest.from(req)
            return try await AuditLog(db: req.db).list(
                store: req.query[String.self, at: "store"], action: req.query[String.self, at: "action"],
                targetId: req.query[String.self, at: "targetId"], page: page
            ).response(for: req, page: page)
        }
    }
}

struct AuditLog {
    let db: any Database

    func list(store: String?, action: String?, targetId: String?, page: PageRequest) async throws -> Listing<AuditEventView> {
        let query = AuditEventModel.query(on: db)
        if let store { query.filter(\.$store == store) }
        if let action { query.filter(\.$action == action) }
        if let targetId { query.filter(\.$targetId == targetId.lowercased()) }
        let total = try await query.count()
        let events = try await query.sort(\.$at, .descending).sort(\.$id, .descending).range(page.offset..<(page.offset + page.size)).all()
        return Listing(items: events.map {
            AuditEventView(id: $0.id!.idString, at: $0.at, actor: $0.actor, action: $0.action, store: $0.store, targetType: $0.targetType,
                           targetId: $0.targetId, details: JSONText.decode([String: String].self, $0.details) ?? [:])
        }, total: total)
    }
}
