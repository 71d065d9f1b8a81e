extension PageStrings {
    static let german = PageStrings(
        common: Common(
            email: "E-Mail", username: "Benutzername", emailOrUsername: "E-Mail oder Benutzername", password: "Passwort",
            forgotPassword: "Passwort vergessen?",
            passwordHint: "Mindestens 10 Zeichen. Einige unzusammenhängende Wörter ergeben ein starkes Passwort.",
            fixFields: "Bitte korrigieren Sie die unten markierten Felder.", requiredMark: "Pflichtfeld", continueTo: "Weiter zu {app}",
            signInTo: "Bei {app} anmelden", continueWith: "Weiter mit {provider}", theApplication: "der Anwendung"),
        profile: ProfileLabels(
            givenName: "Vorname", familyName: "Nachname", displayName: "Anzeigename", phoneNumber: "Telefonnummer", locale: "Sprache"),
        fieldErrors: FieldErrors(
            required: "Dieses Feld ist erforderlich.", invalidEmail: "Das ist keine gültige E-Mail-Adresse.",
            passwordTooShort: "Das Passwort muss mindestens {n} Zeichen lang sein.",
            passwordTooLong: "Das Passwort darf höchstens {n} Zeichen lang sein.",
            passwordMismatch: "Das Passwort und seine Bestätigung stimmen nicht überein.",
            passwordContainsEmail: "Das Passwort darf Ihre E-Mail-Adresse nicht enthalten.",
            passwordCommon: "Dieses Passwort gehört zu den häufigsten; wählen Sie ein anderes.",
            externalOnly: "Diese Anwendung verlangt die Registrierung über einen externen Identitätsanbieter.",
            emailUnusable: "Diese Adresse kann für kein neues Konto verwendet werden; wählen Sie eine andere."),
        signUp: SignUp(
            title: "Konto erstellen", lead: "Sie wurden zu {app} eingeladen. Prüfen Sie Ihre Angaben und wählen Sie ein Passwort.",
            confirmPassword: "Passwort bestätigen", createAccount: "Konto erstellen", alreadyHaveAccount: "Sie haben bereits ein Konto?",
            acceptedTitle: "Ihre Einladung ist angenommen",
            acceptedLead: "Ihr Konto bei {app} ist eingerichtet, und Sie sind angemeldet. Hier ist nichts mehr zu tun."),
        signIn: SignIn(
            title: "Anmelden", lead: "um zu {app} zu gelangen", signIn: "Anmelden",
            wrongCredentials: "Die E-Mail-Adresse oder das Passwort ist nicht richtig."),
        refusals: Refusals(
            unknownTitle: "Dieser Einladungslink ist ungültig",
            unknownDetail:
                "Der Link ist vielleicht unvollständig oder falsch abgetippt. Öffnen Sie ihn erneut aus der Einladungs-E-Mail, oder bitten Sie die Person, die Sie eingeladen hat, um eine neue Einladung.",
            revokedTitle: "Diese Einladung wurde zurückgezogen",
            revokedDetail:
                "Die Einladung zu diesem Link wurde widerrufen. Wenn Sie weiterhin Zugang brauchen, bitten Sie die Person, die Sie eingeladen hat, um eine neue Einladung.",
            replacedTitle: "Dieser Link wurde ersetzt",
            replacedDetail:
                "Für diese Einladung wurde eine neuere E-Mail gesendet, und nur deren Link funktioniert. Öffnen Sie die neueste Einladungs-E-Mail, oder bitten Sie um eine neue Einladung.",
            usedTitle: "Diese Einladung wurde bereits verwendet",
            usedDetail:
                "Mit dieser Einladung wurde bereits ein Konto erstellt. Melden Sie sich stattdessen bei der Anwendung an; falls Sie das nicht waren, wenden Sie sich an die Person, die Sie eingeladen hat.",
            expiredTitle: "Diese Einladung ist abgelaufen",
            expiredDetail:
                "Einladungslinks gelten nur eine begrenzte Zeit, und dieser ist abgelaufen. Bitten Sie die Person, die Sie eingeladen hat, die Einladung erneut zu senden.",
            otherApplicationTitle: "Diese Einladung gilt für eine andere Anwendung",
            otherApplicationDetail: "Öffnen Sie den Einladungslink aus der E-Mail unverändert; er führt Sie zur richtigen Anwendung.",
            haveAccount: "Sie haben bereits ein Konto?"),
        expired: Expired(
            title: "Diese Einladung ist abgelaufen", expiredOn: "Diese Einladung ist am {date} abgelaufen.",
            ask: "Sie können die Person, die Sie eingeladen hat, um eine neue bitten.", button: "Neue Einladung anfordern",
            alreadyAsked: "Eine neue Einladung wurde bereits angefordert. Sie kommt per E-Mail.", sentTitle: "Neue Einladung angefordert",
            sent: "Die Person, die Sie eingeladen hat, weiß jetzt, dass Sie eine neue Einladung möchten. Sie kommt per E-Mail."),
        passwordReset: PasswordReset(
            forgotTitle: "Passwort zurücksetzen",
            forgotLead:
                "Geben Sie Ihr Konto bei {app} an ({identifier}). Wir senden Ihnen per E-Mail einen Link, mit dem Sie ein neues Passwort wählen.",
            enterEmail: "Geben Sie die E-Mail-Adresse Ihres Kontos ein.", sendLink: "Link senden", backToSignIn: "Zurück zur Anmeldung",
            sentTitle: "Sehen Sie in Ihr Postfach",
            sentLead:
                "Wenn ein Konto bei {app} diese Adresse verwendet, haben wir ihm einen Link zum Wählen eines neuen Passworts gesendet. Der Link funktioniert einmal, {minutes} Minuten lang.",
            sentHint: "Nach ein paar Minuten keine E-Mail? Sehen Sie im Spam-Ordner nach, oder fordern Sie den Link erneut an.",
            resetTitle: "Neues Passwort wählen", resetLead: "für {account}. Ihre anderen angemeldeten Geräte werden abgemeldet.",
            newPassword: "Neues Passwort", confirmNewPassword: "Neues Passwort bestätigen", setPassword: "Neues Passwort speichern",
            doneTitle: "Ihr Passwort ist geändert", doneLead: "Sie sind mit Ihrem neuen Passwort angemeldet und überall sonst abgemeldet.",
            manageAccount: "Konto verwalten"),
        verification: Verification(
            confirmTitle: "E-Mail-Adresse bestätigen",
            confirmLead: "Bestätigen Sie, dass {email} Ihre E-Mail-Adresse ist, um sie für Ihr Konto zu verwenden.",
            confirmButton: "E-Mail-Adresse bestätigen", verifiedTitle: "Ihre E-Mail-Adresse ist bestätigt",
            verifiedLead: "{email} ist jetzt die E-Mail-Adresse Ihres Kontos. Sie können diese Seite schließen.",
            verifiedContinueLead: "{email} ist jetzt die E-Mail-Adresse Ihres Kontos. Sie können jetzt mit {app} fortfahren.",
            firstTitle: "Bestätigen Sie zuerst Ihre E-Mail-Adresse",
            firstLead:
                "{app} braucht eine bestätigte E-Mail-Adresse. Wir haben Ihnen einen Link geschickt; öffnen Sie ihn und melden Sie sich dann erneut an. Wenn Sie die E-Mail nicht finden, sehen Sie im Spam-Ordner nach.",
            resendButton: "Link erneut senden",
            resent: "Wir haben Ihnen einen neuen Link geschickt. Ein früherer funktioniert ebenfalls, bis einer davon benutzt wurde."),
        account: Account(
            title: "Ihr Konto", notVerified: "noch nicht bestätigt", profile: "Profil", saveProfile: "Profil speichern",
            emailHeading: "E-Mail-Adresse",
            pendingEmail: "Wir warten auf Ihre Bestätigung von {email}: Öffnen Sie den Link, den wir dorthin gesendet haben.",
            resendVerification: "Bestätigungslink erneut senden", newEmail: "Neue E-Mail-Adresse", currentPassword: "Aktuelles Passwort",
            changeEmail: "E-Mail ändern", passwordHeading: "Passwort",
            noPasswordYet: "Ihr Konto hat noch kein Passwort; Sie können eines festlegen.",
            newPassword: "Neues Passwort", confirmNewPassword: "Neues Passwort bestätigen", changePassword: "Passwort ändern",
            identitiesHeading: "Verknüpfte Anmeldeanbieter", linkedOn: "verknüpft am {date}", unlink: "Verknüpfung mit {provider} lösen",
            noIdentities: "Keine: Sie melden sich mit Ihrem Passwort an.", sessionsHeading: "Wo Sie angemeldet sind",
            signedInOn: "Angemeldet am {date}", thisBrowser: "dieser Browser", signOut: "Abmelden",
            signOutEverywhereElse: "Überall sonst abmelden",
            deleteHeading: "Konto löschen",
            deleteWarning: "Damit löschen Sie Ihr Konto und alles, was dazugehört, endgültig. Das lässt sich nicht rückgängig machen.",
            typeToConfirm: "Geben Sie zur Bestätigung {word} ein", deleteButton: "Mein Konto löschen",
            deletedTitle: "Ihr Konto ist gelöscht",
            deletedLead: "Ihr Konto und alles, was dazugehörte, sind entfernt, und Sie sind abgemeldet. Sie können diese Seite schließen.",
            profileSaved: "Ihr Profil ist gespeichert.", passwordChanged: "Ihr Passwort ist geändert. Ihre anderen Geräte sind abgemeldet.",
            emailChangeSent:
                "Wir haben einen Link an die neue Adresse gesendet. Ihre E-Mail-Adresse ändert sich, sobald Sie ihn öffnen und bestätigen.",
            verificationSent: "Wir haben Ihnen einen Bestätigungslink gesendet.", sessionEnded: "Dieser Browser ist abgemeldet.",
            otherSessionsEnded: "Alle anderen Browser und Anwendungen sind abgemeldet.",
            identityUnlinked: "Die Verknüpfung mit diesem Anbieter ist gelöst."),
        linkRefusals: LinkRefusals(
            unknownTitle: "Dieser Link ist ungültig", usedTitle: "Dieser Link wurde bereits verwendet",
            expiredTitle: "Dieser Link ist abgelaufen",
            resetUnknown:
                "Prüfen Sie, ob Sie den vollständigen Link aus der E-Mail geöffnet haben, oder fordern Sie einen neuen an. Es wurde nichts geändert.",
            resetUsed:
                "Jeder Link zum Zurücksetzen des Passworts funktioniert nur einmal, und dieser wurde bereits verwendet (oder ein neuerer). Es wurde nichts geändert. Fordern Sie einen neuen Link an, wenn Sie noch einen brauchen.",
            resetExpired:
                "Links zum Zurücksetzen des Passworts gelten nur kurze Zeit, und die Zeit dieses Links ist abgelaufen. Es wurde nichts geändert. Fordern Sie einen neuen Link an.",
            verificationUnknown: "Prüfen Sie, ob Sie den vollständigen Link aus der E-Mail geöffnet haben. Es wurde nichts geändert.",
            verificationUsed:
                "Jeder Bestätigungslink funktioniert nur einmal, und dieser wurde bereits verwendet. Es wurde nichts geändert.",
            verificationExpired: "Bestätigungslinks gelten 24 Stunden lang. Es wurde nichts geändert.",
            supersededTitle: "Dieser Link gilt nicht mehr",
            superseded: "Das Konto verwendet diese E-Mail-Adresse nicht mehr. Es wurde nichts geändert.",
            addressTakenTitle: "Diese Adresse gehört zu einem anderen Konto",
            addressTaken:
                "Seit Ihrer Registrierung ist diese E-Mail-Adresse die Adresse eines anderen Kontos geworden und kann daher nicht Ihre werden. Es wurde nichts geändert. Melden Sie sich mit diesem Konto an, oder verwenden Sie eine andere Adresse."
        ),
        interruptions: Interruptions(
            formExpiredTitle: "Dieses Formular ist abgelaufen",
            formExpired:
                "Das Formular konnte nicht überprüft werden (es war vielleicht zu lange geöffnet, oder Cookies sind blockiert). Kehren Sie zur Anwendung zurück und beginnen Sie erneut.",
            pageExpiredTitle: "Diese Seite ist abgelaufen",
            signInPageExpired:
                "Diese Anmeldeseite gilt nicht mehr (sie war zu lange geöffnet oder wurde in einem anderen Browser geöffnet). Kehren Sie zur Anwendung zurück und beginnen Sie erneut, oder öffnen Sie den Einladungslink noch einmal.",
            confirmPageExpired:
                "Diese Seite war zu lange geöffnet. Kehren Sie zur Anwendung zurück und melden Sie sich erneut an; die Seite, die Sie dann sehen, sendet den Link erneut.",
            tooManyTitle: "Zu viele Versuche",
            waitSeconds:
                "Zu Ihrer Sicherheit ist die Zahl der Versuche begrenzt. Warten Sie {n} Sekunden, und versuchen Sie es dann erneut.",
            waitMinutes: "Zu Ihrer Sicherheit ist die Zahl der Versuche begrenzt. Warten Sie {n} Minuten, und versuchen Sie es dann erneut."
        ),
        emails: Emails(
            greeting: "Hallo,", linkIntro: "Oder öffnen Sie diesen Link in Ihrem Browser:",
            verificationSubject: "Bestätigen Sie Ihre E-Mail-Adresse für {{applicationName}}",
            verificationLead: "Bitte bestätigen Sie, dass dies die E-Mail-Adresse Ihres Kontos bei {{applicationName}} ist.",
            verificationAction: "E-Mail-Adresse bestätigen", verificationExpiry: "Der Link funktioniert einmal, 24 Stunden lang.",
            verificationIgnore: "Wenn Sie kein Konto erstellt haben, können Sie diese E-Mail ignorieren.",
            accountExistsSubject: "Jemand wollte mit Ihrer E-Mail-Adresse ein Konto bei {{applicationName}} erstellen",
            accountExistsLead:
                "Jemand wollte mit dieser E-Mail-Adresse ein neues Konto bei {{applicationName}} erstellen. Sie gehört bereits zu Ihrem Konto; kein neues Konto verwendet sie, und Ihr Konto bleibt unverändert.",
            accountExistsFooter:
                "Wenn Sie das waren, melden Sie sich stattdessen mit Ihrem bestehenden Konto an. Wenn nicht, können Sie diese E-Mail ignorieren.",
            emailChangeSubject: "Ihre E-Mail-Adresse für {{applicationName}} wird geändert",
            emailChangeLead:
                "Jemand, der bei Ihrem Konto bei {{applicationName}} angemeldet ist, hat die Änderung der E-Mail-Adresse von {{email}} in {{newEmail}} angefordert. Die Änderung gilt, sobald die neue Adresse mit dem dorthin gesendeten Link bestätigt ist.",
            emailChangeFooter:
                "Wenn Sie das waren, ist hier nichts mehr zu tun. Wenn nicht, melden Sie sich an, ändern Sie Ihr Passwort und melden Sie sich auf Ihrer Kontoseite überall sonst ab, oder bitten Sie Ihre Administration um Hilfe.",
            verificationSubjectNeutral: "Bestätigen Sie Ihre E-Mail-Adresse",
            verificationLeadNeutral: "Bitte bestätigen Sie, dass dies die E-Mail-Adresse Ihres Kontos ist.",
            accountExistsSubjectNeutral: "Jemand wollte mit Ihrer E-Mail-Adresse ein Konto erstellen",
            accountExistsLeadNeutral:
                "Jemand wollte mit dieser E-Mail-Adresse ein neues Konto erstellen. Sie gehört bereits zu Ihrem Konto; kein neues Konto verwendet sie, und Ihr Konto bleibt unverändert.",
            emailChangeSubjectNeutral: "Die E-Mail-Adresse Ihres Kontos wird geändert",
            emailChangeLeadNeutral:
                "Jemand, der bei Ihrem Konto angemeldet ist, hat die Änderung der E-Mail-Adresse von {{email}} in {{newEmail}} angefordert. Die Änderung gilt, sobald die neue Adresse mit dem dorthin gesendeten Link bestätigt ist.",
            resetSubject: "Passwort für {{applicationName}} zurücksetzen",
            resetAsked: "Jemand (hoffentlich Sie) hat angefordert, das Passwort Ihres Kontos bei {{applicationName}} zurückzusetzen.",
            resetAction: "Neues Passwort wählen",
            resetExpiry:
                "Der Link funktioniert einmal, {{minutes}} Minuten lang. Wenn Sie ihn verwenden, werden Ihre anderen angemeldeten Geräte abgemeldet.",
            resetIgnore: "Wenn Sie das nicht angefordert haben, können Sie diese E-Mail ignorieren: Ihr Passwort bleibt unverändert.",
            resetExternalSubject: "So melden Sie sich bei {{applicationName}} an",
            resetExternalLead:
                "Jemand (hoffentlich Sie) hat angefordert, das Passwort Ihres Kontos bei {{applicationName}} zurückzusetzen. Ihr Konto hat kein Passwort: Sie melden sich mit {{providers}} an. Wählen Sie auf der Anmeldeseite „Weiter mit {{providers}}“.",
            resetExternalIgnore: "Wenn Sie das nicht angefordert haben, können Sie diese E-Mail ignorieren."),
        accountRefusals: AccountRefusals(
            wrongPassword: "Ihr aktuelles Passwort ist nicht richtig. Es wurde nichts geändert.",
            emailUnchanged: "Das ist bereits Ihre E-Mail-Adresse.",
            confirmDelete: "Um Ihr Konto zu löschen, geben Sie {word} in das Bestätigungsfeld ein. Es wurde nichts geändert.",
            lastSignInMethod:
                "Dies ist Ihre einzige Möglichkeit, sich anzumelden. Legen Sie zuerst ein Passwort fest oder verknüpfen Sie einen anderen Anmeldeanbieter, und lösen Sie dann diese Verknüpfung. Es wurde nichts geändert.",
            deletionDisabled:
                "Ihr Konto kann hier nicht gelöscht werden. Bitten Sie Ihren Administrator, es zu löschen. Es wurde nichts geändert."))
}
