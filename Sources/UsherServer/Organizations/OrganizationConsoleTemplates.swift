/// The console's Organizations pages (issue 16): organizations and roles of a store, and one
/// organization with its members and their roles. Every form works without script.
enum OrganizationConsoleTemplates {
    static let organizations = """
        {{<console_layout}}{{$content}}
        <h1>Organizations</h1>
        <form method="get" action="/admin/organizations" style="display:flex;gap:12px;align-items:end"><div><label for="store">Identity store</label>
        <select id="store" name="store">{{#stores}}<option value="{{name}}" {{#selected}}selected{{/selected}}>{{name}}</option>{{/stores}}</select></div><button class="secondary" style="margin-top:0">Show</button></form>
        <table id="organizations-table"><thead><tr><th>Name</th><th>Display name</th><th>Domains</th><th>Members</th></tr></thead><tbody>
        {{#organizations}}<tr><td><a href="/admin/organizations/{{store}}/{{id}}">{{name}}</a></td><td>{{displayName}}</td><td>{{domains}}</td><td>{{members}}</td></tr>{{/organizations}}
        {{^organizations}}<tr><td colspan="4" class="muted">No organizations in this store yet.</td></tr>{{/organizations}}
        </tbody></table>
        <h2>New organization</h2>
        {{#formError}}<div class="alert" role="alert">{{formError}}</div>{{/formError}}
        <form method="post" action="/admin/organizations"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="store" value="{{store}}">
        <label for="name">Name</label><input id="name" name="name" value="{{name}}" required>
        <label for="displayName">Display name</label><input id="displayName" name="displayName" value="{{displayName}}">
        <label for="domains">Domains <span class="muted">(comma-separated, e.g. example.com)</span></label><input id="domains" name="domains" value="{{domains}}">
        <button id="create-organization">Create organization</button></form>
        <h2>Roles</h2>
        <p class="muted">Roles are defined for the whole store and held by members in each organization.</p>
        <table id="roles-table"><thead><tr><th>Name</th><th>Description</th><th></th></tr></thead><tbody>
        {{#roles}}<tr><td>{{name}}</td><td>{{description}}</td><td><form method="post" action="/admin/roles/{{store}}/{{id}}/delete"><input type="hidden" name="csrf" value="{{csrf}}"><button class="secondary" style="margin:0">Delete<span class="visually-hidden"> {{name}}</span>…</button></form></td></tr>{{/roles}}
        </tbody></table>
        {{#roleError}}<div class="alert" role="alert">{{roleError}}</div>{{/roleError}}
        <form method="post" action="/admin/roles"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="store" value="{{store}}">
        <label for="roleName">Role name</label><input id="roleName" name="name" required>
        <label for="roleDescription">Description</label><input id="roleDescription" name="description">
        <button id="create-role">Create role</button></form>
        {{/content}}{{/console_layout}}
        """

    static let organization = """
        {{<console_layout}}{{$content}}
        <p><a href="/admin/organizations?store={{store}}">← Organizations</a></p>
        <h1>{{title}}</h1>
        {{#formError}}<div class="alert" role="alert">{{formError}}</div>{{/formError}}
        <form method="post" action="/admin/organizations/{{store}}/{{id}}"><input type="hidden" name="csrf" value="{{csrf}}">
        <label for="name">Name</label><input id="name" name="name" value="{{name}}" required>
        <label for="displayName">Display name</label><input id="displayName" name="displayName" value="{{displayName}}">
        <label for="domains">Domains <span class="muted">(comma-separated)</span></label><input id="domains" name="domains" value="{{domains}}">
        <button id="save-organization">Save</button></form>
        <h2>Members</h2>
        <table id="members-table"><thead><tr><th>Account</th><th>Roles</th><th>Joined</th><th></th></tr></thead><tbody>
        {{#members}}<tr><td><a href="/admin/accounts/{{store}}/{{accountId}}">{{label}}</a></td><td>{{#roles}}<span class="chip">{{.}}</span> {{/roles}}{{^roles}}<span class="muted">none</span>{{/roles}}</td><td>{{joined}}</td>
        <td><form method="post" action="/admin/organizations/{{store}}/{{id}}/members/{{accountId}}/delete"><input type="hidden" name="csrf" value="{{csrf}}"><button class="secondary" style="margin:0">Remove<span class="visually-hidden"> {{label}}</span>…</button></form></td></tr>{{/members}}
        {{^members}}<tr><td colspan="4" class="muted">No members yet.</td></tr>{{/members}}
        </tbody></table>
        <h2>Add a member or change a member's roles</h2>
        {{#memberError}}<div class="alert" role="alert">{{memberError}}</div>{{/memberError}}
        <form method="post" action="/admin/organizations/{{store}}/{{id}}/members"><input type="hidden" name="csrf" value="{{csrf}}">
        <label for="email">Account email</label><input id="email" name="email" type="email" value="{{memberEmail}}" required>
        <fieldset><legend>Roles</legend>
        {{#roles}}<label style="display:flex;gap:8px;align-items:center;font-weight:normal"><input type="checkbox" name="role{{index}}" value="{{id}}" style="width:auto;margin:0"> {{name}}</label>{{/roles}}
        {{^roles}}<p class="muted">This store has no roles yet; create them on the <a href="/admin/organizations?store={{store}}">Organizations</a> page.</p>{{/roles}}
        </fieldset>
        <button id="add-member">Save member</button></form>
        {{/content}}{{/console_layout}}
        """

    static var all: [String: String] {
        ["console/organizations": organizations, "console/organization": organization]
    }
}
