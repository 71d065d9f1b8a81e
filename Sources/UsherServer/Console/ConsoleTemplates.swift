/// The console's templates. They share `console_layout` (navigation and the store bar).
enum ConsoleTemplates {
    static let layout = """
        {{<page_layout}}
        {{$head}}<style>
        nav.top { flex-wrap:wrap; gap:4px 18px; padding:8px 16px; }
        nav.top a { padding:6px 0; }
        nav.top a[aria-current="page"] { text-decoration:underline; text-decoration-thickness:2px; text-underline-offset:6px; }
        nav.top a:focus-visible, nav.top button:focus-visible { outline:2px solid #fff; outline-offset:2px; }
        nav.top .who { margin-left:auto; display:flex; gap:12px; align-items:center; flex-wrap:wrap; }
        nav.top .admin-email { color:#d9e2ec; font-size:.9rem; overflow-wrap:anywhere; }
        nav.top .who form { margin:0; }
        nav.top .who button { margin:0; padding:4px 10px; }
        main.wide { overflow-x:auto; overflow-wrap:break-word; position:relative; }
        th { overflow-wrap:normal; }
        textarea { width:100%; padding:10px 12px; border:1px solid #bcccdc; border-radius:6px; font:inherit; }
        fieldset { border:1px solid var(--line); border-radius:8px; margin:16px 0 0; padding:4px 16px 12px; }
        .visually-hidden { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); white-space:nowrap; }
        @media (max-width: 720px) {
          main, main.wide { margin:0; border-radius:0; border-left:0; border-right:0; padding:16px; }
          main.wide th, main.wide td { padding:6px; }
          #invitations-table th, #invitations-table td { white-space:nowrap; }
          nav.top .who { margin-left:0; }
        }
        </style>{{/head}}
        {{$nav}}
        <nav class="top" aria-label="Main">
        <strong>Usher</strong>
        <a href="/admin/accounts" {{#nav_accounts}}aria-current="page"{{/nav_accounts}}>Accounts and Groups</a>
        <a href="/admin/groups" {{#nav_groups}}aria-current="page"{{/nav_groups}}>Groups</a>
        <a href="/admin/organizations" {{#nav_organizations}}aria-current="page"{{/nav_organizations}}>Organizations</a>
        <a href="/admin/insights" {{#nav_insights}}aria-current="page"{{/nav_insights}}>Insights</a>
        <a href="/admin/applications" {{#nav_applications}}aria-current="page"{{/nav_applications}}>Applications</a>
        <a href="/admin/policies" {{#nav_policies}}aria-current="page"{{/nav_policies}}>Policies</a>
        <a href="/admin/stores" {{#nav_stores}}aria-current="page"{{/nav_stores}}>Identity stores</a>
        <a href="/admin/mailbox" {{#nav_mailbox}}aria-current="page"{{/nav_mailbox}}>Mailbox</a>
        <a href="/admin/audit" {{#nav_audit}}aria-current="page"{{/nav_audit}}>Audit log</a>
        <a href="/admin/webhooks" {{#nav_webhooks}}aria-current="page"{{/nav_webhooks}}>Webhooks</a>
        <span class="who"><span class="admin-email" id="admin-email">{{adminEmail}}</span>
        <form method="post" action="/admin/signout"><input type="hidden" name="csrf" value="{{csrf}}"><button class="secondary">Sign out</button></form></span>
        </nav>
        {{/nav}}
        {{$mainClass}}wide{{/mainClass}}
        {{$body}}
        {{#notice}}<div class="notice" role="status" id="notice">{{notice}}</div>{{/notice}}
        {{$content}}{{/content}}
        {{/body}}
        {{/page_layout}}
        """

    static let signin = """
        {{<page_layout}}{{$body}}
        <h1>Administrator sign-in</h1>
        {{#formError}}<div class="alert" role="alert">{{formError}}</div>{{/formError}}
        <form method="post" action="/admin/signin">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="next" value="{{next}}">
        <label for="email">Email</label><input id="email" name="email" type="text" inputmode="email" value="{{email}}" autocomplete="username" required>
        <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit" id="sign-in">Sign in</button>
        </form>
        {{/body}}{{/page_layout}}
        """

