import Fluent
import Foundation
import UsherCore
import Vapor

/// The console's application pages: the list with its create form (one application and its
/// Edit form are in ApplicationEditConsolePage.swift).
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
                // A SAML2 application has no OIDC client: nothing to show but that it was created.
                .init(application: view.name, clientId: view.clients.first?.clientId, clientSecret: view.clients.first?.clientSecret)
            })
        return page(req, "console/applications", "Applications", c, section: "applications", status: status)
    }

    func createApplication(_ req: Request) async throws -> Response {
        let form = ConsoleForm.fields(of: req)
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
            let view = try await ApplicationService(db: req.db).create(reader: JSONObjectReader(body), by: try req.consoleActor)
            // The secret is shown once, on this answer, as in the API.
            return try await renderApplications(req, values: [:], error: nil, created: view, status: .created)
        } catch let error as UsherError where error.status < 500 {
            return try await renderApplications(
                req, values: form, error: ConsoleForm.refusal(error), status: HTTPResponseStatus(statusCode: error.status))
        }
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

    /// The application just created and its first client: the secret is shown on this answer
    /// only. No client for a SAML2 application; no secret for a public client.
    struct CreatedClient {
        var application: String
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
