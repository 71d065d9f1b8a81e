import Foundation

/// The schemas of organizations, roles and members (issue 16), and the invitation's
/// organization fields as Strivacity's document shapes them.
extension OpenAPIDocument {
    static var organizationSchemas: JSON {
        let domains: JSON = array(["type": "string", "description": "A domain name such as example.com (stored lower-cased)."])
        return [
            "Organization": object(
                [
                    "id": string, "store": string, "name": string, "displayName": string, "domains": domains, "memberCount": int,
                    "created": dateTime, "updated": dateTime,
                ], additional: true),
            "OrganizationCreate": object(["name": name100, "displayName": string, "domains": domains], required: ["name"]),
            "OrganizationUpdate": update(["name": string, "displayName": string, "domains": domains]),
            "Role": object(["id": string, "store": string, "name": string, "description": string, "created": dateTime], additional: true),
            "RoleCreate": object(["name": name100, "description": string], required: ["name"]),
            "RoleUpdate": update(["name": string, "description": string]),
            "OrganizationMember": object(
                [
                    "id": ["type": "string", "description": "The account's id."], "email": string, "username": string,
                    "givenName": string, "familyName": string, "displayName": string, "roles": array(ref("IdName")), "joined": dateTime,
                ], additional: true),
            "OrganizationMemberCreate": object(
                ["id": ["type": "string", "description": "The account's id."], "roles": idRefs], required: ["id"]),
            "OrganizationMemberUpdate": object(["roles": idRefs]),
            "RoleAssignment": object(
                [
                    "id": ["type": "string", "description": "A role's id."],
                    "organization": ["type": "string", "description": "An organization's id."],
                ],
                required: ["id"]),
        ]
    }

    /// What an invitation's create body and answer carry beyond Usher's own fields (issue 16).
    static var invitationOrganizationProperties: JSON {
        [
            "organization": ["type": "string", "description": "The organization the invitee joins (its id); absent = non-organizational."],
            "roles": [
                "type": "array", "items": ref("RoleAssignment"),
                "description":
                    "Roles in the invitation's organization; every entry's organization must be the invitation's. [] is always fine.",
            ],
        ]
    }

    /// The schemas with those of this file, and the invitation's create body and answer with
    /// their `organization` and `roles` (and the answer's `organizationName`).
    static func withOrganizations(_ schemas: JSON) -> JSON {
        var all = schemas.merging(organizationSchemas) { a, _ in a }
        for (name, extra) in [
            ("InvitationCreate", invitationOrganizationProperties),
            ("Invitation", invitationOrganizationProperties.merging(["organizationName": string]) { a, _ in a }),
        ] {
            guard var schema = all[name] as? JSON, var properties = schema["properties"] as? JSON else { continue }
            for (key, value) in extra {
                var property = (value as? JSON) ?? [:]
                if property["$ref"] == nil { property["nullable"] = true }
                properties[key] = property
            }
            schema["properties"] = properties
            all[name] = schema
        }
        return all
    }
}