    static let accounts = """
        {{<console_layout}}{{$content}}
        <h1>Accounts</h1>
        <div style="display:flex;gap:12px;align-items:end;flex-wrap:wrap">
        <form method="get" action="/admin/accounts" style="display:flex;gap:12px;align-items:end">
        <input type="hidden" name="tab" value="{{#tab_invitations}}invitations{{/tab_invitations}}{{#tab_accounts}}accounts{{/tab_accounts}}">
        <div><label for="store">Identity store</label>
        <select id="store" name="store">{{#stores}}<option value="{{name}}" {{#selected}}selected{{/selected}}>{{name}}</option>{{/stores}}</select></div>
        <button class="secondary" id="choose-store" style="margin-top:0">Show</button>
        </form>
        <a class="button" id="invite-customer" href="/admin/invite?store={{store}}" style="margin-top:0">Invite Customer</a>
        {{#tab_invitations}}<a class="button secondary" id="import-csv" href="/admin/invite/bulk?store={{store}}" style="margin-top:0">Import CSV</a>{{/tab_invitations}}
        </div>
        <nav class="tabs" role="tablist" style="display:flex;gap:8px;margin-top:24px;border-bottom:1px solid var(--line)">
        <a role="tab" id="tab-accounts" href="/admin/accounts?store={{store}}&amp;tab=accounts" style="padding:8px 14px;{{#tab_accounts}}border-bottom:3px solid var(--accent);font-weight:600{{/tab_accounts}}" {{#tab_accounts}}aria-selected="true"{{/tab_accounts}}>Accounts</a>
        <a role="tab" id="tab-invitations" href="/admin/accounts?store={{store}}&amp;tab=invitations" style="padding:8px 14px;{{#tab_invitations}}border-bottom:3px solid var(--accent);font-weight:600{{/tab_invitations}}" {{#tab_invitations}}aria-selected="true"{{/tab_invitations}}>Invitations</a>
        </nav>
        {{#tab_accounts}}
        <form method="get" action="/admin/accounts" style="display:flex;flex-wrap:wrap;gap:8px;align-items:end;margin-top:12px">
        <input type="hidden" name="store" value="{{store}}"><input type="hidden" name="tab" value="accounts">
        <div style="flex:1;min-width:12em"><label for="q">Search</label><input id="q" name="q" value="{{q}}" placeholder="email or name"></div>
        <button class="secondary" style="margin-top:0">Search</button></form>
        <table id="accounts-table"><thead><tr><th>Email</th><th>Name</th><th>Groups</th><th>Created</th></tr></thead><tbody>
        {{#accounts}}<tr><td><a href="/admin/accounts/{{store}}/{{id}}">{{email}}</a>{{#invited}} <span class="muted">(invited)</span>{{/invited}}</td><td>{{name}}</td><td>{{groups}}</td><td>{{created}}</td></tr>{{/accounts}}
        </tbody></table>
        {{#empty}}<p class="muted">No accounts yet.</p>{{/empty}}
        {{/tab_accounts}}
        {{#tab_invitations}}
        <form method="get" action="/admin/accounts" style="display:flex;flex-wrap:wrap;gap:8px;align-items:end;margin-top:12px">
        <input type="hidden" name="store" value="{{store}}"><input type="hidden" name="tab" value="invitations">
        <div><label for="status">Status</label><select id="status" name="status"><option value="">All</option>{{#statuses}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/statuses}}</select></div>
        {{#hasOrganizations}}<div><label for="organization-filter">Organization</label><select id="organization-filter" name="organization"><option value="">All</option>{{#organizations}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/organizations}}</select></div>{{/hasOrganizations}}
        <div style="flex:1;min-width:12em"><label for="q">Email</label><input id="q" name="q" value="{{q}}"></div>
        <button class="secondary" style="margin-top:0">Filter</button></form>
        <table id="invitations-table"><thead><tr><th>Status</th><th>Email</th><th>Application</th>{{#hasOrganizations}}<th>Organization</th>{{/hasOrganizations}}<th>Sent</th><th>Valid until</th></tr></thead><tbody>
        {{#invitations}}<tr data-email="{{email}}"><td><span class="status {{statusClass}}">{{status}}</span>{{#renewalRequested}} <span class="chip renewal">Renewal requested</span>{{/renewalRequested}}</td><td><a href="/admin/invitations/{{store}}/{{id}}">{{email}}</a></td><td>{{application}}</td>{{#hasOrganizations}}<td>{{organization}}</td>{{/hasOrganizations}}<td>{{sent}}</td><td>{{validUntil}}</td></tr>{{/invitations}}
        </tbody></table>
        {{#empty}}<p class="muted" id="no-invitations">No invitations.</p>{{/empty}}
        {{/tab_invitations}}
        {{#pager}}<p class="muted">Page {{page}} of {{pages}} ({{total}}) {{#prev}}<a href="{{prev}}">Previous</a>{{/prev}} {{#next}}<a href="{{next}}">Next</a>{{/next}}</p>{{/pager}}
        {{/content}}{{/console_layout}}
        """

