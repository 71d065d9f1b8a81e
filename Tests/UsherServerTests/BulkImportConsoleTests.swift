import Foundation
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// The console's Import CSV (issue 17): the form, the dry-run preview, the confirmation (one job
/// however often it is sent), the job page and its downloads — over the same service as the API.
@Suite struct BulkImportConsoleTests {
    static let boundary = "usher-test-boundary"

    func field(_ page: TestApp.Reply, _ name: String) throws -> String {
        let value = page.body.components(separatedBy: #"name="\#(name)" value=""#).dropFirst().first?.components(separatedBy: "\"").first
        return try #require(value, "\(name) in the page")
    }

    func encoded(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }

    /// The upload form as a browser sends it (multipart/form-data).
    func upload(
        _ t: TestApp, _ console: ConsoleBrowser, csrf: String?, applicationId: String, csv: String, store: String = "default"
    ) async throws -> TestApp.Reply {
        var parts: [(String, String, String?)] = [
            ("store", store, nil), ("applicationId", applicationId, nil), ("file", csv, "people.csv"),
        ]
        if let csrf { parts.insert(("csrf", csrf, nil), at: 0) }
        var body = ""
        for (name, value, file) in parts {
            body += "--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"\(name)\""
            if let file { body += "; filename=\"\(file)\"\r\nContent-Type: text/csv" }
            body += "\r\n\r\n\(value)\r\n"
        }
        body += "--\(Self.boundary)--\r\n"
        var headers = console.cookieHeader
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(Self.boundary)")
        let response = try await t.app.testing().sendRequest(.POST, "/admin/invite/bulk", headers: headers, body: ByteBuffer(string: body))
        return TestApp.Reply(status: response.status, headers: response.headers, body: String(buffer: response.body))
    }

    func counts(_ t: TestApp) async throws -> [Int] {
        [try await t.count("invitations"), try await t.count("outbox"), try await t.count("bulk_jobs"), try await t.count("bulk_job_rows")]
    }

    @Test(arguments: TestDatabase.available)
    func theFormOffersOnlyOIDCApplicationsAndATemplate(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let shop = try await t.oidcApplication(token: token, name: "Web Shop")
            let saml = try await t.send(
                .POST, "/admin/api/v1/applications", json: #"{"name":"Legacy Portal","store":"default","protocol":"saml2"}"#, token: token)
            #expect(saml.status == .created)
            let console = try await ConsoleBrowser.signIn(t)
            let tab = try await console.get("/admin/accounts?store=default&tab=invitations")
            #expect(tab.body.contains(#"id="import-csv" href="/admin/invite/bulk?store=default""#))
            let form = try await console.get("/admin/invite/bulk?store=default")
            #expect(form.status == .ok)
            #expect(form.body.contains(#"<option value="\#(shop.applicationId)" >Web Shop</option>"#))
            #expect(!form.body.contains("<option value=\"\(saml["id"] as? String ?? "-")\""))
            #expect(form.body.contains(#"enctype="multipart/form-data""#) && form.body.contains(#"name="csrf""#))
            #expect(!form.body.contains("<script"))

            let template = try await console.get("/admin/invite/bulk/template.csv")
            #expect(template.status == .ok)
            #expect(template.headers.first(name: .contentType) == "text/csv; charset=utf-8")
            #expect(template.body.hasPrefix("email,givenName,familyName,displayName,phoneNumber,language,groups\r\n"))
            // The template itself passes the dry run.
            let preview = try await upload(
                t, console, csrf: try field(form, "csrf"), applicationId: shop.applicationId, csv: template.body)
            #expect(preview.status == .ok, "\(preview.body)")
            #expect(preview.body.contains(#"<strong id="preview-valid">1</strong>"#))
        }
    }

    @Test(arguments: TestDatabase.available)
    func thePreviewShowsEveryRefusedRowWithItsReasonAndWritesNothing(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let shop = try await t.oidcApplication(token: token)
            let pending = try await t.invite(shop, email: "already@example.com")
            let console = try await ConsoleBrowser.signIn(t)
            let csrf = try field(try await console.get("/admin/invite/bulk?store=default"), "csrf")
            let before = try await counts(t)
            let csv = "email,givenName\nada@example.com,Ada\nnot-an-email,Bad\nalready@example.com,Al\nada@example.com,Again\n"
            let preview = try await upload(t, console, csrf: csrf, applicationId: shop.applicationId, csv: csv)
            #expect(preview.status == .ok, "\(preview.body)")
            #expect(try await counts(t) == before)
            #expect(preview.body.contains(#"<strong id="preview-valid">1</strong>"#))
            #expect(preview.body.contains(#"<strong id="preview-invalid">3</strong>"#))
            #expect(preview.body.contains(#"<tr data-row="1" class="" >"#))
            for row in 2...4 { #expect(preview.body.contains(#"<tr data-row="\#(row)" class="refused""#)) }
            #expect(preview.body.contains("already invited: a pending invitation exists"))
            #expect(preview.body.contains(pending["id"] as? String ?? "-"))
            #expect(preview.body.contains("repeats row 1"))
            #expect(preview.body.contains(#"id="confirm-import">Invite 1 people"#))

            // A whole-file problem: the form again, with the message, nothing written.
            let bad = try await upload(t, console, csrf: csrf, applicationId: shop.applicationId, csv: "name\nAda\n")
            #expect(bad.status == .badRequest)
            #expect(bad.body.contains(#"id="import-error""#) && bad.body.contains("no email column"))
            let unbalanced = try await upload(t, console, csrf: csrf, applicationId: shop.applicationId, csv: "email\n\"ada@example.com\n")
            #expect(unbalanced.body.contains("Line 2: a quoted field is never closed"))
            // CSRF, as on every form.
            let forged = try await upload(t, console, csrf: nil, applicationId: shop.applicationId, csv: csv)
            #expect(forged.status == .forbidden)
            #expect(try await counts(t) == before)
        }
    }

    @Test(arguments: TestDatabase.available)
    func confirmingCreatesOneJobWhoseProgressAndResultsTheConsoleShows(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let token = try await t.token()
            let shop = try await t.oidcApplication(token: token)
            let console = try await ConsoleBrowser.signIn(t)
            let csrf = try field(try await console.get("/admin/invite/bulk?store=default"), "csrf")
            let csv = "email,givenName\n" + (1...5).map { "p\($0)@example.com,P\($0)\n" }.joined() + "broken,X\n"
            let preview = try await upload(t, console, csrf: csrf, applicationId: shop.applicationId, csv: csv)
            #expect(preview.status == .ok)
            let form = try ["csrf", "store", "applicationId", "fileName", "idempotencyKey", "csv"].map { name in
                "\(name)=\(encoded(try field(preview, name)))"
            }.joined(separator: "&")
            let first = try await t.send(.POST, "/admin/invite/bulk/confirm", headers: console.cookieHeader, form: form)
            #expect(first.status == .seeOther, "\(first.body)")
            let location = try #require(first.headers.first(name: .location))
            #expect(location.hasPrefix("/admin/invite/bulk/default/"))
            // A double click: the same job, not a second one.
            let second = try await t.send(.POST, "/admin/invite/bulk/confirm", headers: console.cookieHeader, form: form)
            #expect(second.headers.first(name: .location) == location)
            #expect(try await t.count("bulk_jobs") == 1)
            let noCSRF = try await t.send(
                .POST, "/admin/invite/bulk/confirm", headers: console.cookieHeader, form: form.replacingOccurrences(of: "csrf=", with: "x=")
            )
            #expect(noCSRF.status == .forbidden)

            let running = try await console.get(location)
            #expect(running.status == .ok)
            #expect(running.headers.first(name: "Refresh") == "2")
            #expect(running.body.contains(#"<progress id="bulk-progress" value="1" max="6""#))  // the broken row is known at once
            #expect(!running.body.contains("download-results"))

            try await BulkInvitationWorker(db: t.app.db, context: t.app.usher).runOnce()
            let done = try await console.get(location)
            #expect(done.headers.first(name: "Refresh") == nil)
            #expect(done.body.contains(#"<progress id="bulk-progress" value="6" max="6""#))
            #expect(done.body.contains(#"<td id="bulk-created">5</td>"#) && done.body.contains(#"<td id="bulk-errors">1</td>"#))
            #expect(done.body.contains(#"<tr data-row="6" class="refused""#))
            #expect(try await t.count("invitations") == 5)
            let results = try await console.get(location + "/results.csv")
            #expect(results.status == .ok)
            #expect(results.headers.first(name: .contentDisposition)?.contains("attachment") == true)
            #expect(results.body.hasPrefix("row,email,outcome,invitationId,conflictingId,errorKey,error\r\n"))
            #expect(results.body.components(separatedBy: ",created,").count - 1 == 5)
            // Another store's path does not show the job.
            let elsewhere = try await console.get(location.replacingOccurrences(of: "/default/", with: "/other/"))
            #expect(elsewhere.status == .notFound)
        }
    }
}
