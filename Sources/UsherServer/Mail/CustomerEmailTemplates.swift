import UsherCore

/// The self-service emails (email verification, the notice to an address that has an account,
/// the notice of an email change, password reset and its notice for accounts without a
/// password) in every `PageLanguage`, built from `PageStrings.emails` when the templates load.
/// An operator overrides any of them with a file of the same name under USHER_TEMPLATES_DIR.
enum CustomerEmailTemplates {
    static let button =
        "background:#2457d6;color:#ffffff;text-decoration:none;padding:12px 24px;border-radius:6px;font-weight:600;display:inline-block;"

    /// Plain text and subjects are not HTML: their variables go in unescaped (`{{{…}}}`); sections stay.
    private static func text(_ s: String) -> String {
        s.replacing(/\{\{(\w+)\}\}/) { "{{{\($0.1)}}}" }
    }

    /// The words are ours, not a visitor's, but `<`, `&` and quotes are still escaped for HTML.
    private static func html(_ s: String) -> String {
        HTMLText.escape(s)
    }

    private static func email(_ base: String, subject: String, text lines: [String], html paragraphs: String) -> [String: String] {
        [
            "\(base).subject": text(subject),
            "\(base).text": lines.joined(separator: "\n\n") + "\n",
            "\(base).html": "{{<email_layout}}{{$body}}\n\(paragraphs){{/body}}{{/email_layout}}",
        ]
    }

    private static func linkBlock(_ e: PageStrings.Emails, action: String) -> String {
        """
        <p style="text-align:center;margin:32px 0;"><a href="{{link}}" style="\(button)">\(html(action))</a></p>
        <p style="font-size:14px;color:#52606d;">\(html(e.linkIntro))<br><a href="{{link}}" style="color:#2457d6;word-break:break-all;">{{link}}</a></p>

        """
    }

    private static func muted(_ s: String, size: Int = 14) -> String {
        "<p style=\"font-size:\(size)px;color:\(size == 14 ? "#52606d" : "#7b8794");\">\(html(s))</p>\n"
    }

    /// `named` when the email names an application, else `neutral` (an account page whose
    /// session was started for no application: nothing to name, and the store's name is no
    /// application's).
    private static func either(_ named: String, _ neutral: String) -> String {
        "{{#applicationName}}\(named){{/applicationName}}{{^applicationName}}\(neutral){{/applicationName}}"
    }

    static func templates(_ language: PageLanguage) -> [String: String] {
        let e = language.strings.emails
        let tag = language.rawValue
        let hello = "<p>\(html(e.greeting))</p>\n"
        var result: [String: String] = [:]
        result.merge(
            email(
                "email/email-verification.\(tag)", subject: either(e.verificationSubject, e.verificationSubjectNeutral),
                text: [
                    e.greeting, either(text(e.verificationLead), e.verificationLeadNeutral) + "\n{{{link}}}", e.verificationExpiry,
                    e.verificationIgnore,
                ],
                html: hello + "<p>\(either(html(e.verificationLead), html(e.verificationLeadNeutral)))</p>\n"
                    + linkBlock(e, action: e.verificationAction)
                    + muted(e.verificationExpiry) + muted(e.verificationIgnore, size: 13))
        ) { a, _ in a }
        result.merge(
            email(
                "email/account-exists.\(tag)", subject: either(e.accountExistsSubject, e.accountExistsSubjectNeutral),
                text: [e.greeting, either(text(e.accountExistsLead), e.accountExistsLeadNeutral), e.accountExistsFooter],
                html: hello + "<p>\(either(html(e.accountExistsLead), html(e.accountExistsLeadNeutral)))</p>\n"
                    + muted(e.accountExistsFooter, size: 13))
        ) { a, _ in a }
        result.merge(
            email(
                "email/email-change-notice.\(tag)", subject: either(e.emailChangeSubject, e.emailChangeSubjectNeutral),
                text: [e.greeting, either(text(e.emailChangeLead), text(e.emailChangeLeadNeutral)), e.emailChangeFooter],
                html: hello + "<p>\(either(html(e.emailChangeLead), html(e.emailChangeLeadNeutral)))</p>\n"
                    + muted(e.emailChangeFooter, size: 13))
        ) { a, _ in a }
        result.merge(
            email(
                "email/password-reset.\(tag)", subject: e.resetSubject,
                text: [e.greeting, text(e.resetAsked), e.linkIntro + "\n{{{link}}}", text(e.resetExpiry), e.resetIgnore],
                html: hello + "<p>\(html(e.resetAsked))</p>\n" + linkBlock(e, action: e.resetAction) + muted(e.resetExpiry)
                    + muted(e.resetIgnore, size: 13))
        ) { a, _ in a }
        result.merge(
            email(
                "email/password-reset-external.\(tag)", subject: e.resetExternalSubject,
                text: [e.greeting, text(e.resetExternalLead), e.resetExternalIgnore],
                html: hello + "<p>\(html(e.resetExternalLead))</p>\n" + muted(e.resetExternalIgnore, size: 13))
        ) { a, _ in a }
        return result
    }

    static var all: [String: String] {
        PageLanguage.allCases.reduce(into: [:]) { result, language in result.merge(templates(language)) { a, _ in a } }
    }
}
