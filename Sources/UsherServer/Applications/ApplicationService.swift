import Fluent
import Foundation
import UsherCore
import Vapor

struct ClientView: Content, Equatable {
    var clientId: String
    /// Present only in the answer that created the client (or rotated its secret).
    var clientSecret: String?
    var `public`: Bool
    var redirectUris: [String]
    var postLogoutRedirectUris: [String]
    var loginUrl: String?
}

struct ApplicationView: Content, Equatable {
    var id: String
    var name: String
    var store: String
    var `protocol`: String
    var description: String?
    var selfServicePolicyId: String
    var groups: [IdName]
    var externalLoginProviders: [IdName]
    var clients: [ClientView]
    var created: Date
}

/// Applications customers sign in to, with their OIDC clients.
struct ApplicationService: ServerResourceService {
    let db: any Database

    func require(_ id: String) async throws -> ApplicationModel { try await ApplicationModel.require(id, noun: "application", on: db) }

    func get(_ id: String) async throws -> ApplicationView { try await view(try await require(id)) }

    func clients(of appId: UUID) async throws -> [OIDCClientModel] {
        try await OIDCClientModel.query(on: db).filter(\.$applicationId == appId).sort(\.$position).all()
    }

    func groupIds(of appId: UUID) async throws -> [UUID] {
        try await ApplicationGroupModel.query(on: db).filter(\.$applicationId == appId).all().map(\.groupId)
    }

    func view(_ app: ApplicationModel, secrets: [String: String] = [:]) async throws -> ApplicationView {
        let clients = try await clients(of: app.id!)
        let gids = try await groupIds(of: app.id!)
        let groups = gids.isEmpty ? [] : try await GroupModel.query(on: db).filter(\.$id ~~ gids).sort(\.$name).all()
        let pids = try await ApplicationProviderModel.query(on: db).filter(\.$applicationId == app.id!).all().map(\.providerId)
        let providers = pids.isEmpty ? [] : try await ExternalLoginProviderModel.query(on: db).filter(\.$id ~~ pids).sort(\.$name).all()
        return ApplicationView(
            id: app.id!.idString, name: app.name, store: app.store, protocol: app.protocolKind, description: app.appDescription,
            selfServicePolicyId: app.policyId.idString,
            groups: groups.map { IdName(id: $0.id!.idString, name: $0.name) },
            externalLoginProviders: providers.map { IdName(id: $0.id!.idString, name: $0.name) },
            clients: clients.map { Self.clientView($0, secret: secrets[$0.id!]) },
            created: app.createdAt)
    }

    static func clientView(_ c: OIDCClientModel, secret: String? = nil) -> ClientView {
        ClientView(
            clientId: c.id!, clientSecret: secret, public: c.isPublic,
            redirectUris: JSONText.decode([String].self, c.redirectURIs) ?? [],
            postLogoutRedirectUris: JSONText.decode([String].self, c.postLogoutRedirectURIs) ?? [],
            loginUrl: c.loginURL)
    }

    func list(page: PageRequest) async throws -> Listing<ApplicationView> { try await list(store: nil, page: page) }

    func list(store: String?, page: PageRequest) async throws -> Listing<ApplicationView> {
        let query = ApplicationModel.query(on: db)
        if let store { query.filter(\.$store == store) }
        let total = try await query.count()
        let apps = try await query.sort(\.$name).range(page.offset..<(page.offset + page.size)).all()
        var views: [ApplicationView] = []
        for app in apps { views.append(try await view(app)) }
        return Listing(items: views, total: total)
    }

    struct ClientInput {
        var clientId: String?
        var isPublic: Bool
        var redirectURIs: [String]
        var postLogoutRedirectURIs: [String]
        var loginURL: String?
    }

    static func readClients(_ r: JSONObjectReader) -> [ClientInput]? {
        guard let items = r.array("clients", maxCount: 10) else { return nil }
        var result: [ClientInput] = []
        for (i, item) in items.enumerated() {
            let path = "clients[\(i)]"
            guard case .object(let o) = item else {
                r.sink.add(path, "must be an object")
                continue
            }
            let c = JSONObjectReader(o, path: path, sink: r.sink)
            let clientId = c.string("clientId", max: 100)
            let isPublic = c.bool("public") ?? false
            let redirects = c.stringArray("redirectUris", required: true, maxCount: 20, maxLength: RedirectURI.maxLength) ?? []
            if c.has("redirectUris") && redirects.isEmpty && c.sink.errors.allSatisfy({ !$0.field.hasPrefix("\(path).redirectUris") }) {
                c.sink.add("\(path).redirectUris", "must list at least one redirect URI")
            }
            for (j, uri) in redirects.enumerated() { if let p = RedirectURI.problem(uri) { c.sink.add("\(path).redirectUris[\(j)]", p) } }
            let logout = c.stringArray("postLogoutRedirectUris", maxCount: 20, maxLength: RedirectURI.maxLength) ?? []
            for (j, uri) in logout.enumerated() {
                if let p = RedirectURI.problem(uri) { c.sink.add("\(path).postLogoutRedirectUris[\(j)]", p) }
            }
            let login = c.string("loginUrl", max: RedirectURI.maxLength)
            if let login, let p = RedirectURI.loginURLProblem(login) { c.sink.add("\(path).loginUrl", p) }
            c.finish()
            result.append(
                ClientInput(
                    clientId: clientId, isPublic: isPublic, redirectURIs: redirects, postLogoutRedirectURIs: logout, loginURL: login))
        }
        return result
    }

