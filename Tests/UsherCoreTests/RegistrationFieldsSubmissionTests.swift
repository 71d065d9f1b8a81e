import Testing

@testable import UsherCore

/// The one reading of a profile form under a policy's field modes (sign-up form, account page).
@Suite struct RegistrationFieldsSubmissionTests {
    let fields = RegistrationFields([
        .givenName: .readOnly, .familyName: .required, .displayName: .hidden, .phoneNumber: .editable, .locale: .hidden,
    ])
    let kept = Profile(givenName: "Carol", familyName: "Smith", displayName: "CJ", phoneNumber: "+36 1 111 1111", locale: "en-GB")

    @Test func hiddenAndReadOnlyFieldsKeepTheirValueWhateverIsPosted() {
        var validator = Validator()
        let posted = [
            "givenName": "Mallory", "familyName": "  Jones ", "displayName": "Evil", "phoneNumber": "", "locale": "xx",
        ]
        let profile = fields.submitted(posted, keeping: kept, into: &validator)
        #expect(validator.errors.isEmpty)
        #expect(profile.givenName == "Carol" && profile.displayName == "CJ" && profile.locale == "en-GB")
        // Editable and required fields take what was posted: trimmed, and empty means none.
        #expect(profile.familyName == "Jones" && profile.phoneNumber == nil)
    }

    @Test func aRequiredFieldCannotBeLeftEmpty() {
        var validator = Validator()
        _ = fields.submitted(["familyName": "   "], keeping: kept, into: &validator)
        #expect(validator.errors.map(\.field) == ["familyName"])
        var missing = Validator()
        _ = fields.submitted([:], keeping: kept, into: &missing)
        #expect(missing.errors.map(\.field) == ["familyName"])
    }
}
