import Foundation
import Testing

@testable import UsherCore

/// SPEC rules 1–11 as pure functions, without a server.
@Suite struct InvitationRulesTests {
    func target(
        _ proto: ApplicationProtocol = .oidc, store: String = "default", client: String? = "c1",
        login: String? = "https://app.example.com/login", options: AccountInvitationOptions = .init()
    ) -> InvitationTarget {
        InvitationTarget(
            applicationName: "Shop", applicationStore: store, protocolKind: proto, clientId: client, loginURL: login, options: options)
    }

    func errorKey(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let e as UsherError { return e.errorKey.rawValue } catch { return "\(error)" }
    }

    @Test func anOIDCApplicationWithALoginURLCanBeInvitedTo() throws {
        try InvitationRules.checkInvitable(target(), store: "default")
    }

    @Test func rule1_saml2IsRefusedWithTheSpecMessage() {
        do {
            try InvitationRules.checkInvitable(target(.saml2, client: nil, login: nil), store: "default")
            Issue.record("SAML2 was accepted")
        } catch let error as UsherError {
            #expect(error.status == 400)
            #expect(error.detail.contains("SAML2 applications do not support customer invitation"))
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func rule2_noLoginURLOrDisabledPolicyIsRefused() {
        #expect(errorKey { try InvitationRules.checkInvitable(target(login: nil), store: "default") } == "invitation.noLoginUrl")
        #expect(errorKey { try InvitationRules.checkInvitable(target(login: ""), store: "default") } == "invitation.noLoginUrl")
        #expect(
            errorKey { try InvitationRules.checkInvitable(target(options: .init(enabled: false)), store: "default") }
                == "invitation.disabled")
        #expect(errorKey { try InvitationRules.checkInvitable(target(client: nil), store: "default") } == "invitation.noClient")
    }

    @Test func rule3_applicationAndGroupsMustBeInTheStore() {
        #expect(
            errorKey { try InvitationRules.checkInvitable(target(store: "other"), store: "default") } == "invitation.applicationNotInStore")
        #expect(
            errorKey { try InvitationRules.checkGroups([("g1", "default"), ("g2", "other")], store: "default") }
                == "invitation.groupNotInStore")
        #expect(errorKey { try InvitationRules.checkGroups([("g1", "default")], store: "default") } == nil)
    }

    @Test func rule5_readOnlyInviteMethodAndExistingAccountIsAlwaysDenied() {
        #expect(
            errorKey { try InvitationRules.checkExistingAccount(emailTaken: true, options: .init(allowEmailMismatch: false)) }
                == "account.emailExists")
        // Even with everything else switched on, rule 5 holds.
        #expect(
            errorKey {
                try InvitationRules.checkExistingAccount(
                    emailTaken: true, options: .init(enabled: true, allowEmailMismatch: false, forceUsingExternalLogin: true))
            } == "account.emailExists")
        #expect(errorKey { try InvitationRules.checkExistingAccount(emailTaken: false, options: .init()) } == nil)
    }

    @Test func rule6_allowEmailMismatchLetsTheInvitationGoOut() {
        #expect(errorKey { try InvitationRules.checkExistingAccount(emailTaken: true, options: .init(allowEmailMismatch: true)) } == nil)
    }

    @Test func rule6_anotherAddressIsNotVerifiedByTheLink() throws {
        let invited = EmailAddress("jane@example.com")!
        let same = try InvitationRules.acceptedEmail(invited: invited, chosen: EmailAddress("Jane@Example.com"), options: .init())
        #expect(same.verified)
        let other = try InvitationRules.acceptedEmail(
            invited: invited, chosen: EmailAddress("j@elsewhere.example"), options: .init(allowEmailMismatch: true))
        #expect(other.email.value == "j@elsewhere.example")
        #expect(!other.verified)
        #expect(
            errorKey {
                _ = try InvitationRules.acceptedEmail(invited: invited, chosen: EmailAddress("j@elsewhere.example"), options: .init())
            } == "signup.emailMismatch")
    }

    @Test func rule7_aPendingDuplicateNamesTheConflictingInvitation() {
        do {
            try InvitationRules.checkNoPendingDuplicate(existingPendingId: "abc")
            Issue.record("duplicate accepted")
        } catch let error as UsherError {
            #expect(error.status == 409)
            #expect(error.errorKey == .invitationPendingExists)
            #expect(error.conflictingId == "abc")
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func rule8_groupsAreTheUnionWithoutDuplicates() {
        #expect(InvitationRules.groupsOnAcceptance(invited: ["a", "b"], application: ["b", "c"]) == ["a", "b", "c"])
        #expect(InvitationRules.groupsOnAcceptance(invited: [], application: []) == [])
    }

    @Test func rule9_statusFollowsValidUntil() {
        let now = Date()
        #expect(InvitationRules.status(storedDone: false, validUntil: now.addingTimeInterval(1), now: now) == .pending)
        #expect(InvitationRules.status(storedDone: false, validUntil: now, now: now) == .expired)
        #expect(InvitationRules.status(storedDone: true, validUntil: now.addingTimeInterval(-100), now: now) == .done)
        let options = AccountInvitationOptions(linkMaxAgeHours: 5)
        #expect(InvitationRules.validUntil(from: now, options: options) == now.addingTimeInterval(5 * 3600))
    }

    @Test func rules10and11_doneInvitationsAreNotResentButCanBeRevoked() {
        #expect(errorKey { try InvitationRules.checkResendable(.done) } == "invitation.alreadyAccepted")
        #expect((try? InvitationRules.checkResendable(.done)) == nil)
        do { try InvitationRules.checkResendable(.done) } catch let e as UsherError { #expect(e.status == 400) } catch {}
        #expect(errorKey { try InvitationRules.checkResendable(.expired) } == nil)
        #expect(errorKey { try InvitationRules.checkResendable(.pending) } == nil)
        #expect(InvitationRules.linkRefusalAfterRevoke(.done) == .used)
        #expect(InvitationRules.linkRefusalAfterRevoke(.pending) == .revoked)
    }

    @Test func linkMaxAgeHoursIsBounded() {
        var v = Validator()
        AccountInvitationOptions(linkMaxAgeHours: 0).validate(into: &v, prefix: "")
        #expect(!v.errors.isEmpty)
        var w = Validator()
        AccountInvitationOptions(linkMaxAgeHours: 720).validate(into: &w, prefix: "")
        #expect(w.errors.isEmpty)
    }
}

@Suite struct InvitationLinkRefusalTests {
    typealias Facts = InvitationLinkRefusal.Facts

    @Test func eachDeadEndHasItsRefusal() {
        #expect(InvitationLinkRefusal.check(Facts(status: .pending)) == nil)
        #expect(InvitationLinkRefusal.check(Facts(status: nil)) == .unknown)
        #expect(InvitationLinkRefusal.check(Facts(status: nil, retiredBecause: .revoked)) == .revoked)
        #expect(InvitationLinkRefusal.check(Facts(status: nil, retiredBecause: .replaced)) == .replaced)
        #expect(InvitationLinkRefusal.check(Facts(status: .done)) == .used)
        #expect(InvitationLinkRefusal.check(Facts(status: .expired)) == .expired)
        #expect(InvitationLinkRefusal.check(Facts(status: .pending, isForItsClient: false)) == .otherApplication)
    }

    @Test func aReplacedLinkIsRefusedEvenWhileItsInvitationIsPending() {
        #expect(InvitationLinkRefusal.check(Facts(status: .pending, isCurrentLink: false)) == .replaced)
    }

    @Test func everyRefusalHasItsOwnKeyAndMessage() {
        let errors = InvitationLinkRefusal.allCases.map(\.error)
        #expect(Set(errors.map(\.errorKey)).count == InvitationLinkRefusal.allCases.count)
        #expect(Set(errors.map(\.title)).count == InvitationLinkRefusal.allCases.count)
        #expect(errors.allSatisfy { !$0.detail.localizedCaseInsensitiveContains("account with this email") })
    }
}
