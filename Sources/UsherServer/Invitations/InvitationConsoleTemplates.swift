/// The console's invitation pages: one invitation (with Edit), and the insights.
enum InvitationConsoleTemplates {
    static let invitation = """
        {{<console_layout}}{{$content}}
        <p><a href="/admin/accounts?store={{store}}&amp;tab=invitations">← Invitations</a></p>
        <h1>Invitation for {{email}}</h1>
        <p class="lead" id="invited-by">Invited by {{inviter}} on {{created}}</p>
        {{#formError}}<div class="alert" role="alert">{{formError}}</div>{{/formError}}
        <table id="invitation-detail"><tbody>
        <tr><th scope="row">Status</th><td id="invitation-status">{{status}}</td></tr>
        {{#acceptedAt}}<tr><th scope="row">Accepted</th><td>{{acceptedAt}}</td></tr>{{/acceptedAt}}
        {{#accountId}}<tr><th scope="row">Account</th><td><a href="/admin/accounts/{{store}}/{{accountId}}" id="invitation-account">{{accountLabel}}</a></td></tr>{{/accountId}}
        <tr><th scope="row">Application</th><td>{{application}} <span class="muted">(client {{clientId}})</span></td></tr>
        <tr><th scope="row">Groups</th><td>{{#groups}}{{.}}<br>{{/groups}}{{^groups}}none{{/groups}}</td></tr>
        {{#metadata}}<tr><th scope="row">{{key}}</th><td>{{value}}</td></tr>{{/metadata}}
        <tr><th scope="row">Language</th><td>{{languageName}}</td></tr>
        <tr><th scope="row">Last sent</th><td id="invitation-sent">{{sent}} <span class="muted">({{timesSent}})</span></td></tr>
        <tr><th scope="row">Valid until</th><td>{{validUntil}}</td></tr>
        <tr><th scope="row">Opened</th><td id="invitation-opened">{{#openedAt}}{{openedAt}}{{/openedAt}}{{^openedAt}}not yet{{/openedAt}} <span class="muted">(reminders sent: {{remindersSent}})</span></td></tr>
        {{#renewalRequested}}<tr><th scope="row">Renewal</th><td id="renewal-requested"><span class="chip renewal">Renewal requested</span> {{renewalRequested}} — Resend sends a new link and clears it.</td></tr>{{/renewalRequested}}
        {{#delivery}}<tr><th scope="row">Email</th><td id="delivery-status">{{status}}{{#sentAt}} on {{sentAt}}{{/sentAt}}{{#lastError}} — {{lastError}}{{/lastError}} <span class="muted">(attempts: {{attempts}}{{#transport}}, via {{transport}}{{/transport}})</span> <a href="/admin/mailbox/{{emailId}}">View the email</a></td></tr>{{/delivery}}
        </tbody></table>
        {{^done}}
        <div style="display:flex;gap:12px">
        <form method="post" action="/admin/invitations/{{store}}/{{id}}/resend"><input type="hidden" name="csrf" value="{{csrf}}"><button id="resend">Resend</button></form>
        <form method="post" action="/admin/invitations/{{store}}/{{id}}/revoke" data-confirm="Revoke this invitation? Its link stops working at once.">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label style="font-weight:normal;margin-top:24px"><input type="checkbox" name="confirm" value="yes" required id="confirm-revoke" style="width:auto"> I want to revoke it</label>
        <button class="danger" id="revoke">Revoke</button></form>
        </div>
        {{/done}}
        {{#edit}}
        <h2>Edit</h2>
        <p class="muted">The email and the application cannot change: revoke and invite again for those. The link stays the same.</p>
        <form method="post" action="/admin/invitations/{{store}}/{{id}}/edit" id="edit-form">
        <input type="hidden" name="csrf" value="{{csrf}}">
        {{#profile}}<label for="edit-{{name}}">{{label}}</label><input id="edit-{{name}}" name="{{name}}" value="{{value}}">{{/profile}}
        {{#hasGroups}}<fieldset><legend>Groups</legend>{{#groups}}<label style="font-weight:normal"><input type="checkbox" name="group[]" value="{{id}}" {{#checked}}checked{{/checked}} style="width:auto"> {{name}}</label>{{/groups}}</fieldset>{{/hasGroups}}
        <label for="edit-language">Language</label><select id="edit-language" name="language">{{#languages}}<option value="{{tag}}" {{#selected}}selected{{/selected}}>{{name}}</option>{{/languages}}</select>
        <label for="edit-validUntil">Valid until (UTC)</label><input id="edit-validUntil" name="validUntil" type="datetime-local" value="{{validUntil}}">
        <button type="submit" id="save-edit">Save changes</button>
        </form>
        {{/edit}}
        {{/content}}{{/console_layout}}
        """

