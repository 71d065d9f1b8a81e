import Foundation

/// The built-in invitation emails. Each language has a subject, a plain-text and an HTML
/// template; the HTML ones share `email/layout`. An operator overrides any of them with a file
/// of the same name under USHER_TEMPLATES_DIR (see docs/templates.md).
enum EmailTemplates {
    struct Language {
        var tag: String
        var subject: String
        var greeting: String  // {{recipientName}} may appear
        var greetingAnonymous: String
        var invited: String  // {{inviterName}}, {{applicationName}}
        var action: String  // button text
        var linkIntro: String
        var expiry: String  // {{validUntil}}
        var ignore: String
        var reminderSubject: String  // {{inviterName}}, {{applicationName}}
        var reminderLead: String
    }

    static let languages: [Language] = [
        Language(
            tag: "en-US",
            subject: "{{inviterName}} invited you to {{applicationName}}",
            greeting: "Hello {{recipientName}},", greetingAnonymous: "Hello,",
            invited:
                "{{inviterName}} invited you to create your account in {{applicationName}}. Your sign-up form is ready and already filled in with what we know about you.",
            action: "Create your account", linkIntro: "Or open this link in your browser:",
            expiry: "The link works until {{validUntil}}.",
            ignore: "If you did not expect this invitation, you can ignore this email.",
            reminderSubject: "Reminder: {{inviterName}} invited you to {{applicationName}}",
            reminderLead: "Your invitation is still waiting for you."),
        Language(
            tag: "de-DE",
            subject: "{{inviterName}} hat Sie zu {{applicationName}} eingeladen",
            greeting: "Hallo {{recipientName}},", greetingAnonymous: "Hallo,",
            invited:
                "{{inviterName}} hat Sie eingeladen, Ihr Konto bei {{applicationName}} zu erstellen. Ihr Registrierungsformular ist bereits mit Ihren Angaben ausgefüllt.",
            action: "Konto erstellen", linkIntro: "Oder öffnen Sie diesen Link in Ihrem Browser:",
            expiry: "Der Link ist gültig bis {{validUntil}}.",
            ignore: "Wenn Sie diese Einladung nicht erwartet haben, können Sie diese E-Mail ignorieren.",
            reminderSubject: "Erinnerung: {{inviterName}} hat Sie zu {{applicationName}} eingeladen",
            reminderLead: "Ihre Einladung wartet noch auf Sie."),
        Language(
            tag: "fr-FR",
            subject: "{{inviterName}} vous invite à rejoindre {{applicationName}}",
            greeting: "Bonjour {{recipientName}},", greetingAnonymous: "Bonjour,",
            invited:
                "{{inviterName}} vous invite à créer votre compte sur {{applicationName}}. Votre formulaire d’inscription est prêt et déjà prérempli.",
            action: "Créer mon compte", linkIntro: "Ou ouvrez ce lien dans votre navigateur :",
            expiry: "Le lien est valable jusqu’au {{validUntil}}.",
            ignore: "Si vous n’attendiez pas cette invitation, vous pouvez ignorer cet e-mail.",
            reminderSubject: "Rappel : {{inviterName}} vous invite à rejoindre {{applicationName}}",
            reminderLead: "Votre invitation vous attend toujours."),
        Language(
            tag: "es-ES",
            subject: "{{inviterName}} te ha invitado a {{applicationName}}",
            greeting: "Hola, {{recipientName}}:", greetingAnonymous: "Hola:",
            invited:
                "{{inviterName}} te ha invitado a crear tu cuenta en {{applicationName}}. Tu formulario de registro ya está listo y completado con tus datos.",
            action: "Crear mi cuenta", linkIntro: "O abre este enlace en tu navegador:",
            expiry: "El enlace es válido hasta el {{validUntil}}.",
            ignore: "Si no esperabas esta invitación, puedes ignorar este correo.",
            reminderSubject: "Recordatorio: {{inviterName}} te ha invitado a {{applicationName}}",
            reminderLead: "Tu invitación todavía te está esperando."),
        Language(
            tag: "hu-HU",
            subject: "{{inviterName}} meghívta Önt: {{applicationName}}",
            greeting: "Kedves {{recipientName}}!", greetingAnonymous: "Üdvözöljük!",
            invited:
                "{{inviterName}} meghívta Önt, hogy hozza létre fiókját itt: {{applicationName}}. A regisztrációs űrlap már elkészült, és ki van töltve az Önről ismert adatokkal.",
            action: "Fiók létrehozása", linkIntro: "Vagy nyissa meg ezt a hivatkozást a böngészőjében:",
            expiry: "A hivatkozás eddig érvényes: {{validUntil}}.",
            ignore: "Ha nem számított erre a meghívásra, nyugodtan hagyja figyelmen kívül ezt az e-mailt.",
            reminderSubject: "Emlékeztető: {{inviterName}} meghívta Önt: {{applicationName}}",
            reminderLead: "A meghívása még mindig Önre vár."),
    ]

