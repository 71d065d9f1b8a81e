import Fluent
import Foundation
import UsherCore
import Vapor

/// The console's application page: what the application is, and its Edit form (name, policy,
/// assigned groups, each client's redirect URIs and login URL, external login providers). The
/// form is turned into the same update the admin API takes (`ApplicationService.update`), so a
/// refusal reads as it does there and changes nothing.
extension ConsoleRoutes {
    func application(_ req: Request) async throws -> Response {
        try await renderApplication(req, id: try req.uuidParameter("id").idString, posted: nil, errors: [], message: nil)
    }

    func updateApplication(_ req: Request) async throws -> Response {
        let id = try req.uuidParameter("id").idString
        let service = ApplicationService(db: req.db)
        let current = try await service.view(try await service.require(id))
        let posted = ApplicationEditForm.Posted(req, clients: current.clients.count)
        do {
            _ = try await service.update(id, reader: JSONObjectReader(posted.patch(current)), by: try req.consoleActor)
            return Response.seeOther("/admin/applications/\(id)?notice=applicationSaved")
        } catch let error as UsherError where error.status < 500 {
            return try await renderApplication(
                req, id: id, posted: posted, errors: error.fieldErrors, message: error.detail,
                status: HTTPResponseStatus(statusCode: error.status))
        }
    }

    private func renderApplication(
        _ req: Request, id: String, posted: ApplicationEditForm.Posted?, errors: [FieldError], message: String?,
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let service = ApplicationService(db: req.db)
        let a = try await service.view(try await service.require(id))
        let policies = try await SelfServicePolicyModel.query(on: req.db).sort(\.$name).all()
        let policyName = policies.first { $0.id?.idString == a.selfServicePolicyId }?.name ?? a.selfServicePolicyId
        let storeGroups = try await GroupModel.query(on: req.db).filter(\.$store == a.store).sort(\.$name).all()
        let providers = try await ExternalLoginProviderModel.query(on: req.db).sort(\.$name).all()
        let chosenPolicy = posted?.policy ?? a.selfServicePolicyId
        let chosenGroups = Set(posted?.groups ?? a.groups.map(\.id))
        let chosenProviders = Set(posted?.providers ?? a.externalLoginProviders.map(\.id))
        let edit = ApplicationEditForm(
            name: posted?.name ?? a.name,
            policies: policies.map { .init(id: $0.id!.idString, name: $0.name, selected: $0.id!.idString == chosenPolicy) },
            groups: storeGroups.map { .init(id: $0.id!.idString, name: $0.name, checked: chosenGroups.contains($0.id!.idString)) },
            providers: providers.map { .init(id: $0.id!.idString, name: $0.name, checked: chosenProviders.contains($0.id!.idString)) },
            clients: a.clients.enumerated().map { i, c in
                .init(
                    index: i, clientId: c.clientId,
                    redirectUris: posted?.clients[safe: i]?.redirectUris ?? c.redirectUris.joined(separator: "\n"),
                    loginUrl: posted?.clients[safe: i]?.loginUrl ?? c.loginUrl ?? "",
                    error: ApplicationEditForm.clientErrors(errors, index: i))
            },
            nameError: ConsoleForm.refusals(errors, under: "name"),
            groupsError: ConsoleForm.refusals(errors, under: "groups"),
            providersError: ConsoleForm.refusals(errors, under: "externalLoginProviders"),
            formError: message)
        let c = ApplicationConsolePage(
            id: a.id, name: a.name, store: a.store, protocol: a.protocol, description: a.description,
            selfServicePolicyId: a.selfServicePolicyId,
            groups: a.groups, externalLoginProviders: a.externalLoginProviders, clients: a.clients,
            created: ISO8601DateFormatter().string(from: a.created),
            protocolLabel: a.protocol.uppercased(), policyName: policyName, groupNames: a.groups.map(\.name).joined(separator: ", "),
            providerNames: a.externalLoginProviders.map(\.name).joined(separator: ", "),
            isSaml: a.protocol == ApplicationProtocol.saml2.rawValue, edit: edit)
        return page(req, "console/application", a.name, c, section: "applications", status: status)
    }
}

