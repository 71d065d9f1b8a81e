/// The customer-facing page templates (sign-up, sign-in, signed out).
enum SignUpTemplates {
    static let signup = """
        {{<page_layout}}{{$body}}
        <h1>Create your account</h1>
        <p class="lead">You were invited to <strong>{{applicationName}}</strong>. Check your details and choose a password.</p>
        {{#formError}}<div class="alert" role="alert">{{formError}}</div>{{/formError}}
        <form method="post" action="/signup" novalidate>
        <input type="hidden" name="flow" value="{{flow}}">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="email">Email</label>
        <input id="email" name="email" type="email" value="{{email}}" autocomplete="email" {{#emailReadonly}}readonly aria-readonly="true"{{/emailReadonly}} required>
        {{#emailError}}<div class="field-error" id="email-error">{{emailError}}</div>{{/emailError}}
        {{#fields}}
        <label for="{{name}}">{{label}}{{#required}} *{{/required}}</label>
        <input id="{{name}}" name="{{name}}" type="{{type}}" value="{{value}}" autocomplete="{{autocomplete}}" {{#readonly}}readonly aria-readonly="true"{{/readonly}} {{#required}}required{{/required}}>
        {{#error}}<div class="field-error" id="{{name}}-error">{{error}}</div>{{/error}}
        {{/fields}}
        {{#passwordAllowed}}
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="new-password" minlength="10" required>
        <label for="passwordConfirmation">Confirm password</label>
        <input id="passwordConfirmation" name="passwordConfirmation" type="password" autocomplete="new-password" required>
        {{#passwordError}}<div class="field-error" id="password-error">{{passwordError}}</div>{{/passwordError}}
        <p class="muted">At least 10 characters. A few unrelated words make a strong password.</p>
        <button type="submit" id="create-account">Create account</button>
        {{/passwordAllowed}}
        </form>
        <p class="muted" style="margin-top:16px">Already have an account? <a href="/password/forgot?flow={{flow}}" id="forgot-password">Forgot password?</a></p>
        {{#hasProviders}}<div class="providers" style="margin-top:24px;border-top:1px solid var(--line);padding-top:8px">
        {{#providers}}<form method="post" action="/federation/start"><input type="hidden" name="flow" value="{{flow}}"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="provider" value="{{id}}"><button class="secondary" id="continue-with-{{id}}" style="width:100%">Continue with {{name}}</button></form>{{/providers}}
        </div>{{/hasProviders}}
        {{/body}}{{/page_layout}}
        """

    static let signin = """
        {{<page_layout}}{{$body}}
        <h1>Sign in</h1>
        <p class="lead">to continue to <strong>{{applicationName}}</strong></p>
        {{#formError}}<div class="alert" role="alert">{{formError}}</div>{{/formError}}
        <form method="post" action="/signin">
        <input type="hidden" name="flow" value="{{flow}}">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="email">{{identifierLabel}}</label>
        <input id="email" name="email" type="{{identifierType}}" value="{{email}}" autocomplete="username" required>
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit" id="sign-in">Sign in</button>
        </form>
        <p class="muted" style="margin-top:16px"><a href="/password/forgot?flow={{flow}}" id="forgot-password">Forgot password?</a></p>
        {{#hasProviders}}<div class="providers" style="margin-top:24px;border-top:1px solid var(--line);padding-top:8px">
        {{#providers}}<form method="post" action="/federation/start"><input type="hidden" name="flow" value="{{flow}}"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="provider" value="{{id}}"><button class="secondary" id="continue-with-{{id}}" style="width:100%">Continue with {{name}}</button></form>{{/providers}}
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
        ["page/signup": signup, "page/signin": signin, "page/signed-out": signedOut, "page/demo": DemoRoutes.template]
    }
}
