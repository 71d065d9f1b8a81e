import Foundation
import SQLKit
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// SQLite's group commit (docs/performance.md): many writes in one transaction, each in its own
/// savepoint. A refused write must leave the others committed and itself unwritten, and a
/// group must read exactly like the same writes committed one by one.
@Suite struct GroupCommitTests {
    /// An audit entry for a made-up target: the smallest real write.
    func entry(_ target: String) -> PlannedStatement {
        Audit.statement(actor: .system, action: .invitationCreated, store: "default", targetType: "test", targetId: target)
    }

    func targets(_ t: TestApp) async throws -> Set<String> {
        struct Row: Decodable { var target_id: String }
        let rows = try await t.app.db.sql.raw("SELECT target_id FROM audit_events WHERE target_type = 'test'").all(decoding: Row.self)
        return Set(rows.map(\.target_id))
    }

    @Test func aRefusedWriteRollsBackAloneAndTheOthersCommit() async throws {
        try await TestApp.with(.sqlite) { t in
            let groupCommit = try #require(t.app.usher.groupCommit)
            struct Refused: Error {}
            var first = PlannedWrite()
            first.run(entry("first"))
            // The refused write has written a row before its read refuses: the savepoint undoes it.
            var refused = PlannedWrite()
            refused.run(entry("refused-before"))
            refused.read(PlannedStatement("SELECT 1 AS one")) { _ in throw Refused() }
            refused.run(entry("refused-after"))
            // A constraint refusing the write (the same primary key twice) is undone the same way.
            let id = UUID()
            var duplicate = PlannedWrite()
            duplicate.run(entry("duplicate-before"))
            duplicate.run(
                PlannedStatement(
                    "INSERT INTO audit_events (id, at, actor, action, target_type, target_id, details) VALUES (?, ?, 'system:usher', 'x', 'test', 'dup-1', '{}')",
                    [id, Date()]))
            duplicate.run(
                PlannedStatement(
                    "INSERT INTO audit_events (id, at, actor, action, target_type, target_id, details) VALUES (?, ?, 'system:usher', 'x', 'test', 'dup-2', '{}')",
                    [id, Date()]))
            var last = PlannedWrite()
            last.run(entry("last"))

            let before = groupCommit.groupsCommitted
            let outcomes = try await groupCommit.commit([first, refused, duplicate, last], logger: t.app.logger)
            #expect(groupCommit.groupsCommitted == before + 1, "one transaction for the four")
            #expect(outcomes.map { (try? $0.get()) != nil } == [true, false, false, true])
            #expect(throws: Refused.self) { try outcomes[1].get() }
            #expect((outcomes[2].failureValue?.isConstraintViolation) == true)
            #expect(try await targets(t) == ["first", "last"])
        }
    }

    /// Invitations sent while the writer is busy commit together in the next transaction; one of
    /// them refused by SPEC rule 7 (a pending invitation exists) is the only one not written.
    @Test func concurrentInvitationsCommitInOneGroupAndARefusalStaysAlone() async throws {
        try await TestApp.with(.sqlite) { t in
            let groupCommit = try #require(t.app.usher.groupCommit)
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let existing = try await t.invite(f, email: "taken@example.com").decode(InvitationView.self)
            let emails = ["g1@example.com", "g2@example.com", "taken@example.com", "g3@example.com", "g4@example.com"]
            let before = groupCommit.groupsCommitted

            // Hold the one SQLite writer so that every request queues behind it.
            let requests = try await SQLiteWriteLock.shared.withLock {
                let requests = emails.map { email in Task { try await t.invite(f, email: email) } }
                // Read-only wait for the requests to reach the queue; nothing else can hold them up.
                let deadline = ContinuousClock.now + .seconds(120)
                while groupCommit.waiting < emails.count, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
                return requests
            }
            var replies: [TestApp.Reply] = []
            for request in requests { replies.append(try await request.value) }

            #expect(groupCommit.groupsCommitted == before + 1, "the five in one transaction")
            #expect(replies.map(\.status) == [.created, .created, .conflict, .created, .created])
            #expect(replies[2].errorKey == ErrorKey.invitationPendingExists.rawValue)
            struct Row: Decodable { var email: String }
            let stored = try await t.app.db.sql.raw("SELECT email FROM invitations").all(decoding: Row.self).map(\.email)
            #expect(stored.sorted() == ["g1@example.com", "g2@example.com", "g3@example.com", "g4@example.com", "taken@example.com"])
            #expect(try await t.count("outbox") == 5, "one email per written invitation, none for the refused one")
            #expect(replies[2].body.contains(existing.id), "the conflict names the pending invitation")
        }
    }
}

extension Result {
    fileprivate var failureValue: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
