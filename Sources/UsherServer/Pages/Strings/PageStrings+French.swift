extension PageStrings {
    static let french = PageStrings(
        common: Common(
            email: "E-mail", username: "Nom d’utilisateur", emailOrUsername: "E-mail ou nom d’utilisateur", password: "Mot de passe",
            forgotPassword: "Mot de passe oublié ?",
            passwordHint: "Au moins 10 caractères. Quelques mots sans rapport entre eux font un mot de passe solide.",
            fixFields: "Veuillez corriger les champs signalés ci-dessous.", requiredMark: "obligatoire", continueTo: "Continuer vers {app}",
            signInTo: "Se connecter à {app}", continueWith: "Continuer avec {provider}", theApplication: "l’application"
        ),
        profile: ProfileLabels(
            givenName: "Prénom", familyName: "Nom", displayName: "Nom affiché", phoneNumber: "Numéro de téléphone", locale: "Langue"),
        fieldErrors: FieldErrors(
            required: "Ce champ est obligatoire.", invalidEmail: "Cette adresse e-mail n’est pas valide.",
            passwordTooShort: "Le mot de passe doit contenir au moins {n} caractères.",
            passwordTooLong: "Le mot de passe doit contenir au plus {n} caractères.",
            passwordMismatch: "Le mot de passe et sa confirmation ne correspondent pas.",
            passwordContainsEmail: "Le mot de passe ne doit pas contenir votre adresse e-mail.",
            passwordCommon: "Ce mot de passe fait partie des plus courants ; choisissez-en un autre.",
            externalOnly: "Cette application vous demande de vous inscrire avec un fournisseur d’identité externe.",
            emailUnusable: "Cette adresse ne peut pas servir à un nouveau compte ; choisissez-en une autre."),
        signUp: SignUp(
            title: "Créer votre compte",
            lead: "Vous êtes invité à rejoindre {app}. Vérifiez vos informations et choisissez un mot de passe.",
            confirmPassword: "Confirmer le mot de passe", createAccount: "Créer le compte",
            alreadyHaveAccount: "Vous avez déjà un compte ?",
            acceptedTitle: "Votre invitation est acceptée",
            acceptedLead: "Votre compte sur {app} est prêt et vous êtes connecté. Il n’y a plus rien à faire ici."),
        signIn: SignIn(
            title: "Se connecter", lead: "pour continuer vers {app}", signIn: "Se connecter",
            wrongCredentials: "L’adresse e-mail ou le mot de passe est incorrect."),
        refusals: Refusals(
            unknownTitle: "Ce lien d’invitation n’est pas valide",
            unknownDetail:
                "Le lien est peut-être incomplet ou mal recopié. Ouvrez-le à nouveau depuis l’e-mail d’invitation, ou demandez une nouvelle invitation à la personne qui vous a invité.",
            revokedTitle: "Cette invitation a été retirée",
            revokedDetail:
                "L’invitation de ce lien a été révoquée. Si vous avez toujours besoin d’un accès, demandez une nouvelle invitation à la personne qui vous a invité.",
            replacedTitle: "Ce lien a été remplacé",
            replacedDetail:
                "Un e-mail d’invitation plus récent a été envoyé, et seul son lien fonctionne. Ouvrez l’e-mail d’invitation le plus récent, ou demandez une nouvelle invitation.",
            usedTitle: "Cette invitation a déjà été utilisée",
            usedDetail:
                "Un compte a déjà été créé avec cette invitation. Connectez-vous plutôt à l’application ; si ce n’était pas vous, contactez la personne qui vous a invité.",
            expiredTitle: "Cette invitation a expiré",
            expiredDetail:
                "Les liens d’invitation ont une durée limitée, et celui-ci est périmé. Demandez à la personne qui vous a invité de renvoyer l’invitation.",
            otherApplicationTitle: "Cette invitation concerne une autre application",
            otherApplicationDetail: "Ouvrez le lien d’invitation de l’e-mail tel quel ; il vous mène à la bonne application.",
            haveAccount: "Vous avez déjà un compte ?"),
        expired: Expired(
            title: "Cette invitation a expiré", expiredOn: "Cette invitation a expiré le {date}.",
            ask: "Vous pouvez en demander une nouvelle à la personne qui vous a invité.", button: "Demander une nouvelle invitation",
            alreadyAsked: "Une nouvelle invitation a déjà été demandée. Elle arrivera par e-mail.",
            sentTitle: "Nouvelle invitation demandée",
            sent: "La personne qui vous a invité sait maintenant que vous souhaitez une nouvelle invitation. Elle arrivera par e-mail."),
        passwordReset: PasswordReset(
            forgotTitle: "Réinitialiser votre mot de passe",
            forgotLead:
                "Indiquez votre compte sur {app} ({identifier}). Nous vous enverrons par e-mail un lien pour choisir un nouveau mot de passe.",
            enterEmail: "Saisissez l’adresse e-mail de votre compte.", sendLink: "Envoyer le lien", backToSignIn: "Retour à la connexion",
            sentTitle: "Consultez vos e-mails",
            sentLead:
                "Si un compte sur {app} utilise cette adresse, nous lui avons envoyé un lien pour choisir un nouveau mot de passe. Le lien fonctionne une seule fois, pendant {minutes} minutes.",
            sentHint: "Pas d’e-mail après quelques minutes ? Regardez dans vos indésirables, ou redemandez un lien.",
            resetTitle: "Choisir un nouveau mot de passe", resetLead: "pour {account}. Vos autres appareils connectés seront déconnectés.",
            newPassword: "Nouveau mot de passe", confirmNewPassword: "Confirmer le nouveau mot de passe",
            setPassword: "Enregistrer le mot de passe", doneTitle: "Votre mot de passe est modifié",
            doneLead: "Vous êtes connecté avec votre nouveau mot de passe, et déconnecté partout ailleurs.",
            manageAccount: "Gérer votre compte"),
        verification: Verification(
            confirmTitle: "Confirmer votre adresse e-mail",
            confirmLead: "Confirmez que {email} est bien votre adresse e-mail, pour l’utiliser avec votre compte.",
            confirmButton: "Confirmer l’adresse e-mail", verifiedTitle: "Votre adresse e-mail est vérifiée",
            verifiedLead: "{email} est désormais l’adresse e-mail de votre compte. Vous pouvez fermer cette page.",
            verifiedContinueLead: "{email} est désormais l’adresse e-mail de votre compte. Vous pouvez continuer vers {app}.",
            firstTitle: "Confirmez d’abord votre adresse e-mail",
            firstLead:
                "{app} a besoin d’une adresse e-mail confirmée. Nous vous avons envoyé un lien ; ouvrez-le, puis reconnectez-vous. Si vous ne trouvez pas l’e-mail, regardez dans vos courriers indésirables.",
            resendButton: "Renvoyer le lien",
            resent: "Nous vous avons envoyé un nouveau lien. Un lien précédent fonctionne aussi, jusqu’à ce que l’un d’eux soit utilisé."),
        account: Account(
            title: "Votre compte", notVerified: "pas encore vérifiée", profile: "Profil", saveProfile: "Enregistrer le profil",
            emailHeading: "Adresse e-mail",
            pendingEmail: "En attente de votre confirmation de {email} : ouvrez le lien que nous y avons envoyé.",
            resendVerification: "Renvoyer le lien de vérification", newEmail: "Nouvelle adresse e-mail",
            currentPassword: "Mot de passe actuel",
            changeEmail: "Changer d’adresse", passwordHeading: "Mot de passe",
            noPasswordYet: "Votre compte n’a pas encore de mot de passe ; vous pouvez en définir un.", newPassword: "Nouveau mot de passe",
            confirmNewPassword: "Confirmer le nouveau mot de passe", changePassword: "Changer le mot de passe",
            identitiesHeading: "Fournisseurs de connexion liés", linkedOn: "lié le {date}", unlink: "Délier {provider}",
            noIdentities: "Aucun : vous vous connectez avec votre mot de passe.", sessionsHeading: "Où vous êtes connecté",
            signedInOn: "Connecté le {date}", thisBrowser: "ce navigateur", signOut: "Se déconnecter",
            signOutEverywhereElse: "Se déconnecter partout ailleurs", deleteHeading: "Supprimer votre compte",
            deleteWarning: "Cela supprime définitivement votre compte et tout ce qu’il contient. C’est irréversible.",
            typeToConfirm: "Saisissez {word} pour confirmer", deleteButton: "Supprimer mon compte",
            deletedTitle: "Votre compte est supprimé",
            deletedLead: "Votre compte et tout ce qu’il contenait ont disparu, et vous êtes déconnecté. Vous pouvez fermer cette page.",
            profileSaved: "Votre profil est enregistré.",
            passwordChanged: "Votre mot de passe est modifié. Vos autres appareils sont déconnectés.",
            emailChangeSent: "Nous avons envoyé un lien à la nouvelle adresse. Votre e-mail change quand vous l’ouvrez et confirmez.",
            verificationSent: "Nous vous avons envoyé un lien de vérification.", sessionEnded: "Ce navigateur est déconnecté.",
            otherSessionsEnded: "Tous les autres navigateurs et applications sont déconnectés.",
            identityUnlinked: "Ce fournisseur de connexion est délié."),
        linkRefusals: LinkRefusals(
            unknownTitle: "Ce lien n’est pas valide", usedTitle: "Ce lien a déjà été utilisé", expiredTitle: "Ce lien a expiré",
            resetUnknown:
                "Vérifiez que vous avez ouvert le lien complet de l’e-mail, ou demandez-en un nouveau. Rien n’a été modifié.",
            resetUsed:
                "Chaque lien de réinitialisation du mot de passe ne fonctionne qu’une fois, et celui-ci a déjà servi (ou un lien plus récent). Rien n’a été modifié. Demandez un nouveau lien si vous en avez encore besoin.",
            resetExpired:
                "Les liens de réinitialisation du mot de passe ne sont valables que peu de temps, et celui-ci a expiré. Rien n’a été modifié. Demandez un nouveau lien.",
            verificationUnknown: "Vérifiez que vous avez ouvert le lien complet de l’e-mail. Rien n’a été modifié.",
            verificationUsed: "Chaque lien de confirmation ne fonctionne qu’une fois, et celui-ci a déjà servi. Rien n’a été modifié.",
            verificationExpired: "Les liens de confirmation sont valables 24 heures. Rien n’a été modifié.",
            supersededTitle: "Ce lien n’est plus valable",
            superseded: "Le compte n’utilise plus cette adresse e-mail. Rien n’a été modifié.",
            addressTakenTitle: "Cette adresse appartient à un autre compte",
            addressTaken:
                "Depuis votre inscription, cette adresse e-mail est devenue celle d’un autre compte ; elle ne peut donc pas devenir la vôtre. Rien n’a été modifié. Connectez-vous avec ce compte, ou utilisez une autre adresse."
        ),
        interruptions: Interruptions(
            formExpiredTitle: "Ce formulaire a expiré",
            formExpired:
                "Le formulaire n’a pas pu être vérifié (il est peut-être resté ouvert trop longtemps, ou les cookies sont bloqués). Revenez à l’application et recommencez.",
            pageExpiredTitle: "Cette page a expiré",
            signInPageExpired:
                "Cette page de connexion n’est plus valable (elle est restée ouverte trop longtemps, ou a été ouverte dans un autre navigateur). Revenez à l’application et recommencez, ou ouvrez à nouveau le lien d’invitation.",
            confirmPageExpired:
                "Cette page est restée ouverte trop longtemps. Revenez à l’application et reconnectez-vous ; la page qui s’affichera alors renverra le lien.",
            tooManyTitle: "Trop de tentatives",
            waitSeconds: "Pour votre sécurité, le nombre de tentatives est limité. Patientez {n} secondes, puis réessayez.",
            waitMinutes: "Pour votre sécurité, le nombre de tentatives est limité. Patientez {n} minutes, puis réessayez."),
        emails: Emails(
            greeting: "Bonjour,", linkIntro: "Ou ouvrez ce lien dans votre navigateur :",
            verificationSubject: "Confirmez votre adresse e-mail pour {{applicationName}}",
            verificationLead: "Merci de confirmer qu’il s’agit bien de votre adresse e-mail pour votre compte sur {{applicationName}}.",
            verificationAction: "Confirmer l’adresse e-mail", verificationExpiry: "Le lien fonctionne une seule fois, pendant 24 heures.",
            verificationIgnore: "Si vous n’avez pas créé de compte, vous pouvez ignorer cet e-mail.",
            accountExistsSubject: "Quelqu’un a tenté de créer un compte sur {{applicationName}} avec votre adresse e-mail",
            accountExistsLead:
                "Quelqu’un a tenté de créer un nouveau compte sur {{applicationName}} avec cette adresse e-mail. Elle appartient déjà à votre compte : aucun nouveau compte ne l’utilise, et votre compte reste inchangé.",
            accountExistsFooter:
                "Si c’était vous, connectez-vous plutôt avec votre compte existant. Sinon, vous pouvez ignorer cet e-mail.",
            emailChangeSubject: "Votre adresse e-mail pour {{applicationName}} va changer",
            emailChangeLead:
                "Une personne connectée à votre compte sur {{applicationName}} a demandé à changer son adresse e-mail de {{email}} en {{newEmail}}. Le changement aura lieu quand la nouvelle adresse sera confirmée par le lien que nous y avons envoyé.",
            emailChangeFooter:
                "Si c’était vous, il n’y a rien d’autre à faire. Sinon, connectez-vous, changez votre mot de passe et déconnectez-vous partout ailleurs depuis la page de votre compte, ou demandez de l’aide à votre administrateur.",
            verificationSubjectNeutral: "Confirmez votre adresse e-mail",
            verificationLeadNeutral: "Merci de confirmer qu’il s’agit bien de l’adresse e-mail de votre compte.",
            accountExistsSubjectNeutral: "Quelqu’un a tenté de créer un compte avec votre adresse e-mail",
            accountExistsLeadNeutral:
                "Quelqu’un a tenté de créer un nouveau compte avec cette adresse e-mail. Elle appartient déjà à votre compte : aucun nouveau compte ne l’utilise, et votre compte reste inchangé.",
            emailChangeSubjectNeutral: "L’adresse e-mail de votre compte va changer",
            emailChangeLeadNeutral:
                "Une personne connectée à votre compte a demandé à changer son adresse e-mail de {{email}} en {{newEmail}}. Le changement aura lieu quand la nouvelle adresse sera confirmée par le lien que nous y avons envoyé.",
            resetSubject: "Réinitialisez votre mot de passe pour {{applicationName}}",
            resetAsked:
                "Quelqu’un (vous, nous l’espérons) a demandé à réinitialiser le mot de passe de votre compte sur {{applicationName}}.",
            resetAction: "Choisir un nouveau mot de passe",
            resetExpiry:
                "Le lien fonctionne une seule fois, pendant {{minutes}} minutes. En l’utilisant, vous serez déconnecté de vos autres appareils.",
            resetIgnore: "Si vous n’êtes pas à l’origine de cette demande, ignorez cet e-mail : votre mot de passe reste inchangé.",
            resetExternalSubject: "Comment vous connecter à {{applicationName}}",
            resetExternalLead:
                "Quelqu’un (vous, nous l’espérons) a demandé à réinitialiser le mot de passe de votre compte sur {{applicationName}}. Votre compte n’a pas de mot de passe : vous vous connectez avec {{providers}}. Sur la page de connexion, choisissez « Continuer avec {{providers}} ».",
            resetExternalIgnore: "Si vous n’êtes pas à l’origine de cette demande, vous pouvez ignorer cet e-mail."),
        accountRefusals: AccountRefusals(
            wrongPassword: "Votre mot de passe actuel n’est pas correct. Rien n’a été modifié.",
            emailUnchanged: "C’est déjà votre adresse e-mail.",
            confirmDelete: "Pour supprimer votre compte, saisissez {word} dans le champ de confirmation. Rien n’a été modifié.",
            lastSignInMethod:
                "C’est votre seul moyen de vous connecter. Définissez d’abord un mot de passe ou liez un autre fournisseur de connexion, puis déliez celui-ci. Rien n’a été modifié.",
            deletionDisabled:
                "Votre compte ne peut pas être supprimé ici. Demandez à votre administrateur de le supprimer. Rien n’a été modifié."))
}
