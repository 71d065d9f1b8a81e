extension PageStrings {
    static let hungarian = PageStrings(
        common: Common(
            email: "E-mail-cím", username: "Felhasználónév", emailOrUsername: "E-mail-cím vagy felhasználónév", password: "Jelszó",
            forgotPassword: "Elfelejtette a jelszavát?",
            passwordHint: "Legalább 10 karakter. Néhány egymáshoz nem kapcsolódó szó erős jelszót ad.",
            fixFields: "Javítsa az alább megjelölt mezőket.", requiredMark: "kötelező", continueTo: "Tovább ide: {app}",
            signInTo: "Bejelentkezés ide: {app}", continueWith: "Folytatás ezzel: {provider}", theApplication: "az alkalmazás"),
        profile: ProfileLabels(
            givenName: "Utónév", familyName: "Vezetéknév", displayName: "Megjelenített név", phoneNumber: "Telefonszám", locale: "Nyelv"),
        fieldErrors: FieldErrors(
            required: "Ezt a mezőt ki kell tölteni.", invalidEmail: "Ez nem érvényes e-mail-cím.",
            passwordTooShort: "A jelszónak legalább {n} karakter hosszúnak kell lennie.",
            passwordTooLong: "A jelszó legfeljebb {n} karakter hosszú lehet.", passwordMismatch: "A jelszó és a megerősítése nem egyezik.",
            passwordContainsEmail: "A jelszó nem tartalmazhatja az e-mail-címét.",
            passwordCommon: "Ez a jelszó a leggyakoribbak egyike; válasszon másikat.",
            externalOnly: "Ez az alkalmazás külső identitásszolgáltatóval kéri a regisztrációt.",
            emailUnusable: "Ez a cím nem használható új fiókhoz; válasszon másikat."),
        signUp: SignUp(
            title: "Fiók létrehozása", lead: "Meghívást kapott ide: {app}. Ellenőrizze az adatait, és válasszon jelszót.",
            confirmPassword: "Jelszó megerősítése", createAccount: "Fiók létrehozása", alreadyHaveAccount: "Már van fiókja?",
            acceptedTitle: "A meghívást elfogadta",
            acceptedLead: "A fiókja elkészült itt: {app}, és be is jelentkezett. Itt nincs több teendője."),
        signIn: SignIn(
            title: "Bejelentkezés", lead: "a folytatáshoz: {app}", signIn: "Bejelentkezés",
            wrongCredentials: "Az e-mail-cím vagy a jelszó nem megfelelő."),
        refusals: Refusals(
            unknownTitle: "Ez a meghívó hivatkozás érvénytelen",
            unknownDetail:
                "Lehet, hogy a hivatkozás hiányos vagy elgépelt. Nyissa meg újra a meghívó e-mailből, vagy kérjen új meghívót attól, aki meghívta.",
            revokedTitle: "Ezt a meghívót visszavonták",
            revokedDetail:
                "A hivatkozáshoz tartozó meghívót visszavonták. Ha továbbra is hozzáférésre van szüksége, kérjen új meghívót attól, aki meghívta.",
            replacedTitle: "Ezt a hivatkozást lecserélték",
            replacedDetail:
                "Ehhez a meghívóhoz újabb e-mailt küldtek, és csak annak a hivatkozása működik. Nyissa meg a legutóbbi meghívó e-mailt, vagy kérjen új meghívót.",
            usedTitle: "Ezt a meghívót már felhasználták",
            usedDetail:
                "Ezzel a meghívóval már létrehoztak egy fiókot. Jelentkezzen be inkább az alkalmazásba; ha nem Ön volt, forduljon ahhoz, aki meghívta.",
            expiredTitle: "Ez a meghívó lejárt",
            expiredDetail:
                "A meghívó hivatkozások csak korlátozott ideig érvényesek, és ez lejárt. Kérje meg azt, aki meghívta, hogy küldje el újra.",
            otherApplicationTitle: "Ez a meghívó egy másik alkalmazáshoz szól",
            otherApplicationDetail: "Nyissa meg a meghívó hivatkozást az e-mailből változtatás nélkül; a megfelelő alkalmazáshoz visz.",
            haveAccount: "Már van fiókja?"),
        expired: Expired(
            title: "Ez a meghívó lejárt", expiredOn: "Ez a meghívó lejárt: {date}.", ask: "Kérhet újat attól, aki meghívta.",
            button: "Új meghívó kérése", alreadyAsked: "Új meghívót már kértek. E-mailben érkezik.", sentTitle: "Új meghívót kértünk",
            sent: "Aki meghívta, már tudja, hogy új meghívót szeretne. E-mailben érkezik."),
        passwordReset: PasswordReset(
            forgotTitle: "Jelszó visszaállítása",
            forgotLead: "Adja meg a fiókját itt: {app} ({identifier}). E-mailben küldünk egy hivatkozást, amellyel új jelszót választhat.",
            enterEmail: "Adja meg a fiókja e-mail-címét.", sendLink: "Hivatkozás küldése", backToSignIn: "Vissza a bejelentkezéshez",
            sentTitle: "Nézze meg a postafiókját",
            sentLead:
                "Ha egy fiók ezt a címet használja itt: {app}, küldtünk neki egy hivatkozást új jelszó választásához. A hivatkozás egyszer használható, {minutes} percig.",
            sentHint: "Néhány perc után sincs e-mail? Nézze meg a levélszemét mappát, vagy kérje újra.", resetTitle: "Új jelszó választása",
            resetLead: "ehhez: {account}. A többi bejelentkezett eszközén kijelentkezteti a rendszer.", newPassword: "Új jelszó",
            confirmNewPassword: "Új jelszó megerősítése", setPassword: "Új jelszó mentése", doneTitle: "A jelszava megváltozott",
            doneLead: "Az új jelszavával bejelentkezett, és minden más helyen kijelentkezett.", manageAccount: "Fiók kezelése"),
        verification: Verification(
            confirmTitle: "E-mail-cím megerősítése",
            confirmLead: "Erősítse meg, hogy a(z) {email} az Ön e-mail-címe, hogy a fiókjához használhassa.",
            confirmButton: "E-mail-cím megerősítése", verifiedTitle: "Az e-mail-címe megerősítve",
            verifiedLead: "A(z) {email} mostantól a fiókja e-mail-címe. Bezárhatja ezt az oldalt.",
            verifiedContinueLead: "A(z) {email} mostantól a fiókja e-mail-címe. Továbbléphet ide: {app}.",
            firstTitle: "Először erősítse meg az e-mail-címét",
            firstLead:
                "A(z) {app} megerősített e-mail-címet kér. Küldtünk Önnek egy hivatkozást; nyissa meg, majd jelentkezzen be újra. Ha nem találja az e-mailt, nézze meg a levélszemét mappát.",
            resendButton: "Hivatkozás újraküldése",
            resent: "Új hivatkozást küldtünk. A korábbi is működik, amíg valamelyiküket fel nem használják."),
        account: Account(
            title: "Az Ön fiókja", notVerified: "még nincs megerősítve", profile: "Profil", saveProfile: "Profil mentése",
            emailHeading: "E-mail-cím", pendingEmail: "Várjuk, hogy megerősítse ezt: {email}. Nyissa meg az oda küldött hivatkozást.",
            resendVerification: "Megerősítő hivatkozás újraküldése", newEmail: "Új e-mail-cím", currentPassword: "Jelenlegi jelszó",
            changeEmail: "E-mail-cím módosítása", passwordHeading: "Jelszó",
            noPasswordYet: "A fiókjának még nincs jelszava; beállíthat egyet.",
            newPassword: "Új jelszó", confirmNewPassword: "Új jelszó megerősítése", changePassword: "Jelszó módosítása",
            identitiesHeading: "Összekapcsolt bejelentkezési szolgáltatók", linkedOn: "összekapcsolva: {date}",
            unlink: "{provider} leválasztása", noIdentities: "Nincs: a jelszavával jelentkezik be.",
            sessionsHeading: "Hol van bejelentkezve",
            signedInOn: "Bejelentkezve: {date}", thisBrowser: "ez a böngésző", signOut: "Kijelentkezés",
            signOutEverywhereElse: "Kijelentkezés minden más helyen", deleteHeading: "Fiók törlése",
            deleteWarning: "Ezzel végleg törli a fiókját és mindent, ami hozzá tartozik. Nem vonható vissza.",
            typeToConfirm: "A megerősítéshez írja be: {word}", deleteButton: "Fiókom törlése", deletedTitle: "A fiókját töröltük",
            deletedLead: "A fiókja és minden, ami hozzá tartozott, törölve, és kijelentkezett. Bezárhatja ezt az oldalt.",
            profileSaved: "A profilját mentettük.", passwordChanged: "A jelszava megváltozott. A többi eszközén kijelentkezett.",
            emailChangeSent: "Küldtünk egy hivatkozást az új címre. Az e-mail-címe akkor változik meg, amikor megnyitja és megerősíti.",
            verificationSent: "Küldtünk Önnek egy megerősítő hivatkozást.", sessionEnded: "Abban a böngészőben kijelentkezett.",
            otherSessionsEnded: "Minden más böngészőben és alkalmazásban kijelentkezett.",
            identityUnlinked: "A bejelentkezési szolgáltatót leválasztottuk."),
        linkRefusals: LinkRefusals(
            unknownTitle: "Ez a link érvénytelen", usedTitle: "Ezt a linket már felhasználták", expiredTitle: "Ez a link lejárt",
            resetUnknown: "Ellenőrizze, hogy a teljes linket nyitotta-e meg az e-mailből, vagy kérjen újat. Semmi sem változott.",
            resetUsed:
                "Minden jelszó-visszaállító link csak egyszer működik, és ezt (vagy egy újabbat) már felhasználták. Semmi sem változott. Ha még szüksége van rá, kérjen új linket.",
            resetExpired:
                "A jelszó-visszaállító linkek csak rövid ideig érvényesek, és ennek az ideje lejárt. Semmi sem változott. Kérjen új linket.",
            verificationUnknown: "Ellenőrizze, hogy a teljes linket nyitotta-e meg az e-mailből. Semmi sem változott.",
            verificationUsed: "Minden megerősítő link csak egyszer működik, és ezt már felhasználták. Semmi sem változott.",
            verificationExpired: "A megerősítő linkek 24 óráig érvényesek. Semmi sem változott.",
            supersededTitle: "Ez a link már nem érvényes",
            superseded: "A fiók már nem ezt az e-mail-címet használja. Semmi sem változott.",
            addressTakenTitle: "Ez a cím egy másik fiókhoz tartozik",
            addressTaken:
                "A regisztrációja óta ez az e-mail-cím egy másik fiók címe lett, ezért nem lehet az Öné. Semmi sem változott. Jelentkezzen be azzal a fiókkal, vagy használjon másik címet."
        ),
        interruptions: Interruptions(
            formExpiredTitle: "Ez az űrlap lejárt",
            formExpired:
                "Az űrlapot nem sikerült ellenőrizni (lehet, hogy túl sokáig volt nyitva, vagy a sütik le vannak tiltva). Térjen vissza az alkalmazáshoz, és kezdje újra.",
            pageExpiredTitle: "Ez az oldal lejárt",
            signInPageExpired:
                "Ez a bejelentkezési oldal már nem érvényes (túl sokáig volt nyitva, vagy egy másik böngészőben nyitották meg). Térjen vissza az alkalmazáshoz, és kezdje újra, vagy nyissa meg újra a meghívó linkjét.",
            confirmPageExpired:
                "Ez az oldal túl sokáig volt nyitva. Térjen vissza az alkalmazáshoz, és jelentkezzen be újra; az akkor megjelenő oldal újra elküldi a linket.",
            tooManyTitle: "Túl sok próbálkozás",
            waitSeconds: "Az Ön biztonsága érdekében a próbálkozások száma korlátozott. Várjon {n} másodpercet, majd próbálja újra.",
            waitMinutes: "Az Ön biztonsága érdekében a próbálkozások száma korlátozott. Várjon {n} percet, majd próbálja újra."),
        emails: Emails(
            greeting: "Üdvözöljük!", linkIntro: "Vagy nyissa meg ezt a hivatkozást a böngészőjében:",
            verificationSubject: "Erősítse meg az e-mail-címét: {{applicationName}}",
            verificationLead: "Kérjük, erősítse meg, hogy ez az Ön e-mail-címe a(z) {{applicationName}} fiókjához.",
            verificationAction: "E-mail-cím megerősítése", verificationExpiry: "A hivatkozás egyszer használható, 24 óráig.",
            verificationIgnore: "Ha nem hozott létre fiókot, hagyja figyelmen kívül ezt az e-mailt.",
            accountExistsSubject: "Valaki fiókot próbált létrehozni az e-mail-címével: {{applicationName}}",
            accountExistsLead:
                "Valaki új fiókot próbált létrehozni ezzel az e-mail-címmel itt: {{applicationName}}. A cím már az Ön fiókjához tartozik, így új fiók nem használja, és a fiókja változatlan.",
            accountExistsFooter: "Ha Ön volt, jelentkezzen be inkább a meglévő fiókjával. Ha nem, hagyja figyelmen kívül ezt az e-mailt.",
            emailChangeSubject: "Hamarosan megváltozik az e-mail-címe: {{applicationName}}",
            emailChangeLead:
                "Valaki, aki be van jelentkezve a(z) {{applicationName}} fiókjába, kérte, hogy az e-mail-cím {{email}} helyett {{newEmail}} legyen. A változás akkor történik meg, amikor az új címet az oda küldött hivatkozással megerősítik.",
            emailChangeFooter:
                "Ha Ön volt, nincs további teendője. Ha nem, jelentkezzen be, változtassa meg a jelszavát, és a fiókoldalán jelentkezzen ki minden más helyen, vagy kérjen segítséget a rendszergazdától.",
            verificationSubjectNeutral: "Erősítse meg az e-mail-címét",
            verificationLeadNeutral: "Kérjük, erősítse meg, hogy ez a fiókja e-mail-címe.",
            accountExistsSubjectNeutral: "Valaki fiókot próbált létrehozni az e-mail-címével",
            accountExistsLeadNeutral:
                "Valaki új fiókot próbált létrehozni ezzel az e-mail-címmel. A cím már az Ön fiókjához tartozik, így új fiók nem használja, és a fiókja változatlan.",
            emailChangeSubjectNeutral: "Hamarosan megváltozik a fiókja e-mail-címe",
            emailChangeLeadNeutral:
                "Valaki, aki be van jelentkezve a fiókjába, kérte, hogy az e-mail-cím {{email}} helyett {{newEmail}} legyen. A változás akkor történik meg, amikor az új címet az oda küldött hivatkozással megerősítik.",
            resetSubject: "Jelszó visszaállítása: {{applicationName}}",
            resetAsked: "Valaki (reméljük, Ön) kérte a(z) {{applicationName}} fiókja jelszavának visszaállítását.",
            resetAction: "Új jelszó megadása",
            resetExpiry: "A hivatkozás egyszer használható, {{minutes}} percig. Használatakor a többi eszközén kijelentkezteti a rendszer.",
            resetIgnore: "Ha nem Ön kérte, hagyja figyelmen kívül ezt az e-mailt: a jelszava nem változik.",
            resetExternalSubject: "Így jelentkezhet be: {{applicationName}}",
            resetExternalLead:
                "Valaki (reméljük, Ön) kérte a(z) {{applicationName}} fiókja jelszavának visszaállítását. A fiókjának nincs jelszava: ezzel jelentkezik be: {{providers}}. A bejelentkezési oldalon válassza a „Folytatás ezzel: {{providers}}” lehetőséget.",
            resetExternalIgnore: "Ha nem Ön kérte, hagyja figyelmen kívül ezt az e-mailt."),
        accountRefusals: AccountRefusals(
            wrongPassword: "A jelenlegi jelszava nem helyes. Semmi sem változott.",
            emailUnchanged: "Ez már az Ön e-mail-címe.",
            confirmDelete: "A fiókja törléséhez írja be a megerősítő mezőbe: {word}. Semmi sem változott.",
            lastSignInMethod:
                "Ez az egyetlen módja a bejelentkezésnek. Előbb állítson be jelszót, vagy kapcsoljon hozzá egy másik bejelentkezési szolgáltatót, majd ezt válassza le. Semmi sem változott.",
            deletionDisabled: "A fiókja itt nem törölhető. Kérje meg a rendszergazdát, hogy törölje. Semmi sem változott."))
}