    static let layout = """
        <!DOCTYPE html>
        <html lang="{{lang}}">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{applicationName}}</title></head>
        <body style="margin:0;padding:0;background:#f4f5f7;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1f2933;">
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7;padding:32px 0;">
        <tr><td align="center">
        <table role="presentation" width="560" cellpadding="0" cellspacing="0" style="background:#ffffff;border-radius:8px;padding:32px;max-width:560px;">
        <tr><td style="font-size:16px;line-height:1.5;">
        {{$body}}{{/body}}
        </td></tr>
        </table>
        </td></tr>
        </table>
        </body>
        </html>
        """

    private static func unescaped(_ s: String) -> String {
        s.replacingOccurrences(of: "{{", with: "{{{").replacingOccurrences(of: "}}", with: "}}}")
    }

    static var all: [String: String] {
        var result = ["email_layout": layout]
        for l in languages {
            let base = "email/invitation.\(l.tag)"
            // Plain text and subjects are not HTML: their variables go in unescaped ({{{…}}}).
            result["\(base).subject"] = unescaped(l.subject)
            result["\(base).text"] = """
                {{#hasRecipientName}}\(unescaped(l.greeting)){{/hasRecipientName}}{{^hasRecipientName}}\(l.greetingAnonymous){{/hasRecipientName}}

                \(unescaped(l.invited))

                \(l.linkIntro)
                {{{link}}}

                \(unescaped(l.expiry))

                \(l.ignore)

                """
            result["\(base).html"] = """
                {{<email_layout}}{{$body}}
                <p>{{#hasRecipientName}}\(l.greeting){{/hasRecipientName}}{{^hasRecipientName}}\(l.greetingAnonymous){{/hasRecipientName}}</p>
                <p>\(l.invited)</p>
                <p style="text-align:center;margin:32px 0;"><a href="{{link}}" style="background:#2457d6;color:#ffffff;text-decoration:none;padding:12px 24px;border-radius:6px;font-weight:600;display:inline-block;">\(l.action)</a></p>
                <p style="font-size:14px;color:#52606d;">\(l.linkIntro)<br><a href="{{link}}" style="color:#2457d6;word-break:break-all;">{{link}}</a></p>
                <p style="font-size:14px;color:#52606d;">\(l.expiry)</p>
                <p style="font-size:13px;color:#7b8794;">\(l.ignore)</p>
                {{/body}}{{/email_layout}}
                """
        }
        for l in languages {
            // A reminder is the invitation again, with the same link, under its own subject.
            let invitation = "email/invitation.\(l.tag)"
            let base = "email/reminder.\(l.tag)"
            result["\(base).subject"] = unescaped(l.reminderSubject)
            result["\(base).text"] = "\(l.reminderLead)\n\n" + (result["\(invitation).text"] ?? "")
            result["\(base).html"] = (result["\(invitation).html"] ?? "").replacingOccurrences(
                of: "{{$body}}\n", with: "{{$body}}\n<p><strong>\(l.reminderLead)</strong></p>\n")
        }
        // To the administrator who invited, when the invitation expired unaccepted (English:
        // the console's language).
        result["email/invitation-expired.en-US.subject"] = "Your invitation to {{{email}}} expired unaccepted"
        result["email/invitation-expired.en-US.text"] = """
            The invitation you sent to {{{email}}} for {{{applicationName}}} expired on {{{validUntil}}} without being accepted.

            To invite them again, resend it from the console:
            {{{consoleLink}}}

            """
        result["email/invitation-expired.en-US.html"] = """
            {{<email_layout}}{{$body}}
            <p>The invitation you sent to <strong>{{email}}</strong> for {{applicationName}} expired on {{validUntil}} without being accepted.</p>
            <p>To invite them again, <a href="{{consoleLink}}" style="color:#2457d6;">resend it from the console</a>.</p>
            {{/body}}{{/email_layout}}
            """
        return result
    }
}
