/// The built-in page templates. Each can be replaced by a file of the same name (plus
/// `.mustache`) under USHER_TEMPLATES_DIR.
enum PageTemplates {
    static let layout = """
        <!doctype html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Usher</title>
        <style>
        :root { --ink:#1f2933; --muted:#52606d; --line:#d9e2ec; --accent:#2457d6; --bad:#b42318; --ok:#146c43; }
        * { box-sizing: border-box; }
        body { margin:0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background:#f5f7fa; }
        main { max-width: 440px; margin: 48px auto; background:#fff; border:1px solid var(--line); border-radius:10px; padding:32px; overflow-wrap: anywhere; }
        main.wide { max-width: 1080px; }
        h1 { font-size: 1.5rem; margin: 0 0 8px; }
        p.lead { color: var(--muted); margin-top: 0; }
        label { display:block; font-weight:600; margin:16px 0 4px; }
        input, select { width:100%; padding:10px 12px; border:1px solid #bcccdc; border-radius:6px; font:inherit; }
        input[readonly] { background:#f0f4f8; color: var(--muted); }
        button, .button { display:inline-block; margin-top:24px; padding:10px 18px; border:0; border-radius:6px; background:var(--accent); color:#fff; font:inherit; font-weight:600; cursor:pointer; text-decoration:none; }
        button.secondary, .button.secondary { background:#e4e7eb; color:var(--ink); }
        button.danger { background: var(--bad); }
        .field-error { color: var(--bad); font-size: .9rem; margin-top:4px; }
        .alert { border-radius:6px; padding:12px 14px; margin:16px 0; background:#fdecea; color:var(--bad); }
        .notice { border-radius:6px; padding:12px 14px; margin:16px 0; background:#e7f5ee; color:var(--ok); }
        .muted { color: var(--muted); font-size:.9rem; }
        table { width:100%; border-collapse: collapse; margin-top: 16px; }
        th, td { text-align:left; padding:8px 10px; border-bottom:1px solid var(--line); vertical-align: top; }
        nav.top { background:#102a43; color:#fff; padding:10px 24px; display:flex; gap:24px; align-items:center; }
        nav.top a { color:#fff; text-decoration:none; }
        .field-hint { color: var(--muted); font-size:.9rem; margin:4px 0 0; }
        input[aria-invalid="true"] { border-color: var(--bad); }
        .way-on { display:flex; flex-wrap:wrap; gap:12px; align-items:center; }
        /* Phones down to 320 px: the card becomes the page, so nothing scrolls sideways. */
        @media (max-width: 480px) {
          main:not(.wide) { margin: 0; border: 0; border-radius: 0; padding: 20px 16px; }
          main:not(.wide) button, main:not(.wide) .button { width: 100%; text-align: center; }
        }
        </style>
        {{$head}}{{/head}}
        </head>
        <body>
        {{$nav}}{{/nav}}
        <main class="{{$mainClass}}{{/mainClass}}">
        {{$body}}{{/body}}
        </main>
        </body>
        </html>
        """

    /// `wayOn`: where the person can go from here (sign in to the application after a used
    /// invitation link, issue 22 item 7), with an optional question before it.
    static let error = """
        {{<page_layout}}{{$body}}
        <h1>{{title}}</h1>
        <p class="lead" id="error-detail">{{detail}}</p>
        {{#fieldErrors}}<p class="field-error">{{field}}: {{message}}</p>{{/fieldErrors}}
        {{#wayOn}}<p class="way-on">{{#question}}<span class="muted">{{question}}</span> {{/question}}<a class="button{{^primary}} secondary{{/primary}}" href="{{url}}" id="way-on">{{label}}</a></p>{{/wayOn}}
        {{/body}}{{/page_layout}}
        """

    static var all: [String: String] {
        ["page_layout": layout, "page/error": error]
    }
}

/// Every built-in template, pages and emails.
enum BuiltInTemplates {
    static var all: [String: String] {
        PageTemplates.all.merging(EmailTemplates.all) { a, _ in a }.merging(SignUpTemplates.all) { a, _ in a }.merging(ConsoleTemplates.all)
        { a, _ in a }
        .merging(EmailVerificationTemplates.all) { a, _ in a }
        .merging(LogoutTemplates.all) { a, _ in a }
        .merging(PasswordResetTemplates.all) { a, _ in a }
        .merging(AccountPageTemplates.all) { a, _ in a }
        .merging(WebhookConsoleTemplates.all) { a, _ in a }
        .merging(["page/invitation-expired": InvitationRenewalTemplates.expired]) { a, _ in a }
        .merging(CustomerEmailTemplates.all) { a, _ in a }
        .merging(InvitationConsoleTemplates.all) { a, _ in a }
        .merging(OrganizationConsoleTemplates.all) { a, _ in a }
        .merging(IdentityStoreConsoleTemplates.all) { a, _ in a }
    }
}
