/// The account page, its words from `t` (PageStrings); the email it sends (the notice of an
/// email change) is built with the other self-service emails (CustomerEmailTemplates). The
/// page is one column, so it works from 320 px wide up.
enum AccountPageTemplates {
    static let page = """
        {{<page_layout}}{{$body}}
        <h1>{{title}}</h1>
        <p class="lead">{{#email}}<strong id="account-email">{{email}}</strong>{{/email}}{{^email}}<strong>{{username}}</strong>{{/email}}{{#emailUnverified}} · {{t.account.notVerified}}{{/emailUnverified}}</p>
        {{#notice}}<div class="notice" role="status" id="notice">{{notice}}</div>{{/notice}}
        {{#formError}}<div class="alert" role="alert" id="form-error">{{formError}}</div>{{/formError}}

        {{#hasFields}}
        <section aria-labelledby="profile-heading">
        <h2 id="profile-heading">{{t.account.profile}}</h2>
        <form method="post" action="/account/profile">
        <input type="hidden" name="csrf" value="{{csrf}}">
        {{#fields}}
        <label for="{{name}}">{{label}}{{#required}} <span class="muted">({{t.common.requiredMark}})</span>{{/required}}</label>
        <input id="{{name}}" name="{{name}}" type="{{type}}" value="{{value}}" autocomplete="{{autocomplete}}"{{#readOnly}} readonly aria-readonly="true"{{/readOnly}}{{#required}} required{{/required}}>
        {{/fields}}
        {{#hasEditableFields}}<button type="submit" id="save-profile">{{t.account.saveProfile}}</button>{{/hasEditableFields}}
        </form>
        </section>
        {{/hasFields}}

        <section aria-labelledby="email-heading">
        <h2 id="email-heading">{{t.account.emailHeading}}</h2>
        {{#pendingEmail}}<p class="muted" id="pending-email">{{pendingEmailText}}</p>{{/pendingEmail}}
        {{#emailUnverified}}<form method="post" action="/account/verification"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="secondary" id="resend-verification">{{t.account.resendVerification}}</button></form>{{/emailUnverified}}
        <form method="post" action="/account/email">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="new-email">{{t.account.newEmail}}</label>
        <input id="new-email" name="email" type="email" autocomplete="email" required>
        {{#hasPassword}}<label for="email-current-password">{{t.account.currentPassword}}</label>
        <input id="email-current-password" name="currentPassword" type="password" autocomplete="current-password" required>{{/hasPassword}}
        <button type="submit" id="change-email">{{t.account.changeEmail}}</button>
        </form>
        </section>

        <section aria-labelledby="password-heading">
        <h2 id="password-heading">{{t.account.passwordHeading}}</h2>
        <form method="post" action="/account/password">
        <input type="hidden" name="csrf" value="{{csrf}}">
        {{#hasPassword}}<label for="current-password">{{t.account.currentPassword}}</label>
        <input id="current-password" name="currentPassword" type="password" autocomplete="current-password" required>{{/hasPassword}}
        {{^hasPassword}}<p class="muted">{{t.account.noPasswordYet}}</p>{{/hasPassword}}
        <label for="new-password">{{t.account.newPassword}}</label>
        <input id="new-password" name="password" type="password" autocomplete="new-password" minlength="10" required>
        <label for="new-password-confirmation">{{t.account.confirmNewPassword}}</label>
        <input id="new-password-confirmation" name="passwordConfirmation" type="password" autocomplete="new-password" required>
        <button type="submit" id="change-password">{{t.account.changePassword}}</button>
        </form>
        </section>

        <section aria-labelledby="identities-heading">
        <h2 id="identities-heading">{{t.account.identitiesHeading}}</h2>
        {{#identities}}<p class="identity"><strong>{{provider}}</strong>{{#email}} · {{email}}{{/email}}<br><span class="muted">{{linked}}</span>{{#canUnlink}}<br><form method="post" action="/account/identities/unlink" style="display:inline"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="identity" value="{{id}}"><button type="submit" class="secondary" style="margin-top:4px;padding:4px 10px">{{unlinkLabel}}</button></form>{{/canUnlink}}</p>{{/identities}}
        {{^identities}}<p class="muted">{{t.account.noIdentities}}</p>{{/identities}}
        </section>

        <section aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">{{t.account.sessionsHeading}}</h2>
        <ul id="sessions" style="padding-left:1.2em">
        {{#sessions}}<li class="session">{{started}}{{#current}} · <strong>{{t.account.thisBrowser}}</strong>{{/current}}
        {{#other}}<form method="post" action="/account/sessions/end" style="display:inline"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="session" value="{{id}}"><button type="submit" class="secondary" style="margin-top:4px;padding:4px 10px">{{t.account.signOut}}</button></form>{{/other}}</li>
        {{/sessions}}
        </ul>
        {{#hasOtherSessions}}<form method="post" action="/account/sessions/end-others"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="secondary" id="end-other-sessions">{{t.account.signOutEverywhereElse}}</button></form>{{/hasOtherSessions}}
        </section>

        {{#canDelete}}
        <section aria-labelledby="delete-heading">
        <h2 id="delete-heading">{{t.account.deleteHeading}}</h2>
        <p class="muted">{{t.account.deleteWarning}}</p>
        <form method="post" action="/account/delete">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="delete-confirmation">{{deleteConfirmationLabel}}</label>
        <input id="delete-confirmation" name="confirmation" type="text" autocomplete="off" required>
        {{#hasPassword}}<label for="delete-current-password">{{t.account.currentPassword}}</label>
        <input id="delete-current-password" name="currentPassword" type="password" autocomplete="current-password" required>{{/hasPassword}}
        <button type="submit" class="danger" id="delete-account">{{t.account.deleteButton}}</button>
        </form>
        </section>
        {{/canDelete}}
        {{/body}}{{/page_layout}}
        """

    static let deletedPage = """
        {{<page_layout}}{{$body}}
        <h1>{{title}}</h1>
        <p class="lead" id="account-deleted">{{t.account.deletedLead}}</p>
        {{/body}}{{/page_layout}}
        """

    static var all: [String: String] {
        [
            "page/account": page,
            "page/account-deleted": deletedPage,
        ]
    }
}