    /// The external login providers named by id: 404 for ids that do not exist.
    private func resolveProviders(_ ids: [String]) async throws -> [UUID] {
        try await ExternalLoginProviderModel.requireAll(
            ids, field: "externalLoginProviders", noun: "external login provider", plural: "external login providers",
            errorKey: .externalLoginProviderNotFound, on: db
        ).map { $0.id! }
    }

    func create(reader r: JSONObjectReader, by actor: Actor) async throws -> ApplicationView {
        let name = r.string("name", required: true, max: 100)
        let storeName = r.string("store", required: true, max: 64)
        let protocolRaw = r.string("protocol", required: true, max: 10)
        let proto = protocolRaw.flatMap(ApplicationProtocol.init(rawValue:))
        if protocolRaw != nil && proto == nil { r.sink.add("protocol", "must be oidc or saml2") }
        let description = r.string("description", max: 1000)
        let policyId = r.string("selfServicePolicyId", max: 64)
        let groupIds = r.idReferences("groups") ?? []
        let providerIds = r.idReferences("externalLoginProviders") ?? []
        let clients = Self.readClients(r) ?? []
        if proto == .saml2 && !clients.isEmpty { r.sink.add("clients", "SAML2 applications have no OIDC clients") }
        if clients.contains(where: { $0.clientId != nil }) {
            r.sink.add("clients", "client ids are generated by Usher; leave clientId out")
        }
        try r.validate()

        let store = try await IdentityStoreService(db: db).require(storeName!)
        let policy =
            if let policyId { try await SelfServicePolicyService(db: db).require(policyId) } else {
                try await SelfServicePolicyService(db: db).defaultPolicy()
            }
        let groups = try await GroupService(db: db).resolve(groupIds)
        try GroupService.requireSameStore(groups, store: store.id!)
        let providers = try await resolveProviders(providerIds)

        let app = ApplicationModel()
        app.id = UUID()
        app.name = name!
        app.store = store.id!
        app.protocolKind = proto!.rawValue
        app.policyId = policy.id!
        app.appDescription = description
        app.createdAt = Date()
        var secrets: [String: String] = [:]
        let clientModels = clients.enumerated().map { i, c in
            let (model, secret) = Self.makeClient(c, appId: app.id!, position: i)
            if let secret { secrets[model.id!] = secret }
            return model
        }
        try await db.write { tx in
            try await app.create(on: tx)
            for c in clientModels { try await c.create(on: tx) }
            for g in groups { try await ApplicationGroupModel(applicationId: app.id!, groupId: g.id!).create(on: tx) }
            for p in providers { try await ApplicationProviderModel(applicationId: app.id!, providerId: p).create(on: tx) }
            try await Audit.record(
                on: tx, actor: actor, action: .applicationCreated, store: app.store, targetType: "application", targetId: app.id!.idString,
                details: ["name": app.name, "protocol": app.protocolKind])
        }
        return try await view(app, secrets: secrets)
    }

    static func makeClient(_ c: ClientInput, appId: UUID, position: Int) -> (OIDCClientModel, String?) {
        let model = OIDCClientModel()
        model.id = String(SecretToken.generate().prefix(24))
        model.applicationId = appId
        model.isPublic = c.isPublic
        var secret: String?
        if !c.isPublic {
            let s = SecretToken.generate()
            secret = s
            model.secretHash = SecretToken.hash(s)
        }
        model.redirectURIs = JSONText.encode(c.redirectURIs)
        model.postLogoutRedirectURIs = JSONText.encode(c.postLogoutRedirectURIs)
        model.loginURL = c.loginURL
        model.position = position
        model.createdAt = Date()
        return (model, secret)
    }

