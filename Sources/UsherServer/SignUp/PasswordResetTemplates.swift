/// The pages and emails of "Forgot password?" (en-US; an operator adds languages with
/// USHER_TEMPLATES_DIR, e.g. `email/password-reset.de-DE.text.mustache`).
enum PasswordResetTemplates {
    static let forgotPage = """
        {{<page_layout}}{{$body}}
        <h1>Reset your password</h1>
        <p class="lead">Enter the {{identifierLabel}} of your account in <strong>{{applicationName}}</strong>. We will email you a link to choose a new password.</p>
        {{#formError}}<div class="alert" role="alert">{{formError}}</div>{{/formError}}
        <form method="post" action="/password/forgot">
        <input type="hidden" name="flow" value="{{flow}}">
        <input type="hidden" name="store" value="{{store}}">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="email">{{identifierLabel}}</label>
        <input id="email" name="email" type="{{identifierType}}" value="{{email}}" autocomplete="username" required>
        <button type="submit" id="send-reset-link">Send reset link</button>
        </form>
        {{#signInLink}}<p class="muted" style="margin-top:24px"><a href="{{signInLink}}" id="back-to-sign-in">Back to sign in</a></p>{{/signInLink}}
        {{/body}}{{/page_layout}}
        """

    static let sentPage = """
        {{<page_layout}}{{$body}}
        <h1>Check your email</h1>
        <p class="lead" id="forgot-sent">If an account in <strong>{{applicationName}}</strong> uses this address, we have sent it a link to choose a new password. The link works once, for {{minutes}} minutes.</p>
        <p class="muted">No email after a few minutes? Check your spam folder, or ask again.</p>
        {{#signInLink}}<p><a href="{{signInLink}}" id="back-to-sign-in">Back to sign in</a></p>{{/signInLink}}
        {{/body}}{{/page_layout}}
        """

    static let resetPage = """
        {{<page_layout}}{{$body}}
        <h1>Choose a new password</h1>
        <p class="lead">for <strong>{{account}}</strong>. Your other signed-in devices will be signed out.</p>
        {{#formError}}<div class="alert" role="alert" id="password-error">{{formError}}</div>{{/formError}}
        <form method="post" action="/password/reset">
        <input type="hidden" name="token" value="{{token}}">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="password">New password</label>
        <input id="password" name="password" type="password" autocomplete="new-password" minlength="10" required>
        <label for="passwordConfirmation">Confirm new password</label>
        <input id="passwordConfirmation" name="passwordConfirmation" type="password" autocomplete="new-password" required>
        <p class="muted">At least 10 characters. A few unrelated words make a strong password.</p>
        <button type="submit" id="set-password">Set new password</button>
        </form>
        {{/body}}{{/page_layout}}
        """

    static let donePage = """
        {{<page_layout}}{{$body}}
        <h1>Your password is changed</h1>
        <p class="lead" id="reset-done">You are signed in with your new password, and signed out everywhere else.</p>
        {{#applicationLink}}<p><a class="button" href="{{applicationLink}}" id="continue">Continue to {{applicationName}}</a></p>{{/applicationLink}}
        <p><a href="/account" id="manage-account">Manage your account</a></p>
        {{/body}}{{/page_layout}}
        """

    static let button =
        "background:#2457d6;color:#ffffff;text-decoration:none;padding:12px 24px;border-radius:6px;font-weight:600;display:inline-block;"

    static var all: [String: String] {
        PasswordResetTranslations.all.merging(en) { a, _ in a }
    }

    private static var en: [String: String] {
        [
            "page/password-forgot": forgotPage,
            "page/password-forgot-sent": sentPage,
            "page/password-reset": resetPage,
            "page/password-reset-done": donePage,
            "email/password-reset.en-US.subject": "Reset your password for {{{applicationName}}}",
            "email/password-reset.en-US.text": """
            Hello,

            Someone (hopefully you) asked to reset the password of your account in {{{applicationName}}}. Open this link to choose a new one:
            {{{link}}}

            The link works once, for {{minutes}} minutes. When you use it, your other signed-in devices are signed out.

            If you did not ask for this, you can ignore this email: your password stays as it is.

            """,
            "email/password-reset.en-US.html": """
            {{<email_layout}}{{$body}}
            <p>Hello,</p>
            <p>Someone (hopefully you) asked to reset the password of your account in {{applicationName}}.</p>
            <p style="text-align:center;margin:32px 0;"><a href="{{link}}" style="\(button)">Choose a new password</a></p>
            <p style="font-size:14px;color:#52606d;">Or open this link in your browser:<br><a href="{{link}}" style="color:#2457d6;word-break:break-all;">{{link}}</a></p>
            <p style="font-size:14px;color:#52606d;">The link works once, for {{minutes}} minutes. When you use it, your other signed-in devices are signed out.</p>
            <p style="font-size:13px;color:#7b8794;">If you did not ask for this, you can ignore this email: your password stays as it is.</p>
            {{/body}}{{/email_layout}}
            """,
            "email/password-reset-external.en-US.subject": "How you sign in to {{{applicationName}}}",
            "email/password-reset-external.en-US.text": """
            Hello,

            Someone (hopefully you) asked to reset the password of your account in {{{applicationName}}}. Your account has no password: you sign in with {{{providers}}}. On the sign-in page, choose "Continue with {{{providers}}}".

            If you did not ask for this, you can ignore this email.

            """,
            "email/password-reset-external.en-US.html": """
            {{<email_layout}}{{$body}}
            <p>Hello,</p>
            <p>Someone (hopefully you) asked to reset the password of your account in {{applicationName}}. Your account has no password: you sign in with <strong>{{providers}}</strong>. On the sign-in page, choose “Continue with {{providers}}”.</p>
            <p style="font-size:13px;color:#7b8794;">If you did not ask for this, you can ignore this email.</p>
            {{/body}}{{/email_layout}}
            """,
        ]
    }
}
