import Foundation
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Bulk invitations through the API (SPEC: Beyond the seed, Bulk), on both databases. The
/// worker is driven by hand: `drain` runs it until no job is left.
@Suite struct BulkInvitationTests {
    static let bulk = "/admin/api/v1/identityStores/default/invite/bulk"

    static func csv(_ t: TestApp, _ text: String, query: String, token: String, headers extra: HTTPHeaders = [:]) async throws
        -> TestApp.Reply
    {
        try await raw(t, Data(text.utf8), query: query, token: token, headers: extra)
    }

    static func raw(_ t: TestApp, _ data: Data, query: String, token: String, headers extra: HTTPHeaders = [:]) async throws
        -> TestApp.Reply
    {
        var headers = extra
        headers.bearerAuthorization = .init(token: token)
        headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        let response = try await t.app.testing().sendRequest(.POST, bulk + "?" + query, headers: headers, body: ByteBuffer(data: data))
        return TestApp.Reply(status: response.status, headers: response.headers, body: String(buffer: response.body))
    }

    static func drain(_ t: TestApp) async throws {
        let worker = BulkInvitationWorker(db: t.app.db, context: t.app.usher)
        while try await worker.runOnce() {}
    }

    /// Everything a request may write, to show that it wrote nothing.
    static func counts(_ t: TestApp) async throws -> [Int] {
        [try await t.count("invitations"), try await t.count("outbox"), try await t.count("bulk_jobs"), try await t.count("bulk_job_rows")]
    }

