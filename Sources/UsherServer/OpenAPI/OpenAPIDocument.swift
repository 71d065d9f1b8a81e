import Foundation
import Vapor

/// The OpenAPI 3 description of the admin API and the token endpoint, served at
/// `/openapi.json`. It is written by hand, apart from the routes, on purpose: a test compares
/// the two and fails when a route is added, removed or re-scoped without the document.
enum OpenAPIDocument {
    typealias JSON = [String: Any]

    private struct Operation {
        var method: String
        var path: String
        var summary: String
        var scope: String?
        var tag: String
        var body: String? = nil
        var success: (code: String, schema: String?, array: Bool) = ("200", nil, false)
        var query: [(String, String, String)] = []  // name, type, description
        var paged = false
        /// The problem statuses this operation can answer; nil = worked out by `errorCodes`.
        var errors: [String]? = nil
        var headers: [(String, String)] = []  // name, description
    }

    private static let paging: [(String, String, String)] = [
        ("page", "integer", "Page number, from 0."),
        ("size", "integer", "Page size (default 20); above 200 counts as 200. The total is in X-Total-Count."),
    ]
    private static let pagingBounds: [String: (Int, Int)] = ["page": (0, 1_000_000), "size": (1, Int(Int32.max))]

    private static var operations: [Operation] {
        let inv = "/admin/api/v1/identityStores/{store}/invite"
        let stores = "/admin/api/v1/identityStores"
        let groups = "/admin/api/v1/identityStores/{store}/groups"
        let accounts = "/admin/api/v1/identityStores/{store}/accounts"
        let policies = "/admin/api/v1/selfServicePolicies"
        let apps = "/admin/api/v1/applications"
        let clients = "/admin/api/v1/apiClients"
        var ops: [Operation] = [
            Operation(
                method: "get", path: inv, summary: "List invitations", scope: "read:account", tag: "Invitations",
                success: ("200", "Invitation", true),
                query: [
                    ("status", "string", "PENDING, DONE or EXPIRED (comma-separated for several)."),
                    ("accepted", "boolean", "true for DONE, false for the others."),
                    ("email", "string", "Exact email (case-insensitive)."), ("clientId", "string", "The OIDC client."),
                    ("organization", "string", "Only invitations to this organization (its id); an unknown id lists nothing."),
                    ("organizationScope", "string", "Strivacity's name for the same filter as organization."),
                    ("renewalRequested", "boolean", "true: only invitations whose invitee asked for a new one from the expired link."),
                    (
                        "sort", "array",
                        "field or field,asc|desc; repeat the parameter to sort by several fields in order. Fields: created, sent, validUntil, email, status, clientId, id, language, accountId, organization."
                    ),
                    (
                        "after", "string",
                        "The X-Next-Cursor of the previous page: the page after it, at constant cost however deep (page is then ignored)."
                    ),
                ],
                paged: true, errors: ["400", "401", "403", "404"]),
            Operation(
                method: "get", path: inv + "/stats", summary: "The invitation funnel of a period", scope: "read:account",
                tag: "Invitations",
                success: ("200", "InvitationFunnel", false),
                query: [
                    ("from", "string", "Start (date or date-time, UTC); default 30 days before to."),
                    ("to", "string", "End, exclusive (a date counts whole); default now."),
                    ("clientId", "string", "Only this client's invitations."),
                ], errors: ["400", "401", "403", "404"]),
            // The statuses Strivacity declares for its five operations, so a client written to
            // its document meets no status it does not expect.
            Operation(
                method: "post", path: inv, summary: "Invite a customer", scope: "write:account", tag: "Invitations",
                body: "InvitationCreate", success: ("201", "Invitation", false), errors: ["400", "401", "403", "404", "409", "422"],
                headers: [
                    (
                        "Idempotency-Key",
                        "1 to 255 printable characters naming this request: sent again within 24 hours with the same body it answers the first answer (Idempotent-Replayed: true, without the link) and creates nothing; with another body 422 idempotency.keyReused; while the first runs 409 idempotency.inProgress."
                    ),
                    ("X-Skip-Email-Verification", "Strivacity's; true or false. Accepted, changes nothing: the link proves the address."),
                    ("X-Skip-Phone-Verification", "Strivacity's; true or false. Accepted, changes nothing."),
                ]),
            Operation(
                method: "get", path: inv + "/{id}", summary: "Get an invitation", scope: "read:account", tag: "Invitations",
                success: ("200", "Invitation", false), errors: ["401", "403", "404"]),
            Operation(
                method: "post", path: inv + "/{id}/resend", summary: "Resend an invitation with a new link", scope: "write:account",
                tag: "Invitations", success: ("200", "Invitation", false), errors: ["400", "401", "403", "404"]),
            Operation(
                method: "patch", path: inv + "/{id}", summary: "Edit a pending or expired invitation (the link stays)",
                scope: "write:account", tag: "Invitations", body: "InvitationUpdate", success: ("200", "Invitation", false),
                errors: ["400", "401", "403", "404", "409"]),
            Operation(
                method: "delete", path: inv + "/{id}", summary: "Revoke (delete) an invitation", scope: "write:account",
                tag: "Invitations", success: ("204", nil, false), errors: ["401", "403", "404"]),
        ]
        func crud(
            _ base: String, _ idName: String, _ tag: String, _ schema: String, read: String, write: String,
            listQuery: [(String, String, String)] = [], paged: Bool = true
        ) -> [Operation] {
            [
                Operation(
                    method: "get", path: base, summary: "List \(tag.lowercased())", scope: read, tag: tag,
                    success: ("200", schema, true), query: listQuery, paged: paged),
                Operation(
                    method: "post", path: base, summary: "Create", scope: write, tag: tag, body: schema + "Create",
                    success: ("201", schema, false)),
                Operation(
                    method: "get", path: base + "/{\(idName)}", summary: "Get one", scope: read, tag: tag, success: ("200", schema, false)),
                Operation(
                    method: "put", path: base + "/{\(idName)}", summary: "Update", scope: write, tag: tag, body: schema + "Update",
                    success: ("200", schema, false)),
                Operation(
                    method: "patch", path: base + "/{\(idName)}", summary: "Update some fields", scope: write, tag: tag,
                    body: schema + "Update", success: ("200", schema, false)),
                Operation(
                    method: "delete", path: base + "/{\(idName)}", summary: "Delete", scope: write, tag: tag, success: ("204", nil, false)),
            ]
        }
        ops += crud(stores, "store", "Identity stores", "IdentityStore", read: "read:config", write: "write:config", paged: false)
        ops += crud(
            groups, "id", "Groups", "Group", read: "read:account", write: "write:account", listQuery: [("name", "string", "Exact name.")])
        ops += [
            Operation(
                method: "get", path: groups + "/{id}/members", summary: "List a group's members", scope: "read:account", tag: "Groups",
                success: ("200", "Account", true), paged: true),
            Operation(
                method: "post", path: groups + "/{id}/members", summary: "Add an account to a group", scope: "write:account", tag: "Groups",
                body: "IdReference", success: ("204", nil, false)),
            Operation(
                method: "delete", path: groups + "/{id}/members/{accountId}", summary: "Remove an account from a group",
                scope: "write:account", tag: "Groups", success: ("204", nil, false)),
        ]
        ops += crud(
            accounts, "id", "Accounts", "Account", read: "read:account", write: "write:account",
            listQuery: [("email", "string", "Exact email (case-insensitive)."), ("search", "string", "Part of an email or name.")])
        ops += [
            Operation(
                method: "post", path: accounts + "/{id}/passwordReset",
                summary:
                    "Send the account a password-reset email (a link valid 30 minutes, or, for an account that signs in only with an external provider, a notice saying so)",
                scope: "write:account", tag: "Accounts", success: ("202", nil, false), errors: ["400", "401", "403", "404"]),
            Operation(
                method: "post", path: accounts + "/{id}/signOut",
                summary: "Sign the account out everywhere: end every browser session and revoke every refresh token",
                scope: "write:account", tag: "Accounts", success: ("204", nil, false), errors: ["400", "401", "403", "404"]),
        ]
        ops += crud(policies, "id", "Self-service policies", "SelfServicePolicy", read: "read:config", write: "write:config")
        ops += crud(
            apps, "id", "Applications", "Application", read: "read:config", write: "write:config",
            listQuery: [("store", "string", "Only applications of this identity store.")])
        ops.append(
            Operation(
                method: "post", path: apps + "/{id}/clients/{clientId}/secret", summary: "Rotate a client's secret",
                scope: "write:config", tag: "Applications", success: ("200", "ClientSecret", false)))
        ops += crud(clients, "id", "API clients", "APIClient", read: "read:config", write: "write:config")
        ops += crud(
            "/admin/api/v1/externalLoginProviders", "id", "External login providers", "ExternalLoginProvider", read: "read:config",
            write: "write:config")
        ops += [
            Operation(
                method: "get", path: "/admin/api/v1/auditEvents", summary: "Read the audit log, newest first", scope: "read:config",
                tag: "Audit", success: ("200", "AuditEvent", true),
                query: [
                    ("store", "string", "Identity store."), ("action", "string", "e.g. invitation.revoked"),
                    ("targetId", "string", "The id of the thing acted on."),
                ],
                paged: true),
            Operation(
                method: "get", path: "/admin/api/v1/mailbox", summary: "List emails (the local mailbox), newest first",
                scope: "read:account",
                tag: "Mailbox", success: ("200", "MailboxMessage", true),
                query: [
                    ("to", "string", "Recipient."), ("invitationId", "string", "Invitation."),
                    ("status", "string", "queued, sending, sent, failed or cancelled."),
                ],
                paged: true),
            Operation(
                method: "get", path: "/admin/api/v1/mailbox/{id}", summary: "Read one email", scope: "read:account", tag: "Mailbox",
                success: ("200", "MailboxMessage", false)),
        ]
        // Events and webhooks (docs/webhooks.md).
        let hooks = "/admin/api/v1/webhooks"
        ops += [
            Operation(
                method: "get", path: "/admin/api/v1/events",
                summary: "Read the event log, oldest first (the polling alternative to webhooks)", scope: "read:account", tag: "Events",
                success: ("200", "EventPage", false),
                query: [
                    ("after", "string", "The next of the previous page (default: from the start)."),
                    ("type", "string", "Event types or patterns such as invitation.*, comma-separated."),
                    ("limit", "integer", "At most this many events (1 to 1000, default 100)."),
                ], errors: ["400", "401", "403"]),
            Operation(
                method: "get", path: hooks, summary: "List webhook endpoints", scope: "read:config", tag: "Webhooks",
                success: ("200", "Webhook", true)),
            Operation(
                method: "post", path: hooks, summary: "Create a webhook endpoint (the answer shows its secret, once)",
                scope: "write:config", tag: "Webhooks", body: "WebhookCreate", success: ("201", "Webhook", false)),
            Operation(
                method: "get", path: hooks + "/{id}", summary: "Get a webhook endpoint", scope: "read:config", tag: "Webhooks",
                success: ("200", "Webhook", false)),
            Operation(
                method: "put", path: hooks + "/{id}", summary: "Replace a webhook endpoint", scope: "write:config", tag: "Webhooks",
                body: "WebhookCreate", success: ("200", "Webhook", false)),
            Operation(
                method: "patch", path: hooks + "/{id}", summary: "Change some fields (enabled: true turns a disabled endpoint on again)",
                scope: "write:config", tag: "Webhooks", body: "WebhookUpdate", success: ("200", "Webhook", false)),
            Operation(
                method: "delete", path: hooks + "/{id}", summary: "Delete a webhook endpoint and its deliveries", scope: "write:config",
                tag: "Webhooks", success: ("204", nil, false)),
            Operation(
                method: "post", path: hooks + "/{id}/rotateSecret", summary: "A new signing secret, shown once; the old one stops at once",
                scope: "write:config", tag: "Webhooks", success: ("200", "Webhook", false)),
            Operation(
                method: "get", path: hooks + "/{id}/deliveries", summary: "Recent deliveries, newest first, with each attempt",
                scope: "read:config", tag: "Webhooks", success: ("200", "WebhookDelivery", true),
                query: [("limit", "integer", "At most this many (1 to 200, default 50).")]),
            Operation(
                method: "post", path: hooks + "/{id}/deliveries/{deliveryId}/retry",
                summary: "Send a delivery again now (one more attempt)", scope: "write:config", tag: "Webhooks",
                success: ("202", "WebhookDelivery", false)),
        ]
        // Issue 16: organizations and roles (*:config); members with their roles (*:account).
        let orgs = "/admin/api/v1/identityStores/{store}/organizations"
        ops += crud(
            orgs, "id", "Organizations", "Organization", read: "read:config", write: "write:config",
            listQuery: [("name", "string", "Exact name.")])
        ops += crud(
            "/admin/api/v1/identityStores/{store}/roles", "id", "Roles", "Role", read: "read:config", write: "write:config",
            listQuery: [("name", "string", "Exact name.")])
        ops += [
            Operation(
                method: "get", path: orgs + "/{id}/members", summary: "List an organization's members with their roles",
                scope: "read:account", tag: "Organizations", success: ("200", "OrganizationMember", true), paged: true),
            Operation(
                method: "get", path: orgs + "/{id}/members/{accountId}", summary: "One member with its roles", scope: "read:account",
                tag: "Organizations", success: ("200", "OrganizationMember", false)),
            Operation(
                method: "put", path: orgs + "/{id}/members/{accountId}",
                summary: "Add the account to the organization (201), or set its roles there (200); no body keeps its roles",
                scope: "write:account", tag: "Organizations", body: "OrganizationMemberUpdate",
                success: ("200", "OrganizationMember", false)),
            Operation(
                method: "post", path: orgs + "/{id}/members", summary: "Add an account to the organization with roles",
                scope: "write:account", tag: "Organizations", body: "OrganizationMemberCreate",
                success: ("201", "OrganizationMember", false)),
            Operation(
                method: "delete", path: orgs + "/{id}/members/{accountId}", summary: "Remove an account from the organization (it stays)",
                scope: "write:account", tag: "Organizations", success: ("204", nil, false)),
        ]
        // Issue 17: bulk invitations (OpenAPIDocument+Bulk.swift adds the CSV body and the dry run).
        ops += [
            Operation(
                method: "post", path: bulkPath,
                summary: "Invite many customers from JSON or CSV: a job (202 + Location), or with dryRun=true each row's outcome",
                scope: "write:account", tag: "Invitations", body: "BulkInvitationCreate", success: ("202", "BulkJob", false),
                query: [
                    ("dryRun", "boolean", "true: check every row, write nothing, answer 200."),
                    ("clientId", "string", "For a CSV upload: the OIDC client."),
                    ("applicationId", "string", "For a CSV upload: the application (its first client)."),
                ], errors: ["400", "401", "403", "404", "409", "413", "415", "422"],
                headers: [("Idempotency-Key", "As on the single create: the same key and body answer the first answer again.")]),
            Operation(
                method: "get", path: bulkPath + "/{job}", summary: "A bulk job's progress, and once DONE each row's result",
                scope: "read:account", tag: "Invitations", success: ("200", "BulkJob", false), errors: ["401", "403", "404"]),
            Operation(
                method: "get", path: bulkPath + "/{job}/results.csv", summary: "A bulk job's results as CSV", scope: "read:account",
                tag: "Invitations", success: ("200", nil, false), errors: ["401", "403", "404"]),
        ]
        return ops
    }

