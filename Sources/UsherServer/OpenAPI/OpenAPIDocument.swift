import Foundation
import Vapor

/// The OpenAPI 3 description of the admin API and the token endpoint, served at
/// `/openapi.json`. It is written by hand, apart from the routes, on purpose: a test compares
/// the two and fails when a route is added, removed or re-scoped without the document.
enum OpenAPIDocument {
    private typealias JSON = [String: Any]

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
    }

    private static let paging: [(String, String, String)] = [
        ("page", "integer", "Page number, from 0."),
        ("size", "integer", "Page size, 1 to 200 (default 20). The total is in X-Total-Count."),
    ]
    private static let pagingBounds: [String: (Int, Int)] = ["page": (0, 1_000_000), "size": (1, 200)]

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
                    ("sort", "string", "created, sent, validUntil, email or status, then ,asc or ,desc."),
                    (
                        "after", "string",
                        "The X-Next-Cursor of the previous page: the page after it, at constant cost however deep (page is then ignored)."
                    ),
                ],
                paged: true),
            Operation(
                method: "post", path: inv, summary: "Invite a customer", scope: "write:account", tag: "Invitations",
                body: "InvitationCreate", success: ("201", "Invitation", false)),
            Operation(
                method: "get", path: inv + "/{id}", summary: "Get an invitation", scope: "read:account", tag: "Invitations",
                success: ("200", "Invitation", false)),
            Operation(
                method: "post", path: inv + "/{id}/resend", summary: "Resend an invitation with a new link", scope: "write:account",
                tag: "Invitations", success: ("200", "Invitation", false)),
            Operation(
                method: "delete", path: inv + "/{id}", summary: "Revoke (delete) an invitation", scope: "write:account",
                tag: "Invitations", success: ("204", nil, false)),
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
                var schema: JSON = ["type": type]
                if let (low, high) = pagingBounds[name] {
                    schema["minimum"] = low
                    schema["maximum"] = high
                }
                parameters.append(["name": name, "in": "query", "required": false, "description": description, "schema": schema])
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
            for (code, what) in [
                ("400", "The request is invalid; fieldErrors say where."), ("401", "No bearer token, or a bad one."),
                ("403", "The token lacks the scope \(op.scope ?? "")."), ("404", "Not found."),
                ("409", "Conflicts with the current state."),
            ] {
                responses[code] = ["description": what, "content": ["application/problem+json": ["schema": ref("Problem")]]]
            }
            operation["responses"] = responses
            if let scope = op.scope { operation["security"] = [["bearer": [scope]]] }
            paths[op.path, default: [:]][op.method] = operation
        }
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
            "components": ["schemas": schemas, "securitySchemes": securitySchemes(serverURL)],
        ]
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

    private static func ref(_ name: String) -> JSON { ["$ref": "#/components/schemas/\(name)"] }

    private static func securitySchemes(_ serverURL: String) -> JSON {
        [
            "bearer": [
                "type": "oauth2",
                "flows": [
                    "clientCredentials": [
                        "tokenUrl": serverURL + "/oauth2/token",
                        "scopes": [
                            "read:account": "Read accounts, groups, invitations and emails",
                            "write:account": "Change accounts, groups and invitations",
                            "read:config": "Read stores, applications, policies, API clients and the audit log",
                            "write:config": "Change stores, applications, policies and API clients",
                        ],
                    ]
                ],
            ]
        ]
    }

    private static var tokenOperation: JSON {
        [
            "summary": "Get an access token (client credentials)", "tags": ["OAuth2"], "operationId": "postToken",
            "requestBody": [
                "required": true,
                "content": [
                    "application/x-www-form-urlencoded": [
                        "schema": [
                            "type": "object", "required": ["grant_type"],
                            "properties": [
                                "grant_type": ["type": "string", "enum": ["client_credentials", "authorization_code", "refresh_token"]],
                                "scope": ["type": "string"], "client_id": ["type": "string"], "client_secret": ["type": "string"],
                                "code": ["type": "string"], "redirect_uri": ["type": "string"], "code_verifier": ["type": "string"],
                                "refresh_token": ["type": "string"],
                            ],
                        ]
                    ]
                ],
            ],
            "responses": [
                "200": [
                    "description": "A bearer token",
                    "content": [
                        "application/json": [
                            "schema": [
                                "type": "object",
                                "properties": [
                                    "access_token": ["type": "string"], "token_type": ["type": "string"],
                                    "expires_in": ["type": "integer"], "scope": ["type": "string"],
                                ],
                            ]
                        ]
                    ],
                ],
                "400": ["description": "RFC 6749 error", "content": ["application/json": ["schema": ref("OAuthError")]]],
                "401": ["description": "Client authentication failed", "content": ["application/json": ["schema": ref("OAuthError")]]],
            ],
        ]
    }

    /// Update bodies: every field may be left out, or be null, which leaves it unchanged.
    private static func update(_ properties: JSON) -> JSON {
        var nullable: JSON = [:]
        for (k, v) in properties {
            var p = (v as? JSON) ?? [:]
            p["nullable"] = true
            nullable[k] = p
        }
        return object(nullable)
    }

    /// Usher reads an optional field given as null as if it were left out, and says so here.
    private static func object(_ properties: JSON, required: [String] = [], additional: Bool = false) -> JSON {
        var props: JSON = [:]
        for (k, v) in properties {
            var p = (v as? JSON) ?? [:]
            if !required.contains(k), p["$ref"] == nil { p["nullable"] = true }
            props[k] = p
        }
        var o: JSON = ["type": "object", "properties": props, "additionalProperties": additional]
        if !required.isEmpty { o["required"] = required }
        return o
    }

    private static var string: JSON { ["type": "string"] }
    private static var name100: JSON { ["type": "string", "minLength": 1, "maxLength": 100] }
    private static var dateTime: JSON { ["type": "string", "format": "date-time"] }
    private static var bool: JSON { ["type": "boolean"] }
    private static var int: JSON { ["type": "integer"] }
    private static func array(_ items: JSON) -> JSON { ["type": "array", "items": items] }
    private static var idRefs: JSON { ["type": "array", "items": ["$ref": "#/components/schemas/IdReference"]] }
    private static var fieldMode: JSON { ["type": "string", "enum": ["hidden", "editable", "readOnly", "required"]] }

    private static var schemas: JSON {
        let profile: JSON = ["givenName": string, "familyName": string, "displayName": string, "phoneNumber": string, "locale": string]
        let invitationOptions = object([
            "enabled": bool, "allowEmailMismatch": bool, "forceUsingExternalLogin": bool,
            "linkMaxAgeHours": ["type": "integer", "minimum": 1, "maximum": 720],
        ])
        let policyOptions = object([
            "accountInvitation": invitationOptions,
            "registration": object(["fields": object(profile.mapValues { _ in fieldMode })]),
        ])
        let clientCreate = object([
            "redirectUris": array(string), "postLogoutRedirectUris": array(string), "loginUrl": string, "public": bool,
        ])
        let clientView = object(
            [
                "clientId": string, "clientSecret": string, "redirectUris": array(string), "postLogoutRedirectUris": array(string),
                "loginUrl": string, "public": bool,
            ], additional: true)
        return [
            "Problem": object(
                [
                    "type": string, "title": string, "status": int, "detail": string, "errorKey": string, "message": string,
                    "path": string, "fieldErrors": array(object(["field": string, "message": string])), "conflictingId": string,
                ],
                required: ["title", "status", "detail", "errorKey", "fieldErrors"]),
            "OAuthError": object(["error": string, "error_description": string], required: ["error"]),
            "IdReference": object(["id": string], required: ["id"]),
            "IdName": object(["id": string, "name": string]),
            "InvitationCreate": object(
                [
                    "clientId": string, "applicationId": string, "email": ["type": "string", "format": "email", "maxLength": 254],
                    "groups": idRefs, "language": ["type": "string", "default": "en-US"],
                    "metadata": [
                        "type": "object",
                        "description": "Basic Information (givenName, familyName, displayName, phoneNumber, locale) and free metadata.",
                        "additionalProperties": true,
                    ],
                ],
                required: ["email"]),
            "Invitation": object(
                [
                    "id": string, "store": string, "applicationId": string, "applicationName": string, "clientId": string, "email": string,
                    "groups": idRefs, "language": string, "metadata": ["type": "object", "additionalProperties": true],
                    "status": ["type": "string", "enum": ["PENDING", "DONE", "EXPIRED"]], "accepted": bool, "sent": dateTime,
                    "validUntil": dateTime,
                    "sendCount": int, "createdBy": string, "created": dateTime, "acceptedAt": dateTime, "accountId": string,
                    "delivery": object([
                        "status": string, "attempts": int, "lastError": string, "sentAt": dateTime, "transport": string, "emailId": string,
                    ]),
                    "link": ["type": "string", "description": "Only in the answers to create and resend."],
                ], additional: true),
            "IdentityStore": object(
                ["name": string, "identifiers": array(["type": "string", "enum": ["EMAIL", "USERNAME"]]), "created": dateTime],
                additional: true),
            "IdentityStoreCreate": object(
                [
                    "name": ["type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"],
                    "identifiers": array(["type": "string", "enum": ["EMAIL", "USERNAME"]]),
                ], required: ["name", "identifiers"]),
            "IdentityStoreUpdate": update(["identifiers": array(["type": "string", "enum": ["EMAIL", "USERNAME"]])]),
            "Group": object(["id": string, "store": string, "name": string, "description": string, "created": dateTime], additional: true),
            "GroupCreate": object(["name": name100, "description": string], required: ["name"]),
            "GroupUpdate": update(["name": string, "description": string]),
            "Account": object(
                profile.merging([
                    "id": string, "store": string, "email": string, "username": string, "emailVerified": bool,
                    "groups": array(ref("IdName")), "metadata": ["type": "object", "additionalProperties": true],
                    "hasPassword": bool, "invitationId": string, "created": dateTime,
                ]) { a, _ in a }, additional: true),
            "AccountCreate": object(
                profile.merging([
                    "email": string, "username": string, "password": string, "emailVerified": bool,
                    "groups": idRefs, "metadata": ["type": "object", "additionalProperties": true],
                ]) { a, _ in a }),
            "AccountUpdate": update(
                profile.merging([
                    "email": string, "username": string, "password": string, "emailVerified": bool,
                    "groups": idRefs, "metadata": ["type": "object", "additionalProperties": true],
                ]) { a, _ in a }),
            "SelfServicePolicy": object(["id": string, "name": string, "options": policyOptions, "created": dateTime], additional: true),
            "SelfServicePolicyCreate": object(["name": name100, "options": policyOptions], required: ["name"]),
            "SelfServicePolicyUpdate": update(["name": string, "options": policyOptions]),
            "Application": object(
                [
                    "id": string, "name": string, "store": string, "protocol": ["type": "string", "enum": ["oidc", "saml2"]],
                    "selfServicePolicyId": string, "groups": array(ref("IdName")), "clients": array(clientView),
                    "externalLoginProviders": idRefs, "created": dateTime,
                ], additional: true),
            "ApplicationCreate": object(
                [
                    "name": name100, "store": string, "protocol": ["type": "string", "enum": ["oidc", "saml2"]],
                    "selfServicePolicyId": string, "groups": idRefs, "clients": array(clientCreate),
                    "externalLoginProviders": idRefs,
                ], required: ["name", "protocol"]),
            "ApplicationUpdate": update([
                "name": string, "selfServicePolicyId": string, "groups": idRefs, "clients": array(clientCreate),
                "externalLoginProviders": idRefs,
            ]),
            "ClientSecret": object(["clientId": string, "clientSecret": string], additional: true),
            "APIClient": object(["clientId": string, "name": string, "scopes": array(string), "clientSecret": string, "created": dateTime]),
            "APIClientCreate": object(
                [
                    "name": name100,
                    "scopes": array(["type": "string", "enum": ["read:account", "write:account", "read:config", "write:config"]]),
                ],
                required: ["name", "scopes"]),
            "APIClientUpdate": update(["name": string, "scopes": array(string)]),
            "ExternalLoginProvider": object([
                "id": string, "name": string, "issuer": string, "clientId": string, "scopes": array(string),
                "claimMapping": ["type": "object", "additionalProperties": ["type": "string"]], "created": dateTime,
            ]),
            "ExternalLoginProviderCreate": object(
                [
                    "name": name100, "issuer": ["type": "string", "format": "uri", "minLength": 8], "clientId": string,
                    "clientSecret": string, "scopes": array(string),
                    "claimMapping": ["type": "object", "additionalProperties": ["type": "string"]],
                ],
                required: ["name", "issuer", "clientId", "clientSecret"]),
            "ExternalLoginProviderUpdate": update([
                "name": string, "clientId": string, "clientSecret": string, "scopes": array(string),
                "claimMapping": ["type": "object", "additionalProperties": ["type": "string"]],
            ]),
            "AuditEvent": object([
                "id": string, "at": dateTime, "actor": string, "action": string, "store": string, "targetType": string,
                "targetId": string, "details": ["type": "object", "additionalProperties": ["type": "string"]],
            ]),
            "MailboxMessage": object([
                "id": string, "to": string, "toName": string, "subject": string, "text": string, "html": string,
                "language": string, "messageId": string, "invitationId": string, "store": string, "status": string,
                "attempts": int, "lastError": string, "transport": string, "created": dateTime, "sentAt": dateTime,
            ]),
        ]
    }
}

/// `GET /openapi.json`: the document above, with this server's public URL.
struct OpenAPIRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("openapi.json") { req -> Response in
            let document = OpenAPIDocument.build(serverURL: req.usher.config.publicURL)
            let data = try JSONSerialization.data(
                withJSONObject: document, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
            let response = Response(status: .ok, body: .init(data: data))
            response.headers.contentType = .json
            response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
            return response
        }
    }
}