    @Test(arguments: TestDatabase.available)
    func aDryRunTellsEachRowsOutcomeAndWritesNothing(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let existing = try await t.invite(f, email: "taken@example.com")
            let before = try await Self.counts(t)
            let reply = try await Self.csv(
                t,
                "\u{FEFF}email,givenName,groups\r\nann@example.com,Ann,\r\nnot-an-email,Bob,\r\ntaken@example.com,,\r\nANN@example.com,,\r\n",
                query: "dryRun=true&clientId=\(f.clientId)", token: token)
            #expect(reply.status == .ok, "\(reply.body)")
            #expect(reply["dryRun"] as? Bool == true)
            #expect(reply["total"] as? Int == 4)
            #expect(reply["valid"] as? Int == 1)
            #expect(reply["invalid"] as? Int == 3)
            let rows = reply["rows"] as? [[String: Any]] ?? []
            #expect(rows.map { $0["outcome"] as? String } == ["create", "error", "conflict", "error"])
            #expect(rows[2]["conflictingId"] as? String == existing["id"] as? String)
            #expect((rows[1]["error"] as? [String: Any])?["errorKey"] as? String == "request.invalid")
            #expect(try await Self.counts(t) == before)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aJSONJobCreatesExactlyTheValidRowsWithAResultPerRow(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let vip = try await t.group(token: token, name: "VIP")
            let existing = try await t.invite(f, email: "taken@example.com")
            let body = """
                {"clientId":"\(f.clientId)","language":"de","groups":["VIP"],"invitations":[
                  {"email":"a@example.com","metadata":{"givenName":"Ada"}},
                  {"email":"nope"},
                  {"email":"taken@example.com"},
                  {"email":"b@example.com","language":"fr","groups":[{"id":"\(vip)"}]},
                  {"email":"A@example.com"}]}
                """
            let reply = try await t.send(.POST, Self.bulk, json: body, token: token)
            #expect(reply.status == .accepted, "\(reply.body)")
            let id = try #require(reply["id"] as? String)
            #expect(reply.headers.first(name: .location) == "\(Self.bulk)/\(id)")
            #expect(reply["status"] as? String == "RUNNING")
            #expect(reply["total"] as? Int == 5)
            #expect(try await t.count("invitations") == 1)

            try await Self.drain(t)
            let job = try await t.send(.GET, "\(Self.bulk)/\(id)", token: token)
            #expect(job.status == .ok, "\(job.body)")
            #expect(job["status"] as? String == "DONE")
            #expect(job["processed"] as? Int == 5)
            #expect(job["created"] as? Int == 2)
            #expect(job["conflicts"] as? Int == 1)
            #expect(job["errors"] as? Int == 2)
            #expect(job["finishedAt"] is String)
            let rows = job["rows"] as? [[String: Any]] ?? []
            #expect(rows.map { $0["outcome"] as? String } == ["created", "error", "conflict", "created", "error"])
            #expect(rows[2]["conflictingId"] as? String == existing["id"] as? String)
            #expect(try await t.count("invitations") == 3)

            let created = try await t.send(
                .GET, "/admin/api/v1/identityStores/default/invite/\(rows[3]["invitationId"] as? String ?? "")", token: token)
            #expect(created["language"] as? String == "fr")
            #expect((created["groups"] as? [Any])?.count == 1)
            let first = try await t.send(
                .GET, "/admin/api/v1/identityStores/default/invite/\(rows[0]["invitationId"] as? String ?? "")", token: token)
            #expect(first["language"] as? String == "de")

            let csv = try await t.send(.GET, "\(Self.bulk)/\(id)/results.csv", token: token)
            #expect(csv.status == .ok)
            #expect(csv.headers.first(name: .contentType)?.hasPrefix("text/csv") == true)
            let lines = csv.body.split(separator: "\r\n")
            #expect(lines.first == "row,email,outcome,invitationId,conflictingId,errorKey,error")
            #expect(lines.count == 6)
            #expect(lines[3].hasPrefix("3,taken@example.com,conflict,,\(existing["id"] as? String ?? "")"))

            let events = try await t.app.db.sql.raw("SELECT COUNT(*) AS n FROM events WHERE type = 'invitation_bulk.finished'").first()?
                .decode(column: "n", as: Int.self)
            #expect(events == 1)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aCSVJobCreatesTheValidRowsWithProfileAndGroupsByName(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            _ = try await t.group(token: token, name: "Beta")
            _ = try await t.group(token: token, name: "Gold")
            let text =
                "email,givenName,familyName,language,groups\n\"c@example.com\",\"Chloé\",\"O\"\"Neil\",en,Beta; Gold\nd@example.com,,,,\n"
            let reply = try await Self.csv(t, text, query: "applicationId=\(f.applicationId)", token: token)
            #expect(reply.status == .accepted, "\(reply.body)")
            try await Self.drain(t)
            let job = try await t.send(.GET, "\(Self.bulk)/\(reply["id"] as? String ?? "")", token: token)
            #expect(job["created"] as? Int == 2, "\(job.body)")
            let rows = job["rows"] as? [[String: Any]] ?? []
            let c = try await t.send(
                .GET, "/admin/api/v1/identityStores/default/invite/\(rows.first?["invitationId"] as? String ?? "")", token: token)
            #expect(c.body.contains("Chloé"))
            #expect(c.body.contains(#"O\"Neil"#) || c.body.contains("O\\\"Neil"))
            #expect((c["groups"] as? [Any])?.count == 2)
        }
    }

    @Test(arguments: TestDatabase.available)
    func badFilesAreClearProblemsAndWriteNothing(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            _ = try await t.send(.POST, "/admin/api/v1/identityStores", json: #"{"name":"b2b","identifiers":["EMAIL"]}"#, token: token)
            let foreign = try await t.group(token: token, store: "b2b", name: "Partners")
            let q = "clientId=\(f.clientId)"
            let before = try await Self.counts(t)

            let notUTF8 = try await Self.raw(t, Data([0x65, 0x6D, 0x61, 0x69, 0x6C, 0x0A, 0xFF, 0xFE, 0x0A]), query: q, token: token)
            #expect(notUTF8.status == .badRequest)
            #expect(notUTF8.errorKey == "bulk.invalidFile")
            #expect(notUTF8.body.contains("UTF-8"))

            let noEmail = try await Self.csv(t, "givenName\nAnn\n", query: q, token: token)
            #expect(noEmail.status == .badRequest)
            #expect(noEmail.body.contains("no email column"))

            let unknown = try await Self.csv(t, "email,shoeSize\na@example.com,44\n", query: q, token: token)
            #expect(unknown.status == .badRequest)
            #expect(unknown.body.contains("shoeSize"))

            let quotes = try await Self.csv(
                t, "email,givenName\na@example.com,Ann\nb@example.com,\"Bob\nc@example.com,Cy\n", query: q, token: token)
            #expect(quotes.status == .badRequest)
            #expect(quotes.body.contains("Line 3"), "\(quotes.body)")

            let tooMany = "email\n" + (0...BulkInvitationInput.maxRows).map { "u\($0)@example.com\n" }.joined()
            let big = try await Self.csv(t, tooMany, query: q, token: token)
            #expect(big.status == .payloadTooLarge)
            #expect(big.errorKey == "bulk.tooManyRows")

            for empty in ["", "\u{FEFF}", "email\n"] {
                let reply = try await Self.csv(t, empty, query: q, token: token)
                #expect(reply.status == .badRequest, "\(empty.debugDescription): \(reply.body)")
            }

            let group = try await Self.csv(t, "email,groups\na@example.com,Nobody\n", query: q, token: token)
            #expect(group.status == .badRequest)
            #expect(group.errorKey == "bulk.unknownGroup")
            #expect(group.body.contains("Nobody"))

            let other = try await Self.csv(t, "email,groups\na@example.com,\(foreign)\n", query: q, token: token)
            #expect(other.status == .badRequest, "\(other.body)")
            #expect(other.errorKey != "bulk.unknownGroup")

            let jsonOther = try await t.send(
                .POST, Self.bulk,
                json: #"{"clientId":"\#(f.clientId)","invitations":[{"email":"a@example.com","groups":["\#(foreign)"]}]}"#,
                token: token)
            #expect(jsonOther.status == .badRequest)
            #expect(
                try await t.send(.POST, Self.bulk, json: #"{"clientId":"\#(f.clientId)","invitations":[]}"#, token: token).status
                    == .badRequest)
            #expect(try await Self.csv(t, "email\na@example.com\n", query: "", token: token).status == .badRequest)

            // SAML2 applications take no invitations: the whole request is refused, not each row.
            let saml = try await t.send(
                .POST, "/admin/api/v1/applications", json: #"{"name":"Legacy","store":"default","protocol":"saml2"}"#, token: token)
            let samlBulk = try await Self.csv(
                t, "email\na@example.com\n", query: "applicationId=\(saml["id"] as? String ?? "")", token: token)
            #expect(samlBulk.status == .badRequest, "\(samlBulk.body)")

            let huge = try await Self.csv(
                t, "email,displayName\n" + String(repeating: "x@example.com,\(String(repeating: "y", count: 1000))\n", count: 17_000),
                query: q,
                token: token)
            #expect(huge.status == .payloadTooLarge)

            #expect(try await Self.counts(t) == before)
        }
    }

    @Test(arguments: TestDatabase.available)
    func theSameIdempotencyKeyReplaysTheJobAndAnotherBodyIs422(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let f = try await t.oidcApplication(token: token)
            let body = #"{"clientId":"\#(f.clientId)","invitations":[{"email":"a@example.com"},{"email":"b@example.com"}]}"#
            let first = try await t.send(.POST, Self.bulk, json: body, token: token, headers: ["Idempotency-Key": "import-1"])
            #expect(first.status == .accepted)
            let again = try await t.send(.POST, Self.bulk, json: body, token: token, headers: ["Idempotency-Key": "import-1"])
            #expect(again.status == .accepted)
            #expect(again.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(again["id"] as? String == first["id"] as? String)
            #expect(again.headers.first(name: .location) == first.headers.first(name: .location))
            #expect(try await t.count("bulk_jobs") == 1)
            let other = #"{"clientId":"\#(f.clientId)","invitations":[{"email":"c@example.com"}]}"#
            let reused = try await t.send(.POST, Self.bulk, json: other, token: token, headers: ["Idempotency-Key": "import-1"])
            #expect(reused.status == .unprocessableEntity)
            #expect(reused.errorKey == "idempotency.keyReused")
            #expect(try await t.count("bulk_jobs") == 1)
            try await Self.drain(t)
            #expect(try await t.count("invitations") == 2)
        }
    }
}