    /// Changes what is given. `clients`, when given, is the whole new list: entries with a
    /// clientId update that client, entries without one are new clients, clients left out go.
    func update(_ id: String, reader r: JSONObjectReader, by actor: Actor) async throws -> ApplicationView {
        let app = try await require(id)
        let name = r.string("name", max: 100)
        let description = r.string("description", max: 1000, allowEmpty: true)
        if let s = r.string("store", max: 64), s != app.store { r.sink.add("store", "cannot be changed") }
        if let p = r.string("protocol", max: 10), p != app.protocolKind { r.sink.add("protocol", "cannot be changed") }
        let policyId = r.string("selfServicePolicyId", max: 64)
        let groupIds = r.idReferences("groups")
        let providerIds = r.idReferences("externalLoginProviders")
        let clients = Self.readClients(r)
        if app.protocolKind == ApplicationProtocol.saml2.rawValue, let clients, !clients.isEmpty {
            r.sink.add("clients", "SAML2 applications have no OIDC clients")
        }
        try r.validate()

        let policy: SelfServicePolicyModel? = if let policyId { try await SelfServicePolicyService(db: db).require(policyId) } else { nil }
        let groups: [GroupModel]? = if let groupIds { try await GroupService(db: db).resolve(groupIds) } else { nil }
        if let groups { try GroupService.requireSameStore(groups, store: app.store) }
        let providers: [UUID]? = if let providerIds { try await resolveProviders(providerIds) } else { nil }
        let existing = try await self.clients(of: app.id!)
        var secrets: [String: String] = [:]
        var keep: [OIDCClientModel] = []
        var fresh: [OIDCClientModel] = []
        if let clients {
            for (i, c) in clients.enumerated() {
                if let cid = c.clientId {
                    guard let model = existing.first(where: { $0.id == cid }) else {
                        throw UsherError(
                            status: 404, errorKey: .clientNotFound, title: "Not found", detail: "The application has no client '\(cid)'.",
                            fieldErrors: [FieldError("clients[\(i)].clientId", "is not a client of this application")])
                    }
                    model.redirectURIs = JSONText.encode(c.redirectURIs)
                    model.postLogoutRedirectURIs = JSONText.encode(c.postLogoutRedirectURIs)
                    model.loginURL = c.loginURL
                    model.position = i
                    keep.append(model)
                } else {
                    let (model, secret) = Self.makeClient(c, appId: app.id!, position: i)
                    if let secret { secrets[model.id!] = secret }
                    fresh.append(model)
                }
            }
        }
        if let name { app.name = name }
        if r.has("description") { app.appDescription = description?.isEmpty == true ? nil : description }
        if let policy { app.policyId = policy.id! }
        let (keepClients, freshClients) = (keep, fresh)
        try await db.write { tx in
            try await app.save(on: tx)
            if clients != nil {
                let keptIds = keepClients.map { $0.id! }
                for old in existing where !keptIds.contains(old.id!) { try await old.delete(on: tx) }
                for c in keepClients { try await c.save(on: tx) }
                for c in freshClients { try await c.create(on: tx) }
            }
            if let groups {
                try await ApplicationGroupModel.query(on: tx).filter(\.$applicationId == app.id!).delete()
                for g in groups { try await ApplicationGroupModel(applicationId: app.id!, groupId: g.id!).create(on: tx) }
            }
            if let providers {
                try await ApplicationProviderModel.query(on: tx).filter(\.$applicationId == app.id!).delete()
                for p in providers { try await ApplicationProviderModel(applicationId: app.id!, providerId: p).create(on: tx) }
            }
            try await Audit.record(
                on: tx, actor: actor, action: .applicationUpdated, store: app.store, targetType: "application", targetId: id)
        }
        return try await view(app, secrets: secrets)
    }

    /// A new secret for a confidential client; the old one stops working at once.
    func rotateSecret(_ id: String, clientId: String, by actor: Actor) async throws -> ClientView {
        let app = try await require(id)
        guard let client = try await OIDCClientModel.find(clientId, on: db), client.applicationId == app.id else {
            throw UsherError(
                status: 404, errorKey: .clientNotFound, title: "Not found", detail: "The application has no client '\(clientId)'.")
        }
        guard !client.isPublic else {
            throw UsherError.badRequest(.clientPublic, "A public client has no secret; it authenticates with PKCE.")
        }
        let secret = SecretToken.generate()
        client.secretHash = SecretToken.hash(secret)
        try await db.write { tx in
            try await client.save(on: tx)
            try await Audit.record(
                on: tx, actor: actor, action: .clientSecretRotated, store: app.store, targetType: "client", targetId: clientId)
        }
        return Self.clientView(client, secret: secret)
    }

    func delete(_ id: String, by actor: Actor) async throws {
        let app = try await require(id)
        let pending = try await InvitationModel.query(on: db).filter(\.$applicationId == app.id!).filter(\.$status == "PENDING").count()
        guard pending == 0 else {
            throw UsherError.conflict(
                .applicationHasPendingInvitations, "\(pending) pending invitation(s) lead to this application; revoke them first.")
        }
        try await db.write { tx in
            try await OIDCClientModel.query(on: tx).filter(\.$applicationId == app.id!).delete()
            try await ApplicationGroupModel.query(on: tx).filter(\.$applicationId == app.id!).delete()
            try await ApplicationProviderModel.query(on: tx).filter(\.$applicationId == app.id!).delete()
            try await app.delete(on: tx)
            try await Audit.record(
                on: tx, actor: actor, action: .applicationDeleted, store: app.store, targetType: "application", targetId: id,
                details: ["name": app.name])
        }
    }
}

extension ApplicationView: Identifiable {}