/// `console/application`: one application. It carries every field of `ApplicationView` under
/// the API's names (`created` as ISO 8601), as the page did when it was fed the view's JSON, so
/// operators' templates that show more than the built-in one keep working.
struct ApplicationConsolePage {
    var id: String
    var name: String
    var store: String
    var `protocol`: String
    var description: String?
    var selfServicePolicyId: String
    var groups: [IdName]
    var externalLoginProviders: [IdName]
    var clients: [ClientView]
    var created: String
    var protocolLabel: String
    var policyName: String
    var groupNames: String
    var providerNames = ""
    var isSaml: Bool
    /// Nil renders the page without its Edit form.
    var edit: ApplicationEditForm? = nil
}

/// The Edit form of `console/application`, as the application is or as it was posted when the
/// update was refused.
struct ApplicationEditForm {
    struct Choice {
        var id: String
        var name: String
        var checked: Bool
    }

    struct Policy {
        var id: String
        var name: String
        var selected: Bool
    }

    /// One OIDC client: its redirect URIs one per line, its login URL.
    struct Client {
        var index: Int
        var clientId: String
        var redirectUris: String
        var loginUrl: String
        var error: String?
    }

    var name: String
    var policies: [Policy]
    var groups: [Choice]
    var providers: [Choice]
    var clients: [Client]
    var nameError: String?
    var groupsError: String?
    var providersError: String?
    var formError: String?

    /// What the form posted. Clients are posted in the order of the application's clients
    /// (`clientId0`, `redirectUris0`, `loginUrl0`, …); groups and providers as checkbox lists.
    struct Posted {
        struct Client {
            var clientId: String
            var redirectUris: String
            var loginUrl: String
        }

        var name: String
        var policy: String
        var groups: [String]
        var providers: [String]
        var clients: [Client]

        init(_ req: Request, clients count: Int) {
            func field(_ name: String) -> String { (try? req.content.get(String.self, at: name)) ?? "" }
            name = field("name").trimmingCharacters(in: .whitespaces)
            policy = field("policy")
            groups = (try? req.content.get([String].self, at: "group")) ?? []
            providers = (try? req.content.get([String].self, at: "provider")) ?? []
            clients = (0..<count).compactMap { i in
                let clientId = field("clientId\(i)")
                guard !clientId.isEmpty else { return nil }
                return Client(clientId: clientId, redirectUris: field("redirectUris\(i)"), loginUrl: field("loginUrl\(i)"))
            }
        }

        /// The admin API's update body. Each client keeps what the form does not show (its
        /// post-logout redirect URIs); an emptied login URL removes it.
        func patch(_ current: ApplicationView) -> [String: JSONValue] {
            var body: [String: JSONValue] = [
                "name": .string(name),
                "groups": .array(groups.map { .object(["id": .string($0)]) }),
                "externalLoginProviders": .array(providers.map { .object(["id": .string($0)]) }),
            ]
            if !policy.isEmpty { body["selfServicePolicyId"] = .string(policy) }
            if current.protocol == ApplicationProtocol.oidc.rawValue {
                body["clients"] = .array(
                    current.clients.map { existing in
                        let posted = clients.first { $0.clientId == existing.clientId }
                        var client: [String: JSONValue] = [
                            "clientId": .string(existing.clientId),
                            "redirectUris": .array(
                                (posted.map { Self.lines($0.redirectUris) } ?? existing.redirectUris).map { .string($0) }),
                            "postLogoutRedirectUris": .array(existing.postLogoutRedirectUris.map { .string($0) }),
                        ]
                        let login = posted.map { $0.loginUrl.trimmingCharacters(in: .whitespaces) } ?? existing.loginUrl ?? ""
                        if !login.isEmpty { client["loginUrl"] = .string(login) }
                        return .object(client)
                    })
            }
            return body
        }

        static func lines(_ text: String) -> [String] {
            text.split(whereSeparator: \.isWhitespace).map(String.init)
        }
    }

    /// A client's refusals as a person reads them: "Redirect URI 2: must use https".
    static func clientErrors(_ errors: [FieldError], index: Int) -> String? {
        let prefix = "clients[\(index)]."
        let matching = errors.filter { $0.field.hasPrefix(prefix) }
        guard !matching.isEmpty else { return nil }
        return matching.map { e in
            let field = String(e.field.dropFirst(prefix.count))
            let label: String
            if field.hasPrefix("redirectUris["), let n = Int(field.dropFirst("redirectUris[".count).prefix { $0.isNumber }) {
                label = "Redirect URI \(n + 1)"
            } else if field.hasPrefix("redirectUris") {
                label = "Redirect URIs"
            } else if field.hasPrefix("loginUrl") {
                label = "Login URL"
            } else {
                label = field
            }
            return "\(label): \(e.message)"
        }.joined(separator: "; ")
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
