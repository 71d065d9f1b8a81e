import Fluent
import Foundation
import SQLKit
import UsherCore
import Vapor

extension SignUpPages {
    /// What the sign-up form needs, read once per request: the flow with its client, the
    /// client's application and its policy, and the invitation's language, in one joined read
    /// (on SQLite on the calling thread, `UsherContext.read`), then the invitation through its
    /// owner (`InvitationLink`). A page and its submission each did eight Fluent reads here.
    static func load(_ req: Request, flowId: String?) async throws -> Context {
        guard let flowId, flowId.count < 100 else { throw PageRefusal.signInPageExpired.error }
        let row = try await req.usher.read(PlannedStatement(formRead, [flowId]), on: req.db).first
        let flow = try LoginFlows.usable(try row?.decode(model: LoginFlowRow.self).model, request: req)
        let joined = try row.map { try $0.decode(model: FormRow.self) }
        let clientApplication = joined?.application
        if let clientApplication {
            // A refusal below names the application and offers its sign-in (issue 22 item 7).
            req.pageApplication = .init(name: clientApplication.name, loginURL: joined?.c_login_url)
        }
        if let language = joined?.i_language {
            req.choosePageLanguage(language)
        }
        // The invitation may have been used, resent, revoked or expired since the form was opened.
        let invitation = try await InvitationLink.usableInvitation(for: flow, on: req.db, context: req.usher)
        var application = clientApplication
        var policy = joined?.policy
        if application?.id != invitation.applicationId {
            // Not the client's application (never so far): read the invitation's own.
            application = try await ApplicationModel.find(invitation.applicationId, on: req.db)
            policy = nil
            if let application { policy = try await SelfServicePolicyModel.find(application.policyId, on: req.db) }
        }
        guard let application, let invited = EmailAddress(invitation.email) else {
            throw UsherError.notFound("application", invitation.applicationId.idString)
        }
        let metadata = JSONText.decode([String: JSONValue].self, invitation.metadata) ?? [:]
        let form = SignUpForm(
            invitedEmail: invited, prefill: InvitationRequest.profile(from: metadata),
            fields: policy?.fields ?? RegistrationFields(), options: policy?.invitationOptions ?? AccountInvitationOptions())
        let providers =
            application === clientApplication && joined?.has_providers == false
            ? [] : try await ExternalLoginProviderService.enabled(for: application.id!, on: req.db)
        return Context(
            flow: flow, invitation: invitation, application: application, form: form, providers: providers,
            verifiedEmailRequired: joined?.p_require_verified_email == true)
    }

    /// The flow's row (`f.*`) and, prefixed, its client's login URL, the client's application
    /// and policy, the invitation's language, and whether the application offers upstream providers.
    private static let formRead = """
        SELECT f.*, c.login_url AS c_login_url,
          a.id AS a_id, a.name AS a_name, a.store AS a_store, a.protocol AS a_protocol, a.policy_id AS a_policy_id,
          a.description AS a_description, a.created_at AS a_created_at,
          p.id AS p_id, p.name AS p_name, p.invitation_enabled AS p_invitation_enabled,
          p.allow_email_mismatch AS p_allow_email_mismatch, p.force_external_login AS p_force_external_login,
          p.link_max_age_hours AS p_link_max_age_hours, p.reminder_hours AS p_reminder_hours,
          p.notify_inviter_on_expiry AS p_notify_inviter_on_expiry, p.require_verified_email AS p_require_verified_email,
          p.registration_fields AS p_registration_fields, p.created_at AS p_created_at,
          i.language AS i_language,
          EXISTS (SELECT 1 FROM application_login_providers lp WHERE lp.application_id = a.id) AS has_providers
        FROM login_flows f
        LEFT JOIN oidc_clients c ON c.client_id = f.client_id
        LEFT JOIN applications a ON a.id = c.application_id
        LEFT JOIN self_service_policies p ON p.id = a.policy_id
        LEFT JOIN invitations i ON i.id = f.invitation_id
        WHERE f.id = ?
        """

    private struct FormRow: Decodable {
        var c_login_url: String?
        var a_id: UUID?
        var a_name: String?
        var a_store: String?
        var a_protocol: String?
        var a_policy_id: UUID?
        var a_description: String?
        var a_created_at: Date?
        var p_id: UUID?
        var p_name: String?
        var p_invitation_enabled: Bool?
        var p_allow_email_mismatch: Bool?
        var p_force_external_login: Bool?
        var p_link_max_age_hours: Int?
        var p_reminder_hours: String?
        var p_notify_inviter_on_expiry: Bool?
        var p_require_verified_email: Bool?
        var p_registration_fields: String?
        var p_created_at: Date?
        var i_language: String?
        var has_providers: Bool?

        var application: ApplicationModel? {
            guard let a_id, let a_name, let a_store, let a_protocol, let a_policy_id, let a_created_at else { return nil }
            let m = ApplicationModel()
            m.id = a_id
            m.name = a_name
            m.store = a_store
            m.protocolKind = a_protocol
            m.policyId = a_policy_id
            m.appDescription = a_description
            m.createdAt = a_created_at
            m.$id.exists = true
            return m
        }

        var policy: SelfServicePolicyModel? {
            guard let p_id, let p_name, let p_invitation_enabled, let p_allow_email_mismatch, let p_force_external_login,
                let p_link_max_age_hours, let p_registration_fields, let p_created_at
            else { return nil }
            let m = SelfServicePolicyModel()
            m.id = p_id
            m.name = p_name
            m.invitationEnabled = p_invitation_enabled
            m.allowEmailMismatch = p_allow_email_mismatch
            m.forceUsingExternalLogin = p_force_external_login
            m.linkMaxAgeHours = p_link_max_age_hours
            m.reminderHours = p_reminder_hours
            m.notifyInviterOnExpiry = p_notify_inviter_on_expiry
            m.requireVerifiedEmail = p_require_verified_email
            m.registrationFields = p_registration_fields
            m.createdAt = p_created_at
            m.$id.exists = true
            return m
        }
    }
}
