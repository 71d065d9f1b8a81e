/// The password reset email in the languages the invitation email speaks besides en-US (the
/// account's `locale` picks one, with the usual fallbacks; PasswordResetTemplates holds en-US).
enum PasswordResetTranslations {
    struct Language {
        var tag: String
        var subject: String  // {{applicationName}}
        var greeting: String
        var asked: String  // {{applicationName}}
        var action: String
        var linkIntro: String
        var expiry: String  // {{minutes}}
        var ignore: String
    }

    static let languages: [Language] = [
        Language(
            tag: "de-DE", subject: "Passwort für {{applicationName}} zurücksetzen", greeting: "Hallo,",
            asked: "Jemand (hoffentlich Sie) hat angefordert, das Passwort Ihres Kontos bei {{applicationName}} zurückzusetzen.",
            action: "Neues Passwort wählen", linkIntro: "Oder öffnen Sie diesen Link in Ihrem Browser:",
            expiry:
                "Der Link funktioniert einmal, {{minutes}} Minuten lang. Wenn Sie ihn verwenden, werden Ihre anderen angemeldeten Geräte abgemeldet.",
            ignore: "Wenn Sie das nicht angefordert haben, können Sie diese E-Mail ignorieren: Ihr Passwort bleibt unverändert."),
        Language(
            tag: "fr-FR", subject: "Réinitialisez votre mot de passe pour {{applicationName}}", greeting: "Bonjour,",
            asked: "Quelqu’un (vous, nous l’espérons) a demandé à réinitialiser le mot de passe de votre compte sur {{applicationName}}.",
            action: "Choisir un nouveau mot de passe", linkIntro: "Ou ouvrez ce lien dans votre navigateur :",
            expiry:
                "Le lien fonctionne une seule fois, pendant {{minutes}} minutes. En l’utilisant, vous serez déconnecté de vos autres appareils.",
            ignore: "Si vous n’êtes pas à l’origine de cette demande, ignorez cet e-mail : votre mot de passe reste inchangé."),
        Language(
            tag: "es-ES", subject: "Restablece tu contraseña de {{applicationName}}", greeting: "Hola:",
            asked: "Alguien (esperamos que tú) ha pedido restablecer la contraseña de tu cuenta en {{applicationName}}.",
            action: "Elegir una nueva contraseña", linkIntro: "O abre este enlace en tu navegador:",
            expiry:
                "El enlace funciona una sola vez, durante {{minutes}} minutos. Al usarlo se cerrará la sesión en tus otros dispositivos.",
            ignore: "Si no lo has pedido tú, puedes ignorar este correo: tu contraseña no cambia."),
        Language(
            tag: "hu-HU", subject: "Jelszó visszaállítása: {{applicationName}}", greeting: "Üdvözöljük!",
            asked: "Valaki (reméljük, Ön) kérte a(z) {{applicationName}} fiókja jelszavának visszaállítását.",
            action: "Új jelszó megadása", linkIntro: "Vagy nyissa meg ezt a hivatkozást a böngészőjében:",
            expiry: "A hivatkozás egyszer használható, {{minutes}} percig. Használatakor a többi eszközén kijelentkezteti a rendszer.",
            ignore: "Ha nem Ön kérte, hagyja figyelmen kívül ezt az e-mailt: a jelszava nem változik."),
    ]

    private static func unescaped(_ s: String) -> String {
        s.replacingOccurrences(of: "{{", with: "{{{").replacingOccurrences(of: "}}", with: "}}}")
    }

    static var all: [String: String] {
        var result: [String: String] = [:]
        for l in languages {
            let base = "email/password-reset.\(l.tag)"
            // Plain text and subjects are not HTML: their variables go in unescaped ({{{…}}}).
            result["\(base).subject"] = unescaped(l.subject)
            result["\(base).text"] = """
                \(l.greeting)

                \(unescaped(l.asked))

                \(l.linkIntro)
                {{{link}}}

                \(l.expiry)

                \(l.ignore)

                """
            result["\(base).html"] = """
                {{<email_layout}}{{$body}}
                <p>\(l.greeting)</p>
                <p>\(l.asked)</p>
                <p style="text-align:center;margin:32px 0;"><a href="{{link}}" style="\(PasswordResetTemplates.button)">\(l.action)</a></p>
                <p style="font-size:14px;color:#52606d;">\(l.linkIntro)<br><a href="{{link}}" style="color:#2457d6;word-break:break-all;">{{link}}</a></p>
                <p style="font-size:14px;color:#52606d;">\(l.expiry)</p>
                <p style="font-size:13px;color:#7b8794;">\(l.ignore)</p>
                {{/body}}{{/email_layout}}
                """
        }
        return result
    }
}
