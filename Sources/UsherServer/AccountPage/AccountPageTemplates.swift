/// The account page and the emails it sends (en-US; an operator adds languages with
/// USHER_TEMPLATES_DIR). The page is one column, so it works from 320 px wide up.
enum AccountPageTemplates {
    static let page = """
        {{<page_layout}}{{$body}}
        <h1>Your account</h1>
        <p class="lead">{{#email}}<strong id="account-email">{{email}}</strong>{{/email}}{{^email}}<strong>{{username}}</strong>{{/email}}{{#emailUnverified}} · not verified yet{{/emailUnverified}}</p>
        {{#notice}}<div class="notice" role="status" id="notice">{{notice}}</div>{{/notice}}
        {{#formError}}<div class="alert" role="alert" id="form-error">{{formError}}</div>{{/formError}}

        {{#hasFields}}
        <section aria-labelledby="profile-heading">
        <h2 id="profile-heading">Profile</h2>
        <form method="post" action="/account/profile">
        <input type="hidden" name="csrf" value="{{csrf}}">
        {{#fields}}
        <label for="{{name}}">{{label}}{{#required}} <span class="muted">(required)</span>{{/required}}</label>
        <input id="{{name}}" name="{{name}}" type="{{type}}" value="{{value}}" autocomplete="{{autocomplete}}"{{#readOnly}} readonly aria-readonly="true"{{/readOnly}}{{#required}} required{{/required}}>
        {{/fields}}
        {{#hasEditableFields}}<button type="submit" id="save-profile">Save profile</button>{{/hasEditableFields}}
        </form>
        </section>
        {{/hasFields}}

        <section aria-labelledby="email-heading">
        <h2 id="email-heading">Email address</h2>
        {{#pendingEmail}}<p class="muted" id="pending-email">Waiting for you to confirm <strong>{{pendingEmail}}</strong>: open the link we sent there.</p>{{/pendingEmail}}
        {{#emailUnverified}}<form method="post" action="/account/verification"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="secondary" id="resend-verification">Send the verification link again</button></form>{{/emailUnverified}}
        <form method="post" action="/account/email">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="new-email">New email address</label>
        <input id="new-email" name="email" type="email" autocomplete="email" required>
        {{#hasPassword}}<label for="email-current-password">Current password</label>
        <input id="email-current-password" name="currentPassword" type="password" autocomplete="current-password" required>{{/hasPassword}}
        <button type="submit" id="change-email">Change email</button>
        </form>
        </section>

        <section aria-labelledby="password-heading">
        <h2 id="password-heading">Password</h2>
        <form method="post" action="/account/password">
        <input type="hidden" name="csrf" value="{{csrf}}">
        {{#hasPassword}}<label for="current-password">Current password</label>
        <input id="current-password" name="currentPassword" type="password" autocomplete="current-password" required>{{/hasPassword}}
        {{^hasPassword}}<p class="muted">Your account has no password yet; you may set one.</p>{{/hasPassword}}
        <label for="new-password">New password</label>
        <input id="new-password" name="password" type="password" autocomplete="new-password" minlength="10" required>
        <label for="new-password-confirmation">Confirm new password</label>
        <input id="new-password-confirmation" name="passwordConfirmation" type="password" autocomplete="new-password" required>
        <button type="submit" id="change-password">Change password</button>
        </form>
        </section>

        <section aria-labelledby="identities-heading">
        <h2 id="identities-heading">Linked sign-in providers</h2>
        {{#identities}}<p class="identity"><strong>{{provider}}</strong>{{#email}} · {{email}}{{/email}}<br><span class="muted">linked {{linked}}</span>{{#canUnlink}}<br><form method="post" action="/account/identities/unlink" style="display:inline"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="identity" value="{{id}}"><button type="submit" class="secondary" style="margin-top:4px;padding:4px 10px">Unlink {{provider}}</button></form>{{/canUnlink}}</p>{{/identities}}
        {{^identities}}<p class="muted">None: you sign in with your password.</p>{{/identities}}
        </section>

        <section aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">Where you are signed in</h2>
        <ul id="sessions" style="padding-left:1.2em">
        {{#sessions}}<li class="session">Signed in {{started}}{{#current}} · <strong>this browser</strong>{{/current}}
        {{#other}}<form method="post" action="/account/sessions/end" style="display:inline"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="session" value="{{id}}"><button type="submit" class="secondary" style="margin-top:4px;padding:4px 10px">Sign out</button></form>{{/other}}</li>
        {{/sessions}}
        </ul>
        {{#hasOtherSessions}}<form method="post" action="/account/sessions/end-others"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="secondary" id="end-other-sessions">Sign out everywhere else</button></form>{{/hasOtherSessions}}
        </section>

        {{#canDelete}}
        <section aria-labelledby="delete-heading">
        <h2 id="delete-heading">Delete your account</h2>
        <p class="muted">This deletes your account and everything it holds, for good. It cannot be undone.</p>
        <form method="post" action="/account/delete">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="delete-confirmation">Type {{deleteConfirmation}} to confirm</label>
        <input id="delete-confirmation" name="confirmation" type="text" autocomplete="off" required>
        {{#hasPassword}}<label for="delete-current-password">Current password</label>
        <input id="delete-current-password" name="currentPassword" type="password" autocomplete="current-password" required>{{/hasPassword}}
        <button type="submit" class="danger" id="delete-account">Delete my account</button>
        </form>
        </section>
        {{/canDelete}}
        {{/body}}{{/page_layout}}
        """

    static let deletedPage = """
        {{<page_layout}}{{$body}}
        <h1>Your account is deleted</h1>
        <p class="lead" id="account-deleted">Your account and everything it held are gone, and you are signed out. You can close this page.</p>
        {{/body}}{{/page_layout}}
        """

    static var all: [String: String] {
        [
            "page/account": page,
            "page/account-deleted": deletedPage,
            "email/email-change-notice.en-US.subject": "Your email address for {{{applicationName}}} is about to change",
            "email/email-change-notice.en-US.text": """
            Hello,

            Someone signed in to your account in {{{applicationName}}} asked to change its email address from {{{email}}} to {{{newEmail}}}. The change happens when the new address is confirmed with the link we sent to it.

            If this was you, there is nothing more to do here. If it was not, sign in, change your password and sign out everywhere else from your account page, or ask your administrator for help.

            """,
            "email/email-change-notice.en-US.html": """
            {{<email_layout}}{{$body}}
            <p>Hello,</p>
            <p>Someone signed in to your account in {{applicationName}} asked to change its email address from <strong>{{email}}</strong> to <strong>{{newEmail}}</strong>. The change happens when the new address is confirmed with the link we sent to it.</p>
            <p style="font-size:13px;color:#7b8794;">If this was you, there is nothing more to do here. If it was not, sign in, change your password and sign out everywhere else from your account page, or ask your administrator for help.</p>
            {{/body}}{{/email_layout}}
            """,
        ]
    }
}
