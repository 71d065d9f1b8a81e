import Fluent
import Foundation
import UsherCore
import Vapor

/// The console's application pages: the list with its create form, and one application.
extension ConsoleRoutes {
    func applications(_ req: Request) async throws -> Response {
        try await renderApplications(req, values: [:], error: nil)
    }

    private func renderApplications(
        _ req: Request, values: [String: String], error: String?, created: ApplicationView? = nil,
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let listing = try await ApplicationService(db: req.db).list(store: nil, page: PageRequest(page: 0, size: 200))
        let policies = try await SelfServicePolicyModel.query(on: req.db).sort(\.$name).all()
        let c = ApplicationsConsolePage(
            applications: listing.items.map { a in
                .init(
                    id: a.id, name: a.name, store: a.store, protocol: a.protocol.uppercased(),
                    clients: a.clients.map(\.clientId).joined(separator: ", "),
                    loginUrl: a.clients.first?.loginUrl ?? "—")
            },
            stores: try await stores(req, selected: values["store"] ?? Bootstrap.defaultStore),
            policies: policies.map { .init(id: $0.id!.idString, name: $0.name, selected: values["policy"] == $0.id!.idString) },
            name: values["name"] ?? "", redirectUri: values["redirectUri"] ?? "", loginUrl: values["loginUrl"] ?? "",
            oidcSelected: values["protocol"] != "saml2", samlSelected: values["protocol"] == "saml2", formError: error,
            createdClient: created.map { view in
                view.clients.first.map { .init(clientId: $0.clientId, clientSecret: $0.clientSecret ?? "(public client: no secret)") }
                    ?? .init()
            })
        return page(req, "console/applications", "Applications", c, section: "applications", status: status)
    }

    func createApplication(_ req: Request) async throws -> Response {
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        let proto = form["protocol"] == "saml2" ? "saml2" : "oidc"
        var body: [String: JSONValue] = [
            "name": .string(form["name"] ?? ""), "store": .string(form["store"] ?? Bootstrap.defaultStore), "protocol": .string(proto),
        ]
        if let p = form["policy"], !p.isEmpty { body["selfServicePolicyId"] = .string(p) }
        if proto == "oidc" {
            var client: [String: JSONValue] = [
                "redirectUris": .array((form["redirectUri"] ?? "").split(whereSeparator: \.isWhitespace).map { .string(String($0)) })
            ]
            if let l = form["loginUrl"], !l.isEmpty { client["loginUrl"] = .string(l) }
            body["clients"] = .array([.object(client)])
        }
        do {
            let view = try await ApplicationService(db: req.db).create(reader: JSONObjectReader(body), by: req.adminUser!.actor)
            // The secret is shown once, on this answer, as in the API.
            return try await renderApplications(req, values: [:], error: nil, created: view, status: .created)
        } catch let error as UsherError where error.status < 500 {
            let detail =
                error.fieldErrors.isEmpty ? error.detail : error.fieldErrors.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
            return try await renderApplications(req, values: form, error: detail, status: HTTPResponseStatus(statusCode: error.status))
        }
    }

    func application(_ req: Request) async throws -> Response {
        let service = ApplicationService(db: req.db)
        let a = try await service.view(try await service.require(try req.uuidParameter("id").idString))
        let policy = try await SelfServicePolicyService(db: req.db).require(a.selfServicePolicyId)
        let c = ApplicationConsolePage(
            id: a.id, name: a.name, store: a.store, protocol: a.protocol, description: a.description,
            selfServicePolicyId: a.selfServicePolicyId,
            groups: a.groups, externalLoginProviders: a.externalLoginProviders, clients: a.clients,
            created: ISO8601DateFormatter().string(from: a.created),
            protocolLabel: a.protocol.uppercased(), policyName: policy.name, groupNames: a.groups.map(\.name).joined(separator: ", "),
            isSaml: a.protocol == "saml2")
        return page(req, "console/application", a.name, c, section: "applications")
    }
}

/// `console/applications`: every application, and the create form (kept as typed when refused).
struct ApplicationsConsolePage {
    struct Application {
        var id: String
        var name: String
        var store: String
        var `protocol`: String
        var clients: String
        var loginUrl: String
    }

    struct Policy {
        var id: String
        var name: String
        var selected: Bool
    }

    /// The client just created: its secret is shown on this answer only.
    struct CreatedClient {
        var clientId: String?
        var clientSecret: String?
    }

    var applications: [Application]
    var stores: [StoreOption]
    var policies: [Policy]
    var name: String
    var redirectUri: String
    var loginUrl: String
    var oidcSelected: Bool
    var samlSelected: Bool
    var formError: String?
    var createdClient: CreatedClient?
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
    var isSaml: Bool
}
