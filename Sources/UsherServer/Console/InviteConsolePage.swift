import Foundation

/// `console/invite`: the Invite Customer form, kept as typed when the service refused it, with
/// each refusal shown beside its field.
struct InviteConsolePage {
    struct Application {
        var id: String
        var name: String
        var selected: Bool
    }

    /// A profile attribute the inviter may fill in (stored as the invitation's metadata).
    struct ProfileField {
        var name: String
        var label: String
        var value: String
        var error: String?
    }

    /// One "group" select of the form (rows are added and removed without JavaScript).
    struct GroupRow {
        var index: Int
        var options: [GroupOption]
    }

    struct GroupOption {
        var id: String
        var name: String
        var selected: Bool
    }

    struct Language {
        var tag: String
        var name: String
        var selected: Bool
    }

    var store: String
    var stores: [StoreOption]
    var applications: [Application]
    /// SAML2 applications cannot invite (SPEC rule 1): they are named, not offered.
    var samlApplications: String
    var hasSaml: Bool
    var email: String
    /// A store with USERNAME asks for the account's username (issue 24 item 7).
    var usesUsername: Bool
    var usernameRequired: Bool
    var username: String
    var profile: [ProfileField]
    var groupRows: [GroupRow]
    var hasGroups: Bool
    var languages: [Language]
    var emailError: String?
    var usernameError: String?
    var applicationError: String?
    var groupsError: String?
    var languageError: String?
    var formError: String?
    /// Sent back with the form: one invitation however many times it is submitted.
    var idempotencyKey: String
    /// The Organization picker, and the Roles one once an organization is chosen (issue 16).
    var organizations: [InviteOrganizationPicker.Option] = []
    var organizationChosen = false
    var roles: [InviteOrganizationPicker.Role] = []
    var organizationError: String?
    var rolesError: String?
}