    static let account = """
        {{<console_layout}}{{$content}}
        <p><a href="/admin/accounts?store={{store}}">← Accounts</a></p>
        <h1>{{email}}</h1>
        <p class="lead">{{name}} · store {{store}} · email {{#emailVerified}}verified{{/emailVerified}}{{^emailVerified}}not verified{{/emailVerified}}</p>
        <table><tbody>
        {{#profile}}<tr><th>{{label}}</th><td>{{value}}</td></tr>{{/profile}}
        <tr><th>Groups</th><td>{{#groups}}<span class="chip">{{name}}</span> {{/groups}}{{^groups}}none{{/groups}}</td></tr>
        <tr><th>Came from</th><td>{{#invitationId}}invitation {{invitationId}}{{/invitationId}}{{^invitationId}}created directly{{/invitationId}}</td></tr>
        <tr><th>External identities</th><td>{{#externalIdentities}}{{issuer}} · {{subject}}<br>{{/externalIdentities}}{{^externalIdentities}}none{{/externalIdentities}}</td></tr>
        <tr><th>Password</th><td>{{#hasPassword}}set{{/hasPassword}}{{^hasPassword}}none{{/hasPassword}}</td></tr>
        <tr><th>Created</th><td>{{createdText}}</td></tr><tr><th>Last sign-in</th><td>{{lastSignInText}}</td></tr>
        </tbody></table>
        {{#actionNotice}}<div class="notice" role="status" id="account-notice">{{actionNotice}}</div>{{/actionNotice}}
        {{#actionError}}<div class="alert" role="alert" id="account-error">{{actionError}}</div>{{/actionError}}
        <form method="post" action="/admin/accounts/{{store}}/{{id}}/password-reset" style="display:inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="send-password-reset">Send password reset email</button></form>
        <form method="post" action="/admin/accounts/{{store}}/{{id}}/sign-out" style="display:inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="secondary" id="sign-out-everywhere">Sign out everywhere</button></form>
        {{/content}}{{/console_layout}}
        """