    /// `(method, path)` of every admin API operation, for the test that holds routes and document together.
    static var documentedOperations: [(method: String, path: String, scope: String?)] {
        operations.map { ($0.method.uppercased(), $0.path, $0.scope) }
    }

    static func build(serverURL: String) -> [String: Any] {
        var paths: [String: JSON] = [:]
        for op in operations {
            var operation: JSON = ["summary": op.summary, "tags": [op.tag], "operationId": operationId(op)]
            var parameters: [JSON] = []
            for name in pathParameters(op.path) {
                parameters.append(["name": name, "in": "path", "required": true, "schema": ["type": "string"]])
            }
            for (name, type, description) in op.query + (op.paged ? paging : []) {
                var schema: JSON = type == "array" ? ["type": "array", "items": ["type": "string"]] : ["type": type]
                if let (low, high) = pagingBounds[name] {
                    schema["minimum"] = low
                    schema["maximum"] = high
                }
                parameters.append(["name": name, "in": "query", "required": false, "description": description, "schema": schema])
            }
            for (name, description) in op.headers {
                parameters.append([
                    "name": name, "in": "header", "required": false, "description": description, "schema": ["type": "string"],
                ])
            }
            if !parameters.isEmpty { operation["parameters"] = parameters }
            if let body = op.body {
                operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": ref(body)]]]
            }
            var responses: JSON = [:]
            if let schema = op.success.schema {
                let content: JSON = op.success.array ? ["type": "array", "items": ref(schema)] : ref(schema)
                var ok: JSON = ["description": "Success", "content": ["application/json": ["schema": content]]]
                if op.paged {
                    ok["headers"] = [
                        "X-Total-Count": [
                            "description": "How many items match in all (invitations: left out above 10,000).",
                            "schema": ["type": "integer"],
                        ],
                        "X-Total-Count-At-Least": [
                            "description": "Invitations only: sent instead of X-Total-Count when more than 10,000 match.",
                            "schema": ["type": "integer"],
                        ],
                        "Link": ["description": "RFC 8288 next/prev links.", "schema": ["type": "string"]],
                    ]
                }
                responses[op.success.code] = ok
            } else {
                responses[op.success.code] = ["description": "Done; no content."]
            }
            let meaning: [String: String] = [
                "400": "The request is invalid; fieldErrors say where.", "401": "No bearer token, or a bad one.",
                "403": "The token lacks the scope \(op.scope ?? "").", "404": "Not found.", "409": "Conflicts with the current state.",
                "422": "The Idempotency-Key was used for another request.",
            ]
            for code in op.errors ?? errorCodes(op) {
                responses[code] = ["description": meaning[code] ?? "", "content": ["application/problem+json": ["schema": ref("Problem")]]]
            }
            operation["responses"] = responses
            if let scope = op.scope { operation["security"] = [["bearer": [scope]]] }
            paths[op.path, default: [:]][op.method] = operation
        }
        paths = withBulkDetails(paths)
        paths["/oauth2/token"] = ["post": tokenOperation]
        return [
            "openapi": "3.0.3",
            "info": [
                "title": "Usher admin API", "version": "1.0.0",
                "description":
                    "Customer invitation and the identity data behind it. Get a token with the client-credentials grant at /oauth2/token; each call needs the scope named in its security requirement.",
            ],
            "servers": [["url": serverURL]],
            "paths": paths,
            "components": [
                "schemas": withOrganizations(schemas).merging(webhookSchemas) { a, _ in a }.merging(bulkSchemas) { a, _ in a },
                "securitySchemes": securitySchemes(serverURL),
            ],
        ]
    }

    /// What an operation can be refused with: bad input where it takes any (a body, a query,
    /// a path id), not found where it names something, a conflict where it writes.
    private static func errorCodes(_ op: Operation) -> [String] {
        let takesInput = op.body != nil || !op.query.isEmpty || op.paged || !pathParameters(op.path).isEmpty
        var codes = takesInput ? ["400"] : []
        if op.scope != nil { codes += ["401", "403"] }
        if !pathParameters(op.path).isEmpty { codes.append("404") }
        if op.method != "get" { codes.append("409") }
        return codes
    }

    private static func operationId(_ op: Operation) -> String {
        let words = op.path.replacingOccurrences(of: "/admin/api/v1/", with: "").split(separator: "/").map { part -> String in
            let s = part.trimmingCharacters(in: CharacterSet(charactersIn: "{}"))
            return s.prefix(1).uppercased() + s.dropFirst()
        }
        return op.method + words.joined()
    }

    private static func pathParameters(_ path: String) -> [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
    }
}