    static let insights = """
        {{<console_layout}}{{$content}}
        <h1>Invitation insights</h1>
        <form method="get" action="/admin/insights" id="insights-filter" style="display:flex;gap:12px;align-items:end;flex-wrap:wrap">
        <div><label for="store">Identity store</label><select id="store" name="store">{{#stores}}<option value="{{name}}" {{#selected}}selected{{/selected}}>{{name}}</option>{{/stores}}</select></div>
        <div><label for="clientId">Application</label><select id="clientId" name="clientId"><option value="">All applications</option>{{#applications}}<option value="{{clientId}}" {{#selected}}selected{{/selected}}>{{name}}</option>{{/applications}}</select></div>
        <div><label for="from">From</label><input id="from" name="from" type="date" value="{{from}}"></div>
        <div><label for="to">To</label><input id="to" name="to" type="date" value="{{to}}"></div>
        <button class="secondary" style="margin-top:0" id="show-insights">Show</button>
        </form>
        {{#formError}}<div class="alert" role="alert">{{formError}}</div>{{/formError}}
        <table id="funnel-totals"><caption>Invitations created from {{from}} to {{to}}</caption><thead><tr><th scope="col">Created</th><th scope="col">Delivered</th><th scope="col">Opened</th><th scope="col">Accepted</th><th scope="col">Expired</th><th scope="col">Revoked</th><th scope="col">Failed delivery</th><th scope="col">Median time to accept</th><th scope="col">90th percentile</th></tr></thead>
        <tbody><tr><td id="total-created">{{created}}</td><td>{{delivered}}</td><td>{{opened}}</td><td id="total-accepted">{{accepted}}</td><td>{{expired}}</td><td>{{revoked}}</td><td>{{failedDelivery}}</td><td>{{median}}</td><td>{{p90}}</td></tr></tbody></table>
        <h2 id="per-day">Per day</h2>
        <svg id="chart-days" role="img" aria-labelledby="per-day chart-days-desc" viewBox="0 0 {{chart.width}} {{chart.height}}" width="100%" style="max-width:{{chart.width}}px;background:#fff">
        <desc id="chart-days-desc">Bars per day for created, delivered, opened, accepted and expired invitations; the table below has the same numbers.</desc>
        <defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#b42318" stroke-width="3"/></pattern>
        <pattern id="dots" width="5" height="5" patternUnits="userSpaceOnUse"><rect width="5" height="5" fill="#ffffff"/><circle cx="2.5" cy="2.5" r="1.5" fill="#1f7a4d"/></pattern></defs>
        <line x1="{{chart.left}}" y1="{{chart.baseline}}" x2="{{chart.right}}" y2="{{chart.baseline}}" stroke="#52606d"/>
        {{#chart.ticks}}<text x="{{chart.tickX}}" y="{{y}}" font-size="11" text-anchor="end" fill="#52606d">{{label}}</text>{{/chart.ticks}}
        {{#chart.bars}}<rect x="{{x}}" y="{{y}}" width="{{width}}" height="{{height}}" fill="{{fill}}" stroke="#1f2933" stroke-width="0.5"><title>{{title}}</title></rect>{{/chart.bars}}
        {{#chart.labels}}<text x="{{x}}" y="{{y}}" font-size="11" text-anchor="middle" fill="#1f2933">{{label}}</text>{{/chart.labels}}
        </svg>
        <ul class="legend" style="display:flex;gap:16px;list-style:none;padding:0">{{#legend}}<li><svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" fill="{{fill}}" stroke="#1f2933"/></svg> {{label}}</li>{{/legend}}</ul>
        <details><summary>The same per day, as a table</summary>
        <table id="funnel-days"><caption>Per day</caption><thead><tr><th scope="col">Day</th><th scope="col">Created</th><th scope="col">Delivered</th><th scope="col">Opened</th><th scope="col">Accepted</th><th scope="col">Expired</th></tr></thead>
        <tbody>{{#series}}<tr><th scope="row">{{date}}</th><td>{{created}}</td><td>{{delivered}}</td><td>{{opened}}</td><td>{{accepted}}</td><td>{{expired}}</td></tr>{{/series}}</tbody></table>
        </details>
        <h2 id="time-to-accept">Time to accept</h2>
        <svg id="chart-accept" role="img" aria-labelledby="time-to-accept chart-accept-desc" viewBox="0 0 {{distribution.width}} {{distribution.height}}" width="100%" style="max-width:{{distribution.width}}px;background:#fff">
        <desc id="chart-accept-desc">How many accepted invitations took each span of time from sending to acceptance; each bar is labelled with its count.</desc>
        <line x1="{{distribution.left}}" y1="{{distribution.baseline}}" x2="{{distribution.right}}" y2="{{distribution.baseline}}" stroke="#52606d"/>
        {{#distribution.bars}}<rect x="{{x}}" y="{{y}}" width="{{width}}" height="{{height}}" fill="{{fill}}" stroke="#1f2933" stroke-width="0.5"><title>{{title}}</title></rect>{{/distribution.bars}}
        {{#distribution.labels}}<text x="{{x}}" y="{{y}}" font-size="11" text-anchor="middle" fill="#1f2933">{{label}}</text>{{/distribution.labels}}
        </svg>
        {{/content}}{{/console_layout}}
        """

    static var all: [String: String] {
        ["console/invitation": invitation, "console/insights": insights].merging(BulkImportConsoleTemplates.all) { a, _ in a }
    }
}