    static let invite = """
        {{<console_layout}}{{$content}}
        <p><a href="/admin/accounts?store={{store}}&amp;tab=invitations">← Invitations</a></p>
        <h1>Invite Customer</h1>
        <p class="lead">Identity store <strong>{{store}}</strong></p>
        {{#formError}}<div class="alert" role="alert" id="form-error">{{formError}}{{#existingInvitation}} <a href="{{existingInvitation}}" id="existing-invitation">Open the pending invitation</a>{{/existingInvitation}}</div>{{/formError}}
        <form method="post" action="/admin/invite" id="invite-form">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="store" value="{{store}}"><input type="hidden" name="idempotencyKey" value="{{idempotencyKey}}">
        <h2>Application</h2>
        <label for="applicationId">Application</label>
        <select id="applicationId" name="applicationId" required><option value="">Choose an application</option>{{#applications}}<option value="{{id}}" {{#selected}}selected{{/selected}}>{{name}}</option>{{/applications}}</select>
        {{#applicationError}}<div class="field-error">{{applicationError}}</div>{{/applicationError}}
        <p class="muted">Only OAuth2/OIDC applications of this store are listed: SAML2 applications do not support customer invitation.{{#hasSaml}} (Not listed: {{samlApplications}}.){{/hasSaml}}</p>
        <h2>Invite Method</h2>
        <label for="inviteMethod">Invite Method</label><select id="inviteMethod" name="inviteMethod"><option value="email">Email</option></select>
        <label for="email">Email</label><input id="email" name="email" type="email" value="{{email}}" required>
        {{#emailError}}<div class="field-error" id="email-error">{{emailError}}</div>{{/emailError}}
        {{#usesUsername}}<label for="username">Username{{#usernameRequired}} *{{/usernameRequired}}</label><input id="username" name="username" value="{{username}}" autocomplete="off" {{#usernameRequired}}required{{/usernameRequired}}>
        {{#usernameError}}<div class="field-error" id="username-error">{{usernameError}}</div>{{/usernameError}}{{/usesUsername}}
        <h2>Basic Information</h2>
        {{#profile}}<label for="{{name}}">{{label}}</label><input id="{{name}}" name="{{name}}" value="{{value}}">{{#error}}<div class="field-error">{{error}}</div>{{/error}}{{/profile}}
        <h2>Groups</h2>
        {{#groupRows}}<div style="display:flex;gap:8px;align-items:center;margin-top:8px">
        <select name="group{{index}}" id="group{{index}}" aria-label="Group"><option value="">No group</option>{{#options}}<option value="{{id}}" {{#selected}}selected{{/selected}}>{{name}}</option>{{/options}}</select>
        <button type="submit" name="removeGroup" value="{{index}}" class="secondary" style="margin:0" formnovalidate>Remove</button></div>{{/groupRows}}
        {{#groupsError}}<div class="field-error">{{groupsError}}</div>{{/groupsError}}
        <button type="submit" name="action" value="addGroup" id="add-group" class="secondary" formnovalidate>+Add Group</button>
        <h2>Organization</h2>
        <label for="organization">Organization</label>
        <div style="display:flex;gap:8px;align-items:center"><select id="organization" name="organization"><option value="">No organization</option>{{#organizations}}<option value="{{id}}" {{#selected}}selected{{/selected}}>{{name}}</option>{{/organizations}}</select>
        <button type="submit" name="action" value="chooseOrganization" id="choose-organization" class="secondary" style="margin:0" formnovalidate>Choose</button></div>
        {{#organizationError}}<div class="field-error">{{organizationError}}</div>{{/organizationError}}
        {{#organizationChosen}}<fieldset id="roles"><legend>Roles</legend>{{#roles}}<label style="display:flex;gap:8px;align-items:center;font-weight:normal"><input type="checkbox" name="role{{index}}" value="{{id}}" style="width:auto;margin:0" {{#checked}}checked{{/checked}}> {{name}}</label>{{/roles}}{{^roles}}<p class="muted">This store has no roles yet.</p>{{/roles}}</fieldset>{{/organizationChosen}}
        {{^organizationChosen}}<p class="muted">Roles can be chosen once an organization is.</p>{{/organizationChosen}}
        {{#rolesError}}<div class="field-error">{{rolesError}}</div>{{/rolesError}}
        <h2>Language</h2>
        <label for="language">Language of the invitation email</label>
        <select id="language" name="language">{{#languages}}<option value="{{tag}}" {{#selected}}selected{{/selected}}>{{name}}</option>{{/languages}}</select>
        {{#languageError}}<div class="field-error">{{languageError}}</div>{{/languageError}}
        <div><button type="submit" name="action" value="send" id="send-invite">Send invite</button></div>
        </form>
        {{/content}}{{/console_layout}}
        """

    static let groups = """
        {{<console_layout}}{{$content}}
        <h1>Groups</h1>
        <form method="get" action="/admin/groups" style="display:flex;gap:12px;align-items:end"><div><label for="store">Identity store</label>
        <select id="store" name="store">{{#stores}}<option value="{{name}}" {{#selected}}selected{{/selected}}>{{name}}</option>{{/stores}}</select></div><button class="secondary" style="margin-top:0">Show</button></form>
        <table id="groups-table"><thead><tr><th>Name</th><th>Description</th><th>Members</th><th><span class="visually-hidden">Actions</span></th></tr></thead><tbody>
        {{#groups}}<tr><td>{{name}}</td><td>{{description}}</td><td>{{members}}</td><td><form method="post" action="/admin/groups/{{store}}/{{id}}/delete"><input type="hidden" name="csrf" value="{{csrf}}"><button class="secondary" style="margin:0">Delete<span class="visually-hidden"> {{name}}</span>…</button></form></td></tr>{{/groups}}
        </tbody></table>
        <h2>New group</h2>
        {{#formError}}<div class="alert" role="alert">{{formError}}</div>{{/formError}}
        <form method="post" action="/admin/groups"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="store" value="{{store}}">
        <label for="name">Name</label><input id="name" name="name" value="{{name}}" required>
        <label for="description">Description</label><input id="description" name="description">
        <button id="create-group">Create group</button></form>
        {{/content}}{{/console_layout}}
        """

