/// The pages of "Forgot password?", their words from `t` (PageStrings); the email is built
/// with the other self-service emails (CustomerEmailTemplates).
enum PasswordResetTemplates {
    static let forgotPage = """
        {{<page_layout}}{{$body}}
        <h1>{{title}}</h1>
        <p class="lead">{{lead}}</p>
        {{#formError}}<div class="alert" role="alert" id="form-error">{{formError}}</div>{{/formError}}
        <form method="post" action="/password/forgot">
        <input type="hidden" name="flow" value="{{flow}}">
        <input type="hidden" name="store" value="{{store}}">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="email">{{identifierLabel}}</label>
        <input id="email" name="email" type="{{identifierType}}" value="{{email}}" autocomplete="{{identifierAutocomplete}}" required{{#formError}} aria-invalid="true" aria-describedby="form-error"{{/formError}}>
        <button type="submit" id="send-reset-link">{{t.passwordReset.sendLink}}</button>
        </form>
        {{#signInLink}}<p class="muted" style="margin-top:24px"><a href="{{signInLink}}" id="back-to-sign-in">{{t.passwordReset.backToSignIn}}</a></p>{{/signInLink}}
        {{/body}}{{/page_layout}}
        """

    static let sentPage = """
        {{<page_layout}}{{$body}}
        <h1>{{title}}</h1>
        <p class="lead" id="forgot-sent">{{lead}}</p>
        <p class="muted">{{t.passwordReset.sentHint}}</p>
        {{#signInLink}}<p><a href="{{signInLink}}" id="back-to-sign-in">{{t.passwordReset.backToSignIn}}</a></p>{{/signInLink}}
        {{/body}}{{/page_layout}}
        """

    static let resetPage = """
        {{<page_layout}}{{$body}}
        <h1>{{title}}</h1>
        <p class="lead">{{lead}}</p>
        <form method="post" action="/password/reset">
        <input type="hidden" name="token" value="{{token}}">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="password">{{t.passwordReset.newPassword}}</label>
        <input id="password" name="password" type="password" autocomplete="new-password" minlength="10" required aria-describedby="{{#formError}}password-error {{/formError}}password-hint"{{#formError}} aria-invalid="true"{{/formError}}>
        {{#formError}}<p class="field-error" role="alert" id="password-error">{{formError}}</p>{{/formError}}
        <p class="field-hint" id="password-hint">{{t.common.passwordHint}}</p>
        <label for="passwordConfirmation">{{t.passwordReset.confirmNewPassword}}</label>
        <input id="passwordConfirmation" name="passwordConfirmation" type="password" autocomplete="new-password" required>
        <button type="submit" id="set-password">{{t.passwordReset.setPassword}}</button>
        </form>
        {{/body}}{{/page_layout}}
        """

    static let donePage = """
        {{<page_layout}}{{$body}}
        <h1>{{title}}</h1>
        <p class="lead" id="reset-done">{{t.passwordReset.doneLead}}</p>
        {{#applicationLink}}<p><a class="button" href="{{applicationLink}}" id="continue">{{continueLabel}}</a></p>{{/applicationLink}}
        <p><a href="/account" id="manage-account">{{t.passwordReset.manageAccount}}</a></p>
        {{/body}}{{/page_layout}}
        """

    static var all: [String: String] {
        [
            "page/password-forgot": forgotPage,
            "page/password-forgot-sent": sentPage,
            "page/password-reset": resetPage,
            "page/password-reset-done": donePage,
        ]
    }
}
