import Foundation

/// The schemas of the event log and webhook endpoints (docs/webhooks.md).
extension OpenAPIDocument {
    static var webhookSchemas: JSON {
        let patterns: JSON = [
            "type": "array", "minItems": 1, "maxItems": 50,
            "items": ["type": "string", "description": "An event type (invitation.accepted), a prefix (invitation.*) or *."],
        ]
        let url: JSON = [
            "type": "string", "maxLength": 2000,
            "description":
                "https; never one resolving to a private, loopback or link-local address (unless USHER_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true, which also allows http to loopback).",
        ]
        return [
            "Webhook": object(
                [
                    "id": string, "url": string, "description": string, "events": array(string), "enabled": bool,
                    "disabledReason": string, "failingSince": dateTime, "created": dateTime, "updated": dateTime,
                    "secret": ["type": "string", "description": "whsec_…: only in the answers to create and rotateSecret."],
                ], additional: true),
            "WebhookCreate": object(
                ["url": url, "events": patterns, "description": string, "enabled": bool], required: ["url", "events"]),
            "WebhookUpdate": object(["url": url, "events": patterns, "description": string, "enabled": bool]),
            "WebhookDelivery": object(
                [
                    "id": string, "eventId": string, "eventType": string,
                    "status": ["type": "string", "enum": ["pending", "sending", "delivered", "failed"]], "attemptCount": int,
                    "nextAttemptAt": dateTime, "lastStatusCode": int, "lastError": string, "deliveredAt": dateTime, "created": dateTime,
                    "attempts": array(object(["at": dateTime, "statusCode": int, "durationMs": int, "error": string])),
                ], additional: true),
            "Event": object(
                [
                    "id": string, "type": string, "timestamp": dateTime, "store": string, "subjectId": string,
                    "data": ["type": "object", "additionalProperties": true, "description": "The resource as the admin API shows it."],
                    "cursor": string,
                ], additional: true),
            "EventPage": object(["items": array(ref("Event")), "next": string], additional: true),
        ]
    }
}
