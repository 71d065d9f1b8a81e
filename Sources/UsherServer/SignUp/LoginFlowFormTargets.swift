extension LoginFlowModel {
    /// Where the forms of a sign-in or sign-up page may lead (the Content-Security-Policy's
    /// form-action): the application's redirect URI, and each upstream provider the page
    /// offers (its issuer's origin; the authorization endpoint is on it for the providers we know).
    func formTargets(_ providers: [ExternalLoginProviderModel]) -> [String] {
        [redirectURI] + providers.map(\.issuer)
    }
}
