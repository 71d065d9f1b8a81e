import Foundation
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// Issue 14, item 2: CR/LF in the console sign-in's `next` was copied into the Location header,
/// so a crafted link could set cookies or any header on Usher's answer.
@Suite struct SecurityHeaderInjectionTests {
    @Test(arguments: TestDatabase.available)
    func crlfInNextNeverReachesAHeader(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let attacks = [
                "/admin/accounts\r\nSet-Cookie: injected=1",
                "/admin/accounts\nX-Injected: 1",
                "/admin/accounts\rX-Injected: 1",
                "/admin/%0d%0aX-Injected:%201",
                "/admin/accounts\tX-Injected: 1",
            ]
            for next in attacks {
                let reply = try await SignInClient(t: t).adminSignIn(password: "admin-password-123", next: next)
                #expect(reply.status == .seeOther, "\(next.debugDescription)")
                #expect(reply.headers.first(name: .location) == "/admin/accounts", "\(next.debugDescription)")
                #expect(reply.headers.first(name: "X-Injected") == nil, "\(next.debugDescription)")
                #expect(!reply.headers[.setCookie].contains { $0.contains("injected") }, "\(next.debugDescription)")
                for (name, value) in reply.headers {
                    #expect(!(name + value).unicodeScalars.contains { $0.value < 0x20 }, "\(name) for \(next.debugDescription)")
                }
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func nextOutsideTheConsoleFallsBack(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let foreign = [
                "//evil.example/x", "/\\evil.example", "https://evil.example", "/admin//evil.example", "/admin/%2F%2Fevil.example",
                "/admin/%5Cevil.example", "/admin/../x", "/admin/%2E%2E/x", "/adminx", "/admin/a b", "/admin/é", "javascript:alert(1)",
                "/admin/x\u{0}y", "/admin/x%00y", "/admin/x\u{7F}y", "/admin/x%7Fy", "/admin/x%0Ay",
            ]
            for next in foreign {
                #expect(ConsoleAuthRoutes.safeNext(next) == "/admin/accounts", "\(next)")
            }
            #expect(ConsoleAuthRoutes.safeNext("/admin/groups?store=default") == "/admin/groups?store=default")
            #expect(
                ConsoleAuthRoutes.safeNext("/admin/invitations?store=default&status=pending")
                    == "/admin/invitations?store=default&status=pending")
            // Through HTTP too: the redirect after a good sign-in stays in the console.
            for next in ["//evil.example", "/\\evil.example", "https://evil.example"] {
                let reply = try await SignInClient(t: t).adminSignIn(password: "admin-password-123", next: next)
                #expect(reply.status == .seeOther)
                #expect(reply.headers.first(name: .location) == "/admin/accounts", "\(next)")
            }
            let kept = try await SignInClient(t: t).adminSignIn(password: "admin-password-123", next: "/admin/groups?store=default")
            #expect(kept.headers.first(name: .location) == "/admin/groups?store=default")
        }
    }

    /// The second line: whatever route writes a control character into a header, the answer is a
    /// 500 problem that carries none of that route's headers.
    @Test(arguments: TestDatabase.available)
    func anAnswerWithAControlCharacterInAHeaderBecomesA500WithoutIt(_ db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            t.app.get("test-unsafe-header") { _ -> Response in
                let response = Response(status: .seeOther)
                response.headers.replaceOrAdd(name: .location, value: "/x\r\nSet-Cookie: injected=1")
                response.headers.replaceOrAdd(name: "X-Other", value: "fine")
                return response
            }
            t.app.get("test-tab-header") { _ -> Response in
                let response = Response(status: .ok)
                response.headers.replaceOrAdd(name: "X-Test", value: "a\u{7F}b")
                return response
            }
            for path in ["/test-unsafe-header", "/test-tab-header"] {
                let reply = try await t.send(.GET, path)
                #expect(reply.status == .internalServerError)
                #expect(reply.errorKey == "server.unsafeHeader")
                #expect(reply.headers.first(name: .location) == nil)
                #expect(reply.headers.first(name: "X-Other") == nil)
                #expect(reply.headers.first(name: "X-Test") == nil)
                #expect(reply.headers[.setCookie].isEmpty)
                #expect(reply.headers.first(name: "X-Frame-Options") == "DENY")
            }
            #expect(try await t.send(.GET, "/health").status == .ok)
        }
    }
}
