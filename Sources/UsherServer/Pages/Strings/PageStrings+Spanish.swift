extension PageStrings {
    static let spanish = PageStrings(
        common: Common(
            email: "Correo electrónico", username: "Nombre de usuario", emailOrUsername: "Correo electrónico o nombre de usuario",
            password: "Contraseña", forgotPassword: "¿Has olvidado la contraseña?",
            passwordHint: "Al menos 10 caracteres. Unas cuantas palabras sin relación forman una contraseña segura.",
            fixFields: "Corrige los campos marcados abajo.", requiredMark: "obligatorio", continueTo: "Continuar a {app}",
            signInTo: "Iniciar sesión en {app}", continueWith: "Continuar con {provider}", theApplication: "la aplicación"),
        profile: ProfileLabels(
            givenName: "Nombre", familyName: "Apellidos", displayName: "Nombre visible", phoneNumber: "Número de teléfono", locale: "Idioma"
        ),
        fieldErrors: FieldErrors(
            required: "Este campo es obligatorio.", invalidEmail: "Esta dirección de correo no es válida.",
            passwordTooShort: "La contraseña debe tener al menos {n} caracteres.",
            passwordTooLong: "La contraseña debe tener como máximo {n} caracteres.",
            passwordMismatch: "La contraseña y su confirmación no coinciden.",
            passwordContainsEmail: "La contraseña no debe contener tu dirección de correo.",
            passwordCommon: "Esta contraseña es de las más comunes; elige otra.",
            externalOnly: "Esta aplicación te pide que te registres con un proveedor de identidad externo.",
            emailUnusable: "Esta dirección no se puede usar para una cuenta nueva; elige otra."),
        signUp: SignUp(
            title: "Crea tu cuenta", lead: "Te han invitado a {app}. Revisa tus datos y elige una contraseña.",
            confirmPassword: "Confirma la contraseña", createAccount: "Crear cuenta", alreadyHaveAccount: "¿Ya tienes una cuenta?",
            acceptedTitle: "Tu invitación está aceptada",
            acceptedLead: "Tu cuenta en {app} está lista y has iniciado sesión. No queda nada por hacer aquí."),
        signIn: SignIn(
            title: "Iniciar sesión", lead: "para continuar a {app}", signIn: "Iniciar sesión",
            wrongCredentials: "La dirección de correo o la contraseña no son correctas."),
        refusals: Refusals(
            unknownTitle: "Este enlace de invitación no es válido",
            unknownDetail:
                "Puede que el enlace esté incompleto o mal copiado. Ábrelo de nuevo desde el correo de invitación, o pide una nueva invitación a la persona que te invitó.",
            revokedTitle: "Esta invitación se ha retirado",
            revokedDetail:
                "La invitación de este enlace se ha revocado. Si aún necesitas acceso, pide una nueva invitación a la persona que te invitó.",
            replacedTitle: "Este enlace se ha sustituido",
            replacedDetail:
                "Se envió un correo de invitación más reciente, y solo funciona su enlace. Abre el correo de invitación más reciente, o pide una nueva invitación.",
            usedTitle: "Esta invitación ya se ha usado",
            usedDetail:
                "Ya se creó una cuenta con esta invitación. Inicia sesión en la aplicación; si no fuiste tú, ponte en contacto con la persona que te invitó.",
            expiredTitle: "Esta invitación ha caducado",
            expiredDetail:
                "Los enlaces de invitación duran un tiempo limitado, y este ha caducado. Pide a la persona que te invitó que te envíe la invitación de nuevo.",
            otherApplicationTitle: "Esta invitación es para otra aplicación",
            otherApplicationDetail: "Abre el enlace de invitación del correo tal cual; te lleva a la aplicación correcta.",
            haveAccount: "¿Ya tienes una cuenta?"),
        expired: Expired(
            title: "Esta invitación ha caducado", expiredOn: "Esta invitación caducó el {date}.",
            ask: "Puedes pedir una nueva a la persona que te invitó.", button: "Pedir una nueva invitación",
            alreadyAsked: "Ya se ha pedido una nueva invitación. Llegará por correo.", sentTitle: "Hemos pedido una nueva invitación",
            sent: "La persona que te invitó ya sabe que quieres una nueva invitación. Llegará por correo."),
        passwordReset: PasswordReset(
            forgotTitle: "Restablece tu contraseña",
            forgotLead: "Indica tu cuenta en {app} ({identifier}). Te enviaremos por correo un enlace para elegir una nueva contraseña.",
            enterEmail: "Escribe la dirección de correo de tu cuenta.", sendLink: "Enviar enlace", backToSignIn: "Volver a iniciar sesión",
            sentTitle: "Revisa tu correo",
            sentLead:
                "Si una cuenta en {app} usa esta dirección, le hemos enviado un enlace para elegir una nueva contraseña. El enlace funciona una sola vez, durante {minutes} minutos.",
            sentHint: "¿Ningún correo tras unos minutos? Mira en la carpeta de spam, o pídelo de nuevo.",
            resetTitle: "Elige una nueva contraseña", resetLead: "para {account}. Se cerrará la sesión en tus otros dispositivos.",
            newPassword: "Nueva contraseña", confirmNewPassword: "Confirma la nueva contraseña", setPassword: "Guardar la nueva contraseña",
            doneTitle: "Tu contraseña se ha cambiado",
            doneLead: "Has iniciado sesión con tu nueva contraseña, y se ha cerrado la sesión en todos los demás sitios.",
            manageAccount: "Gestionar tu cuenta"),
        verification: Verification(
            confirmTitle: "Confirma tu dirección de correo",
            confirmLead: "Confirma que {email} es tu dirección de correo, para usarla en tu cuenta.",
            confirmButton: "Confirmar dirección de correo", verifiedTitle: "Tu dirección de correo está verificada",
            verifiedLead: "{email} es ahora la dirección de correo de tu cuenta. Puedes cerrar esta página.",
            verifiedContinueLead: "{email} es ahora la dirección de correo de tu cuenta. Puedes continuar a {app}.",
            firstTitle: "Confirma primero tu dirección de correo",
            firstLead:
                "{app} necesita una dirección de correo confirmada. Te hemos enviado un enlace; ábrelo y vuelve a iniciar sesión. Si no encuentras el correo, revisa la carpeta de spam.",
            resendButton: "Enviar el enlace de nuevo",
            resent: "Te hemos enviado un enlace nuevo. Uno anterior también funciona, hasta que se use uno de ellos."),
        account: Account(
            title: "Tu cuenta", notVerified: "sin verificar", profile: "Perfil", saveProfile: "Guardar perfil",
            emailHeading: "Dirección de correo", pendingEmail: "Esperando a que confirmes {email}: abre el enlace que te enviamos allí.",
            resendVerification: "Enviar de nuevo el enlace de verificación", newEmail: "Nueva dirección de correo",
            currentPassword: "Contraseña actual", changeEmail: "Cambiar correo", passwordHeading: "Contraseña",
            noPasswordYet: "Tu cuenta aún no tiene contraseña; puedes crear una.", newPassword: "Nueva contraseña",
            confirmNewPassword: "Confirma la nueva contraseña", changePassword: "Cambiar contraseña",
            identitiesHeading: "Proveedores de inicio de sesión vinculados", linkedOn: "vinculado el {date}",
            unlink: "Desvincular {provider}",
            noIdentities: "Ninguno: inicias sesión con tu contraseña.", sessionsHeading: "Dónde tienes la sesión iniciada",
            signedInOn: "Sesión iniciada el {date}", thisBrowser: "este navegador", signOut: "Cerrar sesión",
            signOutEverywhereElse: "Cerrar sesión en los demás sitios", deleteHeading: "Eliminar tu cuenta",
            deleteWarning: "Esto elimina tu cuenta y todo lo que contiene, para siempre. No se puede deshacer.",
            typeToConfirm: "Escribe {word} para confirmar", deleteButton: "Eliminar mi cuenta", deletedTitle: "Tu cuenta se ha eliminado",
            deletedLead: "Tu cuenta y todo lo que contenía han desaparecido, y se ha cerrado tu sesión. Puedes cerrar esta página.",
            profileSaved: "Tu perfil se ha guardado.",
            passwordChanged: "Tu contraseña se ha cambiado. Se ha cerrado la sesión en tus otros dispositivos.",
            emailChangeSent: "Hemos enviado un enlace a la nueva dirección. Tu correo cambia cuando lo abras y confirmes.",
            verificationSent: "Te hemos enviado un enlace de verificación.", sessionEnded: "Se ha cerrado la sesión en ese navegador.",
            otherSessionsEnded: "Se ha cerrado la sesión en todos los demás navegadores y aplicaciones.",
            identityUnlinked: "Ese proveedor de inicio de sesión se ha desvinculado."),
        linkRefusals: LinkRefusals(
            unknownTitle: "Este enlace no es válido", usedTitle: "Este enlace ya se ha usado", expiredTitle: "Este enlace ha caducado",
            resetUnknown: "Comprueba que has abierto el enlace completo del correo, o pide uno nuevo. No se ha cambiado nada.",
            resetUsed:
                "Cada enlace para restablecer la contraseña funciona una sola vez, y este ya se usó (o uno más reciente). No se ha cambiado nada. Pide un enlace nuevo si todavía lo necesitas.",
            resetExpired:
                "Los enlaces para restablecer la contraseña solo funcionan durante poco tiempo, y el de este ya se ha acabado. No se ha cambiado nada. Pide un enlace nuevo.",
            verificationUnknown: "Comprueba que has abierto el enlace completo del correo. No se ha cambiado nada.",
            verificationUsed: "Cada enlace de verificación funciona una sola vez, y este ya se usó. No se ha cambiado nada.",
            verificationExpired: "Los enlaces de verificación funcionan durante 24 horas. No se ha cambiado nada.",
            supersededTitle: "Este enlace ya no es válido",
            superseded: "La cuenta ya no usa esta dirección de correo. No se ha cambiado nada.",
            addressTakenTitle: "Esta dirección pertenece a otra cuenta",
            addressTaken:
                "Desde que te registraste, esta dirección de correo pasó a ser la de otra cuenta, así que no puede ser la tuya. No se ha cambiado nada. Inicia sesión con esa cuenta o usa otra dirección."
        ),
        interruptions: Interruptions(
            formExpiredTitle: "Este formulario ha caducado",
            formExpired:
                "No se pudo verificar el formulario (quizá estuvo abierto demasiado tiempo o las cookies están bloqueadas). Vuelve a la aplicación y empieza de nuevo.",
            pageExpiredTitle: "Esta página ha caducado",
            signInPageExpired:
                "Esta página de inicio de sesión ya no es válida (estuvo abierta demasiado tiempo o se abrió en otro navegador). Vuelve a la aplicación y empieza de nuevo, o abre otra vez el enlace de la invitación.",
            confirmPageExpired:
                "Esta página estuvo abierta demasiado tiempo. Vuelve a la aplicación e inicia sesión de nuevo; la página que verás entonces enviará el enlace otra vez.",
            tooManyTitle: "Demasiados intentos",
            waitSeconds: "Por tu seguridad, los intentos están limitados. Espera {n} segundos y vuelve a intentarlo.",
            waitMinutes: "Por tu seguridad, los intentos están limitados. Espera {n} minutos y vuelve a intentarlo."),
        emails: Emails(
            greeting: "Hola:", linkIntro: "O abre este enlace en tu navegador:",
            verificationSubject: "Confirma tu dirección de correo para {{applicationName}}",
            verificationLead: "Confirma que esta es tu dirección de correo para tu cuenta en {{applicationName}}.",
            verificationAction: "Confirmar dirección de correo", verificationExpiry: "El enlace funciona una sola vez, durante 24 horas.",
            verificationIgnore: "Si no has creado ninguna cuenta, puedes ignorar este correo.",
            accountExistsSubject: "Alguien intentó crear una cuenta en {{applicationName}} con tu dirección de correo",
            accountExistsLead:
                "Alguien intentó crear una cuenta nueva en {{applicationName}} con esta dirección de correo. Ya pertenece a tu cuenta, así que ninguna cuenta nueva la usa, y tu cuenta no cambia.",
            accountExistsFooter: "Si fuiste tú, inicia sesión con tu cuenta actual. Si no, puedes ignorar este correo.",
            emailChangeSubject: "Tu dirección de correo para {{applicationName}} va a cambiar",
            emailChangeLead:
                "Alguien con la sesión iniciada en tu cuenta de {{applicationName}} ha pedido cambiar su dirección de correo de {{email}} a {{newEmail}}. El cambio se hará cuando se confirme la nueva dirección con el enlace que le enviamos.",
            emailChangeFooter:
                "Si fuiste tú, no tienes que hacer nada más. Si no, inicia sesión, cambia tu contraseña y cierra la sesión en los demás sitios desde la página de tu cuenta, o pide ayuda a tu administrador.",
            verificationSubjectNeutral: "Confirma tu dirección de correo",
            verificationLeadNeutral: "Confirma que esta es la dirección de correo de tu cuenta.",
            accountExistsSubjectNeutral: "Alguien intentó crear una cuenta con tu dirección de correo",
            accountExistsLeadNeutral:
                "Alguien intentó crear una cuenta nueva con esta dirección de correo. Ya pertenece a tu cuenta, así que ninguna cuenta nueva la usa, y tu cuenta no cambia.",
            emailChangeSubjectNeutral: "La dirección de correo de tu cuenta va a cambiar",
            emailChangeLeadNeutral:
                "Alguien con la sesión iniciada en tu cuenta ha pedido cambiar su dirección de correo de {{email}} a {{newEmail}}. El cambio se hará cuando se confirme la nueva dirección con el enlace que le enviamos.",
            resetSubject: "Restablece tu contraseña de {{applicationName}}",
            resetAsked: "Alguien (esperamos que tú) ha pedido restablecer la contraseña de tu cuenta en {{applicationName}}.",
            resetAction: "Elegir una nueva contraseña",
            resetExpiry:
                "El enlace funciona una sola vez, durante {{minutes}} minutos. Al usarlo se cerrará la sesión en tus otros dispositivos.",
            resetIgnore: "Si no lo has pedido tú, puedes ignorar este correo: tu contraseña no cambia.",
            resetExternalSubject: "Cómo inicias sesión en {{applicationName}}",
            resetExternalLead:
                "Alguien (esperamos que tú) ha pedido restablecer la contraseña de tu cuenta en {{applicationName}}. Tu cuenta no tiene contraseña: inicias sesión con {{providers}}. En la página de inicio de sesión, elige «Continuar con {{providers}}».",
            resetExternalIgnore: "Si no lo has pedido tú, puedes ignorar este correo."),
        accountRefusals: AccountRefusals(
            wrongPassword: "Tu contraseña actual no es correcta. No se ha cambiado nada.",
            emailUnchanged: "Esta ya es tu dirección de correo.",
            confirmDelete: "Para eliminar tu cuenta, escribe {word} en el campo de confirmación. No se ha cambiado nada.",
            lastSignInMethod:
                "Es tu única forma de iniciar sesión. Primero establece una contraseña o vincula otro proveedor de inicio de sesión, y luego desvincula este. No se ha cambiado nada.",
            deletionDisabled: "Tu cuenta no se puede eliminar aquí. Pide a tu administrador que la elimine. No se ha cambiado nada."))
}
