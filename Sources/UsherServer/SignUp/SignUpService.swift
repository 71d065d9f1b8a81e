import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import UsherCore
import Vapor

/// Accepting an invitation: SPEC journey step 4 and rule 9, in one transaction.
struct SignUpService {
    let db: any Database

    struct Accepted: Sendable {
        var accountId: UUID
        var sessionToken: String
        var code: String
    }

    /// Creates the account with its groups, marks the invitation DONE, writes the audit entry,
    /// starts a session and issues the code — all or nothing. The invitation is claimed first
    /// with a conditional update, so of two submits (on any instances) exactly one proceeds.
    /// An address the invitation did not prove gets its link or notice email from
    /// `verification`, in this transaction; in a store with EMAIL identifiers it is held
    /// pending, whether or not it is taken (SignUpAddress). Required, so that no way of signing
    /// up (a password, an upstream identity) skips it. Once committed, the outbox is woken for
    /// that email. `recording`: a statement that commits with it (the form's outcome).
    ///
    /// The transaction is a planned write (SignUpPlan): its reads and statements written out,
    /// committed on SQLite with whatever else waits for the writer (one thread switch instead
    /// of two per statement, no Fluent reflection), and its events built from what it holds.
    func accept(
        flow: LoginFlowModel, invitation: InvitationModel, submission: SignUpForm.Submission, passwordHash: String?,
        externalIdentity: ExternalIdentityInput? = nil, verification: EmailVerification, accountId: UUID = UUID(),
        recording: PlannedStatement? = nil, now: Date = Date()
    ) async throws -> Accepted {
        let context = verification.context
        let store = try await IdentityStoreService(db: db).require(invitation.store, context: context)
        let applicationGroups = try await context.read(
            PlannedStatement("SELECT group_id FROM application_groups WHERE application_id = ?", [invitation.applicationId]), on: db
        ).map { try $0.decode(column: "group_id", as: UUID.self) }
        let signUp = try SignUpPlan(
            accountId: accountId, flow: flow, invitation: invitation, store: store, applicationGroups: applicationGroups,
            submission: submission,
            passwordHash: passwordHash, externalIdentity: externalIdentity, verification: verification, recording: recording,
            postgres: !db.isSQLite, now: now)
        do {
            if db.isSQLite {
                try await db.write(signUp.plan, groupCommit: context.groupCommit)
            } else {
                // Its claim is an UPDATE … RETURNING: a read that writes, so a transaction of its own.
                try await db.write { tx in try await tx.sql.run(signUp.plan) }
            }
        } catch is SignUpPlan.LostClaim {
            // Someone else accepted it a moment ago, or it expired, was resent or revoked meanwhile.
            throw try await InvitationLink.refusalAfterLostClaim(flow: flow, on: db, now: now)
        } catch {
            // A taken username (or email, with allowEmailMismatch); an upstream identity linked
            // to another account stays a constraint error (FederationRoutes tells it apart).
            throw AccountService.conflict(error, signUp.account) ?? error
        }
        context.mailWakeUp()
        return Accepted(accountId: signUp.accountId, sessionToken: signUp.sessionToken, code: signUp.code)
    }
}

/// An upstream identity to link at sign-up (the external login issue fills this in).
struct ExternalIdentityInput: Sendable {
    var providerId: UUID
    var issuer: String
    var subject: String
    var email: String?

    /// Its row, linked to the new account.
    func statement(accountId: UUID, now: Date) -> PlannedStatement {
        .insert(
            into: ExternalIdentityModel.schema,
            [
                ("id", UUID()), ("account_id", accountId), ("provider_id", providerId), ("issuer", issuer), ("subject", subject),
                ("email", email), ("created_at", now),
            ])
    }

    /// As the account's view shows it.
    func view(now: Date) -> ExternalIdentityView {
        ExternalIdentityView(providerId: providerId.idString, issuer: issuer, subject: subject, email: email, linked: now)
    }
}
