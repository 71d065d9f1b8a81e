import Fluent
import Foundation
import SQLKit
import UsherCore

/// Bulk invitations (SPEC: Bulk, issue 17): a dry run, and jobs that `BulkInvitationWorker`
/// carries out row by row through `InvitationService.create`, so every rule of a single
/// invitation applies to each row.
struct BulkInvitationService {
    let db: any Database
    let context: UsherContext

    /// A row ready to run: the create body it stands for, or why it cannot be created.
    struct PreparedRow: Sendable {
        var row: Int
        var email: String
        var body: [String: JSONValue]
        var request: InvitationRequest?
        var problem: BulkRowProblem?
    }

    /// Resolves groups (ids or names of this store), reads each row as a single create would,
    /// checks the application once, and marks later rows repeating an email as errors.
    func prepare(store: String, _ rows: [BulkParsedRow]) async throws -> [PreparedRow] {
        _ = try await IdentityStoreService(db: db).require(store)
        let groups = try await resolveGroups(store: store, rows)
        var seen: [String: Int] = [:]
        var prepared: [PreparedRow] = []
        var targetChecked = false
        for parsed in rows {
            var body = parsed.fields
            let ids = parsed.groupTokens.compactMap { groups[$0] }
            if !ids.isEmpty { body["groups"] = .array(ids.map { .object(["id": .string($0)]) }) }
            var row = PreparedRow(row: parsed.row, email: parsed.email, body: body)
            let request: InvitationRequest
            do {
                request = try InvitationRequest.read(JSONObjectReader(body))
            } catch let error as UsherError where error.status == 400 && !Self.isTargetError(error) {
                row.problem = BulkRowProblem(error)
                prepared.append(row)
                continue
            }
            if !targetChecked {
                // The application is the same for every row: a wrong one fails the whole request.
                let (_, target) = try await InvitationService(db: db, context: context).resolveTarget(request)
                try InvitationRules.checkInvitable(target, store: store)
                targetChecked = true
            }
            if let first = seen[request.email.normalized] {
                row.problem = BulkRowProblem(
                    UsherError.badRequest(
                        .requestInvalid, "This email address is also on row \(first) of this request.",
                        fieldErrors: [FieldError("email", "repeats row \(first)")]))
            } else {
                seen[request.email.normalized] = parsed.row
                row.request = request
            }
            prepared.append(row)
        }
        return prepared
    }

    private static func isTargetError(_ error: UsherError) -> Bool {
        error.fieldErrors.contains { $0.field == "clientId" || $0.field == "applicationId" }
    }

    /// Group ids or names → ids of this store's groups. An unknown name, or a group of another
    /// store, fails the whole request (nothing is written).
    private func resolveGroups(store: String, _ rows: [BulkParsedRow]) async throws -> [String: String] {
        let tokens = Set(rows.flatMap(\.groupTokens))
        if tokens.isEmpty { return [:] }
        let own = try await GroupModel.query(on: db).filter(\.$store == store).all()
        var byToken: [String: String] = [:]
        for group in own {
            byToken[group.name] = group.id!.idString
            byToken[group.id!.idString] = group.id!.idString
        }
        for parsed in rows {
            for token in parsed.groupTokens where byToken[token] == nil && byToken[token.lowercased()] == nil {
                if let uuid = UUID(uuidString: token), let other = try await GroupModel.find(uuid, on: db) {
                    try GroupService.requireSameStore([other], store: store)
                }
                throw UsherError.badRequest(
                    .bulkUnknownGroup, "Row \(parsed.row): no group '\(token)' (id or name) exists in this identity store.",
                    fieldErrors: [FieldError("rows[\(parsed.row)].groups", "no group '\(token)' in this identity store")])
            }
        }
        for (token, id) in byToken { byToken[token.lowercased()] = byToken[token.lowercased()] ?? id }
        return byToken
    }

    // MARK: Dry run

    /// What a job would do with each row, writing nothing.
    func dryRun(store storeName: String, _ rows: [PreparedRow]) async throws -> BulkDryRunView {
        let store = try await IdentityStoreService(db: db).require(storeName)
        let pending = try await pendingInvitations(store: storeName)
        var options: AccountInvitationOptions?
        var result: [BulkDryRunRow] = []
        for row in rows {
            var verdict = BulkDryRunRow(row: row.row, email: row.email, outcome: .create)
            if let problem = row.problem {
                verdict.outcome = .error
                verdict.error = problem
            } else if let request = row.request {
                if let id = pending[request.email.normalized] {
                    verdict.outcome = .conflict
                    verdict.conflictingId = id
                } else {
                    do {
                        if options == nil {
                            options = try await InvitationService(db: db, context: context).resolveTarget(request).target.options
                        }
                        let taken =
                            store.supportsEmail ? try await AccountService.emailTaken(request.email, store: storeName, on: db) : false
                        try InvitationRules.checkExistingAccount(emailTaken: taken, options: options!)
                        try await InvitedUsername.check(request.metadata, store: store, on: db)
                        let groups = try await GroupService(db: db).resolve(request.groupIds)
                        try GroupService.requireSameStore(groups, store: storeName)
                    } catch let error as UsherError {
                        verdict.outcome = .error
                        verdict.error = BulkRowProblem(error)
                    }
                }
            }
            result.append(verdict)
        }
        let valid = result.filter { $0.outcome == .create }.count
        return BulkDryRunView(total: result.count, valid: valid, invalid: result.count - valid, rows: result)
    }

    /// Normalized email → id of its pending invitation in `store`.
    private func pendingInvitations(store: String) async throws -> [String: String] {
        let rows = try await db.sql.raw(
            "SELECT id, email_key FROM invitations WHERE store = \(bind: store) AND status = \(InvitationStatus.pending)"
        ).all()
        var result: [String: String] = [:]
        for row in rows {
            result[try row.decode(column: "email_key", as: String.self)] = try row.decode(column: "id", as: UUID.self).idString
        }
        return result
    }

    // MARK: Submit

    /// Writes the job and its rows (rows already known to fail get their result now); the
    /// worker does the rest.
    func submit(store: String, _ rows: [PreparedRow], by actor: Actor, now: Date = Date()) async throws -> BulkJobView {
        let jobId = UUID()
        try await db.write { tx in
            try await tx.sql.insertRow(
                into: "bulk_jobs",
                [
                    "id": jobId, "store": store, "status": BulkJobView.Status.RUNNING.rawValue, "total": rows.count,
                    "actor_kind": actor.kind.rawValue, "actor_id": actor.id, "actor_name": actor.displayName, "created_at": now,
                ])
            for chunk in stride(from: 0, to: rows.count, by: 400).map({ rows[$0..<min($0 + 400, rows.count)] }) {
                var insert = tx.sql.insert(into: "bulk_job_rows").columns("id", "job_id", "row_no", "email", "input", "outcome", "problem")
                for row in chunk {
                    let input = String(decoding: try JSONEncoder().encode(row.body), as: UTF8.self)
                    let outcome: String? = row.problem == nil ? nil : BulkJobRowView.Outcome.error.rawValue
                    insert = insert.values(
                        SQLBind(UUID()), SQLBind(jobId), SQLBind(row.row), SQLBind(row.email), SQLBind(input), SQLBind(outcome),
                        SQLBind(row.problem?.json))
                }
                try await insert.run()
            }
        }
        // Committed: this instance's bulk worker starts it now rather than at its next poll.
        context.bulkWakeUp()
        return try await BulkJobs(db: db).view(store: store, id: jobId, withRows: false)
    }
}