    static let applications = """
        {{<console_layout}}{{$content}}
        <h1>Applications</h1>
        {{#createdClient}}<div class="notice" role="status" id="application-created">Application {{application}} created.{{#clientId}} Client id <code>{{clientId}}</code>{{#clientSecret}}, secret <code id="client-secret">{{clientSecret}}</code> — copy the secret now; it is not shown again.{{/clientSecret}}{{^clientSecret}} (a public client: it has no secret).{{/clientSecret}}{{/clientId}}{{^clientId}} A SAML2 application has no OIDC client or secret.{{/clientId}}</div>{{/createdClient}}
        <table id="applications-table"><thead><tr><th>Name</th><th>Store</th><th>Protocol</th><th>Client</th><th>Login URL</th></tr></thead><tbody>
        {{#applications}}<tr><td><a href="/admin/applications/{{id}}">{{name}}</a></td><td>{{store}}</td><td>{{protocol}}</td><td>{{clients}}</td><td>{{loginUrl}}</td></tr>{{/applications}}
        </tbody></table>
        <h2>New application</h2>
        {{#formError}}<div class="alert" role="alert">{{formError}}</div>{{/formError}}
        <form method="post" action="/admin/applications"><input type="hidden" name="csrf" value="{{csrf}}">
        <label for="name">Name</label><input id="name" name="name" value="{{name}}" required>
        <label for="store">Identity store</label><select id="store" name="store">{{#stores}}<option value="{{name}}" {{#selected}}selected{{/selected}}>{{name}}</option>{{/stores}}</select>
        <label for="protocol">Protocol</label><select id="protocol" name="protocol"><option value="oidc" {{#oidcSelected}}selected{{/oidcSelected}}>OAuth2 / OpenID Connect</option><option value="saml2" {{#samlSelected}}selected{{/samlSelected}}>SAML2</option></select>
        <label for="policy">Self-service policy</label><select id="policy" name="policy">{{#policies}}<option value="{{id}}" {{#selected}}selected{{/selected}}>{{name}}</option>{{/policies}}</select>
        <label for="redirectUri">Redirect URIs (OIDC; one per line, exact)</label><input id="redirectUri" name="redirectUri" value="{{redirectUri}}">
        <label for="loginUrl">Login URL (where invitation links go)</label><input id="loginUrl" name="loginUrl" value="{{loginUrl}}">
        <button id="create-application">Create application</button></form>
        {{/content}}{{/console_layout}}
        """

