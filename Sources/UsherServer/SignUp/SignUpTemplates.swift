/// The customer-facing page templates (sign-up, sign-in, signed out).
enum SignUpTemplates {
    /// Each field's refusal is tied to it (`aria-describedby`, `aria-invalid`) and shown under
    /// it; the password's under Password (issue 22 item 8). The words come from `t` (PageStrings).
    static let signup = """
        {{<page_layout}}{{$body}}
        <h1>{{title}}</h1>
        <p class="lead">{{lead}}</p>
        {{#formError}}<div class="alert" role="alert" id="form-error">{{formError}}</div>{{/formError}}
        <form method="post" action="/signup" novalidate>
        <input type="hidden" name="flow" value="{{flow}}">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="email">{{t.common.email}}</label>
        <input id="email" name="email" type="email" value="{{email}}" autocomplete="email" {{#emailReadonly}}readonly aria-readonly="true"{{/emailReadonly}} required{{#emailError}} aria-invalid="true" aria-describedby="email-error"{{/emailError}}>
        {{#emailError}}<p class="field-error" id="email-error">{{emailError}}</p>{{/emailError}}
        {{#fields}}
        <label for="{{name}}">{{label}}{{#required}} <span aria-hidden="true">*</span>{{/required}}</label>
        <input id="{{name}}" name="{{name}}" type="{{type}}" value="{{value}}" autocomplete="{{autocomplete}}" {{#readonly}}readonly aria-readonly="true"{{/readonly}} {{#required}}required{{/required}}{{#error}} aria-invalid="true" aria-describedby="{{name}}-error"{{/error}}>
        {{#error}}<p class="field-error" id="{{name}}-error">{{error}}</p>{{/error}}
        {{/fields}}
        {{#passwordAllowed}}
        <label for="password">{{t.common.password}}</label>
        <input id="password" name="password" type="password" autocomplete="new-password" minlength="10" required aria-describedby="{{#passwordError}}password-error {{/passwordError}}password-hint"{{#passwordError}} aria-invalid="true"{{/passwordError}}>
        {{#passwordError}}<p class="field-error" id="password-error">{{passwordError}}</p>{{/passwordError}}
        <p class="field-hint" id="password-hint">{{t.common.passwordHint}}</p>
        <label for="passwordConfirmation">{{t.signUp.confirmPassword}}</label>
        <input id="passwordConfirmation" name="passwordConfirmation" type="password" autocomplete="new-password" required>
        <button type="submit" id="create-account">{{t.signUp.createAccount}}</button>
        {{/passwordAllowed}}
        {{^passwordAllowed}}{{#passwordError}}<p class="field-error" id="password-error" role="alert">{{passwordError}}</p>{{/passwordError}}{{/passwordAllowed}}
        </form>
        <p class="muted" style="margin-top:16px">{{t.signUp.alreadyHaveAccount}} <a href="/password/forgot?flow={{flow}}" id="forgot-password">{{t.common.forgotPassword}}</a></p>
        {{#hasProviders}}<div class="providers" style="margin-top:24px;border-top:1px solid var(--line);padding-top:8px">
        {{#providers}}<form method="post" action="/federation/start"><input type="hidden" name="flow" value="{{flow}}"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="provider" value="{{id}}"><button class="secondary" id="continue-with-{{id}}" style="width:100%">{{label}}</button></form>{{/providers}}
        </div>{{/hasProviders}}
        {{/body}}{{/page_layout}}
        """

    static let signupAccepted = """
        {{<page_layout}}{{$body}}
        <h1>{{title}}</h1>
        <p class="lead" id="signup-accepted">{{lead}}</p>
        {{#continueURL}}<p><a class="button" href="{{continueURL}}" id="continue">{{continueLabel}}</a></p>{{/continueURL}}
        <p><a href="/account" id="manage-account">{{t.passwordReset.manageAccount}}</a></p>
        {{/body}}{{/page_layout}}
        """

    static let signin = """
        {{<page_layout}}{{$body}}
        <h1>{{title}}</h1>
        <p class="lead">{{lead}}</p>
        {{#formError}}<div class="alert" role="alert" id="form-error">{{formError}}</div>{{/formError}}
        <form method="post" action="/signin">
        <input type="hidden" name="flow" value="{{flow}}">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="email">{{identifierLabel}}</label>
        <input id="email" name="email" type="{{identifierType}}" value="{{email}}" autocomplete="{{identifierAutocomplete}}" required{{#formError}} aria-invalid="true" aria-describedby="form-error"{{/formError}}>
        <label for="password">{{t.common.password}}</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required{{#formError}} aria-invalid="true" aria-describedby="form-error"{{/formError}}>
        <button type="submit" id="sign-in">{{t.signIn.signIn}}</button>
        </form>
        <p class="muted" style="margin-top:16px"><a href="/password/forgot?flow={{flow}}" id="forgot-password">{{t.common.forgotPassword}}</a></p>
        {{#hasProviders}}<div class="providers" style="margin-top:24px;border-top:1px solid var(--line);padding-top:8px">
        {{#providers}}<form method="post" action="/federation/start"><input type="hidden" name="flow" value="{{flow}}"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="provider" value="{{id}}"><button class="secondary" id="continue-with-{{id}}" style="width:100%">{{label}}</button></form>{{/providers}}
        </div>{{/hasProviders}}
        {{/body}}{{/page_layout}}
        """

    static let signedOut = """
        {{<page_layout}}{{$body}}
        <h1>You are signed out</h1>
        <p class="lead">You can close this page.</p>
        {{/body}}{{/page_layout}}
        """

    static var all: [String: String] {
        [
            "page/signup": signup, "page/signup-accepted": signupAccepted, "page/signin": signin, "page/signed-out": signedOut,
            "page/demo": DemoRoutes.template,
        ]
    }
}
