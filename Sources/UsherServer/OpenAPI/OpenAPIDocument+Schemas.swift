import Foundation

/// The document's schemas and security schemes: the shapes of what the API takes and answers.
extension OpenAPIDocument {
    static func ref(_ name: String) -> JSON { ["$ref": "#/components/schemas/\(name)"] }

    static func securitySchemes(_ serverURL: String) -> JSON {
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

    static var tokenOperation: JSON {
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
    static func update(_ properties: JSON) -> JSON {
        var nullable: JSON = [:]
        for (k, v) in properties {
            var p = (v as? JSON) ?? [:]
            p["nullable"] = true
            nullable[k] = p
        }
        return object(nullable)
    }

    /// Usher reads an optional field given as null as if it were left out, and says so here.
    static func object(_ properties: JSON, required: [String] = [], additional: Bool = false) -> JSON {
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

    static var string: JSON { ["type": "string"] }
    static var name100: JSON { ["type": "string", "minLength": 1, "maxLength": 100] }
    static var dateTime: JSON { ["type": "string", "format": "date-time"] }
    static var bool: JSON { ["type": "boolean"] }
    static var int: JSON { ["type": "integer"] }
    static func array(_ items: JSON) -> JSON { ["type": "array", "items": items] }
    static var idRefs: JSON { ["type": "array", "items": ["$ref": "#/components/schemas/IdReference"]] }
    static var fieldMode: JSON { ["type": "string", "enum": ["hidden", "editable", "readOnly", "required"]] }

    static var schemas: JSON {
        let profile: JSON = ["givenName": string, "familyName": string, "displayName": string, "phoneNumber": string, "locale": string]
        let invitationOptions = object([
            "enabled": bool, "allowEmailMismatch": bool, "forceUsingExternalLogin": bool,
            "linkMaxAgeHours": ["type": "integer", "minimum": 1, "maximum": 720],
            "reminderHoursBeforeExpiry": ["type": "array", "items": ["type": "integer", "minimum": 1, "maximum": 720], "maxItems": 5],
            "notifyInviterOnExpiry": bool,
        ])
        let policyOptions = object([
            "accountInvitation": invitationOptions,
            "registration": object([
                "fields": object(profile.mapValues { _ in fieldMode }),
                // Issue 23: true keeps accounts with an unverified email out of the application.
                "requireVerifiedEmail": bool,
            ]),
        ])
        // Issue 23: what the store's customers may do on /account themselves.
        let storeSelfService = object([
            "accountDeletion": [
                "type": "boolean", "default": true,
                "description": "false: the account page offers no Delete and refuses a delete request (403 account.deletionDisabled).",
            ]
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
                    "openedAt": dateTime, "remindersSent": int, "renewalRequestedAt": dateTime,
                ], additional: true),
            "InvitationFunnel": object(
                [
                    "from": dateTime, "to": dateTime, "clientId": string, "created": int, "delivered": int, "opened": int, "accepted": int,
                    "expired": int, "revoked": int, "failedDelivery": int,
                    "medianSecondsToAccept": ["type": "number", "nullable": true],
                    "p90SecondsToAccept": ["type": "number", "nullable": true],
                    "series": array(
                        object([
                            "date": string, "created": int, "delivered": int, "opened": int, "accepted": int, "expired": int,
                        ])),
                    "timeToAccept": array(object(["label": string, "below": ["type": "number", "nullable": true], "count": int])),
                ]),
            "InvitationUpdate": object(
                [
                    "metadata": [
                        "type": "object", "description": "JSON merge patch (RFC 7386) of the metadata: null removes a key.",
                        "additionalProperties": true,
                    ],
                    "groups": idRefs, "language": string,
                    "validUntil": [
                        "type": "string", "format": "date-time",
                        "description": "In the future, at most 720 hours ahead; makes an EXPIRED invitation PENDING again.",
                    ],
                ]),
            "IdentityStore": object(
                [
                    "name": string, "identifiers": array(["type": "string", "enum": ["EMAIL", "USERNAME"]]), "description": string,
                    "selfService": storeSelfService, "created": dateTime,
                ],
                additional: true),
            "IdentityStoreCreate": object(
                [
                    "name": ["type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"],
                    "identifiers": array(["type": "string", "enum": ["EMAIL", "USERNAME"]]), "description": string,
                    "selfService": storeSelfService,
                ], required: ["name", "identifiers"]),
            "IdentityStoreUpdate": update([
                "identifiers": array(["type": "string", "enum": ["EMAIL", "USERNAME"]]), "description": string,
                "selfService": storeSelfService,
            ]),
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