    static let application = """
        {{<console_layout}}{{$content}}
        <p><a href="/admin/applications">← Applications</a></p>
        <h1>{{name}}</h1>
        <table id="application-detail"><tbody>
        <tr><th scope="row">Protocol</th><td>{{protocolLabel}}{{#isSaml}} — SAML2 applications do not support customer invitation{{/isSaml}}</td></tr>
        <tr><th scope="row">Identity store</th><td>{{store}}</td></tr><tr><th scope="row">Policy</th><td>{{policyName}}</td></tr>
        <tr><th scope="row">Assigned groups</th><td>{{groupNames}}{{^groups}}none{{/groups}}</td></tr>
        <tr><th scope="row">External login providers</th><td>{{providerNames}}{{^externalLoginProviders}}none{{/externalLoginProviders}}</td></tr>
        {{#clients}}<tr><th scope="row">Client {{clientId}}</th><td>{{#public}}public (PKCE){{/public}}{{^public}}confidential{{/public}}<br>Redirect URIs: {{#redirectUris}}{{.}} {{/redirectUris}}<br>Login URL: {{#loginUrl}}{{loginUrl}}{{/loginUrl}}{{^loginUrl}}none — invitations need one{{/loginUrl}}</td></tr>{{/clients}}
        </tbody></table>
        {{#edit}}
        <h2 id="edit">Edit</h2>
        {{#formError}}<div class="alert" role="alert" id="form-error">{{formError}}</div>{{/formError}}
        <form method="post" action="/admin/applications/{{id}}" id="application-form">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="name">Name</label><input id="name" name="name" value="{{name}}" required{{#nameError}} aria-invalid="true" aria-describedby="name-error"{{/nameError}}>
        {{#nameError}}<div class="field-error" id="name-error">{{nameError}}</div>{{/nameError}}
        <label for="policy">Self-service policy</label><select id="policy" name="policy">{{#policies}}<option value="{{id}}" {{#selected}}selected{{/selected}}>{{name}}</option>{{/policies}}</select>
        <fieldset id="application-groups"><legend>Assigned groups <span class="muted">(every account that signs up joins them)</span></legend>
        {{#groups}}<label style="font-weight:normal"><input type="checkbox" name="group[]" value="{{id}}" {{#checked}}checked{{/checked}} style="width:auto"> {{name}}</label>{{/groups}}
        {{^groups}}<p class="muted">This identity store has no groups.</p>{{/groups}}
        {{#groupsError}}<div class="field-error">{{groupsError}}</div>{{/groupsError}}</fieldset>
        {{#clients}}<fieldset class="client"><legend>Client {{clientId}}</legend>
        <input type="hidden" name="clientId{{index}}" value="{{clientId}}">
        <label for="redirectUris{{index}}">Redirect URIs <span class="muted">(one per line, exact)</span></label>
        <textarea id="redirectUris{{index}}" name="redirectUris{{index}}" rows="3"{{#error}} aria-describedby="client-error{{index}}"{{/error}}>{{redirectUris}}</textarea>
        <label for="loginUrl{{index}}">Login URL <span class="muted">(where invitation links go)</span></label>
        <input id="loginUrl{{index}}" name="loginUrl{{index}}" value="{{loginUrl}}"{{#error}} aria-describedby="client-error{{index}}"{{/error}}>
        {{#error}}<div class="field-error" id="client-error{{index}}">{{error}}</div>{{/error}}
        </fieldset>{{/clients}}
        <fieldset id="application-providers"><legend>External login providers <span class="muted">(customers may sign up with them)</span></legend>
        {{#providers}}<label style="font-weight:normal"><input type="checkbox" name="provider[]" value="{{id}}" {{#checked}}checked{{/checked}} style="width:auto"> {{name}}</label>{{/providers}}
        {{^providers}}<p class="muted">No external login provider is configured.</p>{{/providers}}
        {{#providersError}}<div class="field-error">{{providersError}}</div>{{/providersError}}</fieldset>
        <button type="submit" id="save-application">Save changes</button>
        </form>
        {{/edit}}
        {{/content}}{{/console_layout}}
        """

    static let policies = """
        {{<console_layout}}{{$content}}
        <h1>Self-service policies</h1>
        {{#policies}}
        <form method="post" action="/admin/policies" class="policy" style="border:1px solid var(--line);border-radius:8px;padding:16px;margin-top:16px">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}">
        <h2 style="margin-top:0">{{name}}</h2>
        <fieldset><legend>Invitation and sign-in</legend>
        <label style="font-weight:normal"><input type="checkbox" name="enabled" style="width:auto" {{#enabled}}checked{{/enabled}}> Customer invitation enabled</label>
        <label style="font-weight:normal"><input type="checkbox" name="allowEmailMismatch" style="width:auto" {{#allowEmailMismatch}}checked{{/allowEmailMismatch}}> Allow another email address at sign-up (invite method editable)</label>
        <label style="font-weight:normal"><input type="checkbox" name="forceUsingExternalLogin" style="width:auto" {{#forceUsingExternalLogin}}checked{{/forceUsingExternalLogin}}> Force sign-up with an external identity</label>
        <label for="link-max-age-{{id}}">Link valid for (hours, 1–720)</label><input id="link-max-age-{{id}}" name="linkMaxAgeHours" type="number" min="1" max="720" value="{{linkMaxAgeHours}}">
        <label style="font-weight:normal"><input type="checkbox" name="requireVerifiedEmail" id="require-verified-email-{{id}}" style="width:auto" {{#requireVerifiedEmail}}checked{{/requireVerifiedEmail}}> Require a verified email address to sign in (unverified accounts are asked to confirm their address first)</label>
        </fieldset>
        <table><thead><tr><th>Sign-up field</th><th>Mode</th></tr></thead><tbody>
        {{#fields}}<tr><td><label for="field-{{id}}-{{name}}" style="font-weight:normal;margin:0">{{label}}</label></td><td><select id="field-{{id}}-{{name}}" name="field_{{name}}">{{#modes}}<option value="{{mode}}" {{#selected}}selected{{/selected}}>{{mode}}</option>{{/modes}}</select></td></tr>{{/fields}}
        </tbody></table>
        <button>Save</button>
        </form>
        {{/policies}}
        {{/content}}{{/console_layout}}
        """

