import Vapor

/// `/selfServicePolicies`: what invitees may see and change while they sign up (`*:config`).
struct SelfServicePolicyRoutes: ServerResourceRoutes {
    static let collection = "selfServicePolicies"
    static let readScope = AdminScope.readConfig
    static let writeScope = AdminScope.writeConfig

    func service(_ req: Request) -> SelfServicePolicyService { SelfServicePolicyService(db: req.db) }
}
