import Foundation

/// The schemas of bulk invitations (SPEC: Bulk, issue 17; docs/admin-api.md).
extension OpenAPIDocument {
    static let bulkPath = "/admin/api/v1/identityStores/{store}/invite/bulk"

    static var bulkSchemas: JSON {
        let problem: JSON = ["$ref": "#/components/schemas/Problem"]
        let counts: JSON = [
            "id": string, "status": ["type": "string", "enum": ["RUNNING", "DONE"]], "total": int, "processed": int, "created": int,
            "conflicts": int, "errors": int, "createdAt": dateTime, "finishedAt": dateTime,
        ]
        return [
            "BulkInvitationCreate": object(
                [
                    "clientId": string, "applicationId": string,
                    "language": ["type": "string", "description": "For every row without its own."],
                    "groups": array(["type": "string", "description": "A group id or name; for every row."]),
                    "invitations": [
                        "type": "array", "minItems": 1, "maxItems": 10000,
                        "items": object(
                            [
                                "email": string, "metadata": ["type": "object", "additionalProperties": true], "language": string,
                                "groups": array(["type": "string", "description": "A group id or name."]),
                            ], required: ["email"]),
                    ],
                ], required: ["invitations"]),
            "BulkDryRun": object(
                [
                    "dryRun": bool, "total": int, "valid": int, "invalid": int,
                    "rows": array(
                        object([
                            "row": int, "email": string, "outcome": ["type": "string", "enum": ["create", "conflict", "error"]],
                            "conflictingId": string, "error": problem,
                        ])),
                ], additional: true),
            "BulkJob": object(
                counts.merging([
                    "rows": array(
                        object([
                            "row": int, "email": string, "outcome": ["type": "string", "enum": ["created", "conflict", "error"]],
                            "invitationId": string, "conflictingId": string, "error": problem,
                        ]))
                ]) { a, _ in a }, additional: true),
        ]
    }

    /// The CSV upload beside the JSON body, the dry run's 200 beside the job's 202, and the
    /// results as CSV: what the generic operation table cannot say.
    static func withBulkDetails(_ paths: [String: JSON]) -> [String: JSON] {
        var paths = paths
        guard var post = paths[bulkPath]?["post"] as? JSON, var results = paths[bulkPath + "/{job}/results.csv"]?["get"] as? JSON else {
            return paths
        }
        post["requestBody"] = [
            "required": true,
            "content": [
                "application/json": ["schema": ["$ref": "#/components/schemas/BulkInvitationCreate"]],
                "text/csv": [
                    "schema": [
                        "type": "string",
                        "description":
                            "UTF-8 (optional BOM), RFC 4180; a header row with email and any of givenName, familyName, displayName, phoneNumber, language, groups (ids or names, ;-separated). clientId or applicationId in the query.",
                    ]
                ],
            ],
        ]
        var responses = post["responses"] as? JSON ?? [:]
        responses["200"] = [
            "description": "dryRun=true: what each row would do; nothing written.",
            "content": ["application/json": ["schema": ["$ref": "#/components/schemas/BulkDryRun"]]],
        ]
        responses["413"] = [
            "description": "More than 10,000 rows, or a body over 16 MB.",
            "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]],
        ]
        post["responses"] = responses
        paths[bulkPath]?["post"] = post
        results["responses"] = [
            "200": [
                "description": "row,email,outcome,invitationId,conflictingId,errorKey,error",
                "content": ["text/csv": ["schema": ["type": "string"]]],
            ],
            "401": ["description": "No bearer token, or a bad one."], "403": ["description": "The token lacks the scope read:account."],
            "404": ["description": "Not found."],
        ]
        paths[bulkPath + "/{job}/results.csv"]?["get"] = results
        return paths
    }
}
