extension PageStrings {
    static let english = PageStrings(
        common: Common(
            email: "Email", username: "Username", emailOrUsername: "Email or username", password: "Password",
            forgotPassword: "Forgot password?", passwordHint: "At least 10 characters. A few unrelated words make a strong password.",
            fixFields: "Please correct the fields marked below.", requiredMark: "required", continueTo: "Continue to {app}",
            signInTo: "Sign in to {app}", continueWith: "Continue with {provider}", theApplication: "the application"),
        profile: ProfileLabels(
            givenName: "Given name", familyName: "Family name", displayName: "Display name", phoneNumber: "Phone number",
            locale: "Locale"),
        fieldErrors: FieldErrors(
            required: "This field is required.", invalidEmail: "This is not a valid email address.",
            passwordTooShort: "The password must be at least {n} characters long.",
            passwordTooLong: "The password must be at most {n} characters long.",
            passwordMismatch: "The password and its confirmation do not match.",
            passwordContainsEmail: "The password must not contain your email address.",
            passwordCommon: "This password is one of the most common ones; choose another.",
            externalOnly: "This application asks you to sign up with an external identity provider.",
            emailUnusable: "This address cannot be used for a new account; choose another one."),
        signUp: SignUp(
            title: "Create your account", lead: "You were invited to {app}. Check your details and choose a password.",
            confirmPassword: "Confirm password", createAccount: "Create account", alreadyHaveAccount: "Already have an account?",
            acceptedTitle: "Your invitation is accepted",
            acceptedLead: "Your account in {app} is ready, and you are signed in. Nothing more to do here."),
        signIn: SignIn(
            title: "Sign in", lead: "to continue to {app}", signIn: "Sign in",
            wrongCredentials: "The email address or password is not right."),
        refusals: Refusals(
            unknownTitle: "This invitation link is not valid",
            unknownDetail:
                "The link may be incomplete or mistyped. Open it again from the invitation email, or ask the person who invited you for a new invitation.",
            revokedTitle: "This invitation was withdrawn",
            revokedDetail:
                "The invitation this link belonged to has been revoked. If you still need access, ask the person who invited you for a new invitation.",
            replacedTitle: "This link was replaced",
            replacedDetail:
                "A newer invitation email was sent for this invitation, and only its link works. Open the most recent invitation email, or ask for a new invitation.",
            usedTitle: "This invitation has already been used",
            usedDetail:
                "An account was already created with this invitation. Sign in to the application instead; if that was not you, contact the person who invited you.",
            expiredTitle: "This invitation has expired",
            expiredDetail:
                "Invitation links work for a limited time, and this one has run out. Ask the person who invited you to send the invitation again.",
            otherApplicationTitle: "This invitation is for another application",
            otherApplicationDetail: "Open the invitation link from the email as it is; it takes you to the right application.",
            haveAccount: "Already have an account?"),
        expired: Expired(
            title: "This invitation has expired", expiredOn: "This invitation expired on {date}.",
            ask: "You can ask the person who invited you for a new one.", button: "Ask for a new invitation",
            alreadyAsked: "A new invitation has already been asked for. It will arrive by email.",
            sentTitle: "We asked for a new invitation",
            sent: "The person who invited you has been told that you would like a new invitation. It will arrive by email."),
        passwordReset: PasswordReset(
            forgotTitle: "Reset your password",
            forgotLead: "Enter the {identifier} of your account in {app}. We will email you a link to choose a new password.",
            enterEmail: "Enter the email address of your account.", sendLink: "Send reset link", backToSignIn: "Back to sign in",
            sentTitle: "Check your email",
            sentLead:
                "If an account in {app} uses this address, we have sent it a link to choose a new password. The link works once, for {minutes} minutes.",
            sentHint: "No email after a few minutes? Check your spam folder, or ask again.", resetTitle: "Choose a new password",
            resetLead: "for {account}. Your other signed-in devices will be signed out.", newPassword: "New password",
            confirmNewPassword: "Confirm new password", setPassword: "Set new password", doneTitle: "Your password is changed",
            doneLead: "You are signed in with your new password, and signed out everywhere else.", manageAccount: "Manage your account"),
        verification: Verification(
            confirmTitle: "Confirm your email address",
            confirmLead: "Confirm that {email} is your email address, to use it for your account.",
            confirmButton: "Confirm email address", verifiedTitle: "Your email address is verified",
            verifiedLead: "{email} is now your account's email address. You can close this page.",
            verifiedContinueLead: "{email} is now your account's email address. You can go on to {app}.",
            firstTitle: "Confirm your email address first",
            firstLead:
                "{app} needs a confirmed email address. We have sent a link to your address; open it, then sign in again. If you cannot find the email, check your spam folder.",
            resendButton: "Send the link again",
            resent: "We sent you a new link. An earlier one works too, until one of them is used."),
        account: Account(
            title: "Your account", notVerified: "not verified yet", profile: "Profile", saveProfile: "Save profile",
            emailHeading: "Email address", pendingEmail: "Waiting for you to confirm {email}: open the link we sent there.",
            resendVerification: "Send the verification link again", newEmail: "New email address", currentPassword: "Current password",
            changeEmail: "Change email", passwordHeading: "Password", noPasswordYet: "Your account has no password yet; you may set one.",
            newPassword: "New password", confirmNewPassword: "Confirm new password", changePassword: "Change password",
            identitiesHeading: "Linked sign-in providers", linkedOn: "linked {date}", unlink: "Unlink {provider}",
            noIdentities: "None: you sign in with your password.", sessionsHeading: "Where you are signed in",
            signedInOn: "Signed in {date}", thisBrowser: "this browser", signOut: "Sign out",
            signOutEverywhereElse: "Sign out everywhere else",
            deleteHeading: "Delete your account",
            deleteWarning: "This deletes your account and everything it holds, for good. It cannot be undone.",
            typeToConfirm: "Type {word} to confirm", deleteButton: "Delete my account", deletedTitle: "Your account is deleted",
            deletedLead: "Your account and everything it held are gone, and you are signed out. You can close this page.",
            profileSaved: "Your profile is saved.", passwordChanged: "Your password is changed. Your other devices are signed out.",
            emailChangeSent: "We sent a link to the new address. Your email changes when you open it and confirm.",
            verificationSent: "We sent you a verification link.", sessionEnded: "That browser is signed out.",
            otherSessionsEnded: "Every other browser and application is signed out.", identityUnlinked: "That sign-in provider is unlinked."
        ),
        linkRefusals: LinkRefusals(
            unknownTitle: "This link is not valid", usedTitle: "This link has already been used", expiredTitle: "This link has expired",
            resetUnknown: "Check that you opened the whole link from the email, or ask for a new one. Nothing was changed.",
            resetUsed:
                "Each password reset link works once, and this one was used already (or a newer one was). Nothing was changed. Ask for a new link if you still need one.",
            resetExpired:
                "Password reset links work only for a short time, and this one's time is up. Nothing was changed. Ask for a new link.",
            verificationUnknown: "Check that you opened the whole link from the email. Nothing was changed.",
            verificationUsed: "Each verification link works once, and this one was used already. Nothing was changed.",
            verificationExpired: "Verification links work for 24 hours. Nothing was changed.",
            supersededTitle: "This link is no longer valid",
            superseded: "The account no longer uses this email address. Nothing was changed.",
            addressTakenTitle: "This address belongs to another account",
            addressTaken:
                "Since you signed up, this email address became the address of another account, so it cannot become yours. Nothing was changed. Sign in with that account, or use another address."
        ),
        interruptions: Interruptions(
            formExpiredTitle: "This form has expired",
            formExpired:
                "The form could not be verified (it may have been open too long, or cookies are blocked). Go back to the application and start again.",
            pageExpiredTitle: "This page has expired",
            signInPageExpired:
                "This sign-in page is no longer valid (it was open too long, or was opened in another browser). Go back to the application and start again, or open the invitation link again.",
            confirmPageExpired:
                "This page was open too long. Go back to the application and sign in again; the page you get then sends the link again.",
            tooManyTitle: "Too many attempts", waitSeconds: "For your safety, tries are limited. Wait {n} seconds, then try again.",
            waitMinutes: "For your safety, tries are limited. Wait {n} minutes, then try again."),
        emails: Emails(
            greeting: "Hello,", linkIntro: "Or open this link in your browser:",
            verificationSubject: "Confirm your email address for {{applicationName}}",
            verificationLead: "Please confirm that this is your email address for your account in {{applicationName}}.",
            verificationAction: "Confirm email address", verificationExpiry: "The link works once, for 24 hours.",
            verificationIgnore: "If you did not create an account, you can ignore this email.",
            accountExistsSubject: "Someone tried to create an account in {{applicationName}} with your email address",
            accountExistsLead:
                "Someone tried to create a new account in {{applicationName}} with this email address. It already belongs to your account, so no new account uses it, and your account is unchanged.",
            accountExistsFooter: "If this was you, sign in with your existing account instead. If it was not, you can ignore this email.",
            emailChangeSubject: "Your email address for {{applicationName}} is about to change",
            emailChangeLead:
                "Someone signed in to your account in {{applicationName}} asked to change its email address from {{email}} to {{newEmail}}. The change happens when the new address is confirmed with the link we sent to it.",
            emailChangeFooter:
                "If this was you, there is nothing more to do here. If it was not, sign in, change your password and sign out everywhere else from your account page, or ask your administrator for help.",
            verificationSubjectNeutral: "Confirm your email address",
            verificationLeadNeutral: "Please confirm that this is the email address of your account.",
            accountExistsSubjectNeutral: "Someone tried to create an account with your email address",
            accountExistsLeadNeutral:
                "Someone tried to create a new account with this email address. It already belongs to your account, so no new account uses it, and your account is unchanged.",
            emailChangeSubjectNeutral: "Your account's email address is about to change",
            emailChangeLeadNeutral:
                "Someone signed in to your account asked to change its email address from {{email}} to {{newEmail}}. The change happens when the new address is confirmed with the link we sent to it.",
            resetSubject: "Reset your password for {{applicationName}}",
            resetAsked: "Someone (hopefully you) asked to reset the password of your account in {{applicationName}}.",
            resetAction: "Choose a new password",
            resetExpiry: "The link works once, for {{minutes}} minutes. When you use it, your other signed-in devices are signed out.",
            resetIgnore: "If you did not ask for this, you can ignore this email: your password stays as it is.",
            resetExternalSubject: "How you sign in to {{applicationName}}",
            resetExternalLead:
                "Someone (hopefully you) asked to reset the password of your account in {{applicationName}}. Your account has no password: you sign in with {{providers}}. On the sign-in page, choose “Continue with {{providers}}”.",
            resetExternalIgnore: "If you did not ask for this, you can ignore this email."),
        accountRefusals: AccountRefusals(
            wrongPassword: "Your current password is not right. Nothing was changed.",
            emailUnchanged: "This is already your email address.",
            confirmDelete: "To delete your account, type {word} in the confirmation field. Nothing was changed.",
            lastSignInMethod:
                "This is your only way to sign in. Set a password first, or link another sign-in provider, then unlink this one. Nothing was changed.",
            deletionDisabled: "Your account cannot be deleted here. Ask your administrator to delete it. Nothing was changed."))
}
