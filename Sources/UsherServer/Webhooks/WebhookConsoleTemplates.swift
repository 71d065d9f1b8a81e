/// The console's Webhooks pages. Every form works without script and carries the CSRF token.
enum WebhookConsoleTemplates {
    static let webhooks = """
        {{<console_layout}}{{$content}}
        <h1>Webhooks</h1>
        <p class="muted">Usher POSTs each event to these URLs, signed per the Standard Webhooks specification (see docs/webhooks.md).</p>
        {{#newSecret}}<div class="notice" role="status" id="webhook-secret">Webhook created. Its signing secret is shown this once: <code id="secret">{{secret}}</code> <a href="/admin/webhooks/{{id}}">Open it</a></div>{{/newSecret}}
        <table id="webhooks-table"><thead><tr><th>URL</th><th>Events</th><th>State</th><th></th></tr></thead><tbody>
        {{#endpoints}}<tr><td><a href="/admin/webhooks/{{id}}">{{url}}</a><div class="muted">{{description}}</div></td><td>{{events}}</td><td>{{state}}</td>
        <td><form method="post" action="/admin/webhooks/{{id}}" style="margin:0"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="back" value="list">
        {{#enabled}}<input type="hidden" name="setEnabled" value="false"><button class="secondary" style="margin:0">Disable</button>{{/enabled}}
        {{^enabled}}<input type="hidden" name="setEnabled" value="true"><button class="secondary" style="margin:0">Enable</button>{{/enabled}}</form></td></tr>{{/endpoints}}
        {{^endpoints}}<tr><td colspan="4" class="muted">No webhooks yet.</td></tr>{{/endpoints}}
        </tbody></table>
        <h2>New webhook</h2>
        {{#formError}}<div class="alert" role="alert">{{formError}}</div>{{/formError}}
        <form method="post" action="/admin/webhooks"><input type="hidden" name="csrf" value="{{csrf}}">
        <label for="url">URL</label><input id="url" name="url" type="url" value="{{url}}" placeholder="https://hooks.example.com/usher" required>
        <label for="description">Description</label><input id="description" name="description" value="{{description}}">
        <fieldset id="events"><legend>Event types</legend>{{#choices}}<label><input type="checkbox" id="{{field}}" name="event:{{pattern}}" {{#checked}}checked{{/checked}}> {{label}}</label>{{/choices}}</fieldset>
        <label><input type="checkbox" name="enabled" checked> Enabled</label>
        <button id="create-webhook">Create webhook</button></form>
        {{/content}}{{/console_layout}}
        """

    static let webhook = """
        {{<console_layout}}{{$content}}
        {{#endpoint}}<h1>Webhook</h1>
        <p><a href="/admin/webhooks">All webhooks</a></p>
        <table><tbody><tr><th>URL</th><td id="webhook-url">{{url}}</td></tr><tr><th>State</th><td id="webhook-state">{{state}}</td></tr></tbody></table>
        {{#newSecret}}<div class="notice" role="status" id="webhook-secret">New signing secret, shown this once: <code id="secret">{{newSecret}}</code>. The old one no longer signs.</div>{{/newSecret}}
        {{#formError}}<div class="alert" role="alert">{{formError}}</div>{{/formError}}
        <form method="post" action="/admin/webhooks/{{id}}"><input type="hidden" name="csrf" value="{{csrf}}">
        <label for="description">Description</label><input id="description" name="description" value="{{description}}">
        <fieldset id="events"><legend>Event types</legend>{{#choices}}<label><input type="checkbox" id="{{field}}" name="event:{{pattern}}" {{#checked}}checked{{/checked}}> {{label}}</label>{{/choices}}</fieldset>
        <button id="save-webhook">Save</button></form>
        <div style="display:flex;gap:8px">
        <form method="post" action="/admin/webhooks/{{id}}"><input type="hidden" name="csrf" value="{{csrf}}">{{#enabled}}<input type="hidden" name="setEnabled" value="false"><button class="secondary" id="disable-webhook">Disable</button>{{/enabled}}{{^enabled}}<input type="hidden" name="setEnabled" value="true"><button class="secondary" id="enable-webhook">Enable</button>{{/enabled}}</form>
        <form method="post" action="/admin/webhooks/{{id}}/rotateSecret"><input type="hidden" name="csrf" value="{{csrf}}"><button class="secondary" id="rotate-secret">Rotate secret…</button></form>
        <form method="post" action="/admin/webhooks/{{id}}/delete"><input type="hidden" name="csrf" value="{{csrf}}"><button class="secondary" id="delete-webhook">Delete…</button></form>
        </div>
        <h2>Recent deliveries</h2>
        <table id="deliveries-table"><thead><tr><th>Event</th><th>Status</th><th>Attempts (status code, duration, error)</th><th></th></tr></thead><tbody>
        {{#deliveries}}<tr><td>{{eventType}}<div class="muted">{{eventId}}</div></td><td>{{status}}</td>
        <td>{{#attempts}}<div>{{at}}: {{statusCode}}, {{durationMs}} ms {{error}}</div>{{/attempts}}{{^attempts}}<span class="muted">none yet</span>{{/attempts}}</td>
        <td><form method="post" action="/admin/webhooks/{{endpointId}}/deliveries/{{id}}/retry" style="margin:0"><input type="hidden" name="csrf" value="{{csrf}}"><button class="secondary" style="margin:0">Retry</button></form></td></tr>{{/deliveries}}
        {{^deliveries}}<tr><td colspan="4" class="muted">No deliveries yet.</td></tr>{{/deliveries}}
        </tbody></table>
        {{/endpoint}}
        {{/content}}{{/console_layout}}
        """

    static var all: [String: String] { ["console/webhooks": webhooks, "console/webhook": webhook] }
}