    static let mailbox = """
        {{<console_layout}}{{$content}}
        <h1>Mailbox</h1>
        <p class="lead">{{#localMailbox}}No SMTP server is configured (USHER_SMTP_URL), so emails are kept here.{{/localMailbox}}{{^localMailbox}}Every email and its delivery state.{{/localMailbox}}</p>
        <table id="mailbox-table"><thead><tr><th>To</th><th>Subject</th><th>State</th><th>Created</th></tr></thead><tbody>
        {{#messages}}<tr><td>{{to}}</td><td><a href="/admin/mailbox/{{id}}">{{subject}}</a></td><td>{{status}} <span class="muted">({{attempts}} attempts, {{transport}})</span>{{#lastError}}<br><span class="muted">{{lastError}}</span>{{/lastError}}</td><td>{{created}}</td></tr>{{/messages}}
        </tbody></table>
        {{#pager}}<p class="muted">Page {{page}} of {{pages}} {{#prev}}<a href="{{prev}}">Previous</a>{{/prev}} {{#next}}<a href="{{next}}">Next</a>{{/next}}</p>{{/pager}}
        {{/content}}{{/console_layout}}
        """

    static let mail = """
        {{<console_layout}}{{$content}}
        <p><a href="/admin/mailbox">← Mailbox</a></p>
        <h1>{{subject}}</h1>
        <p class="lead">To {{to}} · {{status}}{{#lastError}} — {{lastError}}{{/lastError}} · created {{created}}{{#sentAt}} · sent {{sentAt}}{{/sentAt}}{{^sentAt}} · not sent yet{{/sentAt}}</p>
        <p class="muted">The email's links open in a new tab.</p>
        <iframe sandbox="allow-popups allow-popups-to-escape-sandbox" title="Email: {{subject}}" id="mail-html" srcdoc="{{html}}" style="width:100%;height:520px;border:1px solid var(--line);border-radius:8px"></iframe>
        <h2>Plain text</h2><pre style="white-space:pre-wrap;overflow-wrap:anywhere" id="mail-text">{{#textParts}}{{#url}}<a href="{{url}}" target="_blank" rel="noopener noreferrer">{{text}}</a>{{/url}}{{^url}}{{text}}{{/url}}{{/textParts}}</pre>
        {{/content}}{{/console_layout}}
        """

    static let audit = """
        {{<console_layout}}{{$content}}
        <h1>Audit log</h1>
        <table id="audit-table"><thead><tr><th>When</th><th>Who</th><th>What</th><th>Target</th><th>Details</th></tr></thead><tbody>
        {{#events}}<tr><td>{{at}}</td><td>{{actor}}</td><td>{{action}}</td><td>{{target}}</td><td class="muted">{{details}}</td></tr>{{/events}}
        </tbody></table>
        {{#pager}}<p class="muted">Page {{page}} of {{pages}} {{#prev}}<a href="{{prev}}">Previous</a>{{/prev}} {{#next}}<a href="{{next}}">Next</a>{{/next}}</p>{{/pager}}
        {{/content}}{{/console_layout}}
        """

    static var all: [String: String] {
        [
            "console_layout": layout, "console/signin": signin, "console/accounts": accounts, "console/account": account,
            "console/invite": invite,
            "console/groups": groups, "console/applications": applications,
            "console/application": application,
            "console/policies": policies, "console/mailbox": mailbox, "console/mail": mail, "console/audit": audit,
            "console/confirm": ConsoleConfirmation.template,
        ]
    }
}
