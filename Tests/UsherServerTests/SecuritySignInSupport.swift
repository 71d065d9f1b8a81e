import Foundation
import NIOCore
import Testing
import UsherCore
import Vapor

@testable import UsherServer

/// A browser at a chosen network address (TestApp's in-memory requests have none), for the
/// sign-in limits that are keyed by the client's address.
struct SignInClient {
    let t: TestApp
    /// The TCP peer; nil is what the in-memory tester gives.
    var ip: String? = nil
    var extraHeaders: HTTPHeaders = [:]
    var cookies: [String: String] = [:]

    init(t: TestApp, ip: String? = nil, headers: HTTPHeaders = [:]) {
        self.t = t
        self.ip = ip
        self.extraHeaders = headers
    }

    func send(_ method: HTTPMethod, _ path: String, form: String? = nil) async throws -> TestApp.Reply {
        try await t.app.asyncBoot()
        var headers = extraHeaders
        if !cookies.isEmpty { headers.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
        var body: ByteBuffer? = nil
        if let form {
            headers.contentType = .urlEncodedForm
            body = ByteBuffer(string: form)
        }
        headers.replaceOrAdd(name: .contentLength, value: String(body?.readableBytes ?? 0))
        let request = Request(
            application: t.app, method: method, url: URI(string: path), headers: headers, collectedBody: body,
            remoteAddress: try ip.map { try SocketAddress(ipAddress: $0, port: 40_000) }, logger: t.app.logger,
            on: t.app.eventLoopGroup.next())
        let response = try await t.app.responder.respond(to: request).get()
        let collected = try await response.body.collect(on: request.eventLoop).get()
        return TestApp.Reply(status: response.status, headers: response.headers, body: collected.map { String(buffer: $0) } ?? "")
    }

    mutating func absorb(_ reply: TestApp.Reply) {
        for line in reply.headers[.setCookie] {
            let pair = line.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            if pair.count == 2 { cookies[String(pair[0])] = String(pair[1]) }
        }
    }

    static func formValue(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    /// Opens the console's sign-in page and returns the form's CSRF token (the browser cookie is kept).
    mutating func openAdminSignIn() async throws -> String {
        let page = try await send(.GET, "/admin/signin")
        absorb(page)
        return try #require(page.body.firstMatch(of: /name="csrf" value="([^"]+)"/).map { String($0.1) })
    }

    func postAdminSignIn(csrf: String, email: String = "admin@usher.test", password: String, next: String? = nil) async throws
        -> TestApp.Reply
    {
        var form = "email=\(Self.formValue(email))&password=\(Self.formValue(password))&csrf=\(Self.formValue(csrf))"
        if let next { form += "&next=" + Self.formValue(next) }
        return try await send(.POST, "/admin/signin", form: form)
    }

    /// One whole sign-in: page, then form.
    func adminSignIn(email: String = "admin@usher.test", password: String, next: String? = nil) async throws -> TestApp.Reply {
        var browser = self
        let csrf = try await browser.openAdminSignIn()
        return try await browser.postAdminSignIn(csrf: csrf, email: email, password: password, next: next)
    }

    /// Starts an authorization request of `clientId` and opens its sign-in page: the flow and its CSRF token.
    mutating func openCustomerSignIn(clientId: String) async throws -> (flow: String, csrf: String) {
        let start = try await send(
            .GET, "/oauth2/authorize?response_type=code&client_id=\(clientId)&redirect_uri=\(OIDCFlowTests.redirect)&scope=openid")
        absorb(start)
        let path = try #require(start.headers.first(name: .location))
        let page = try await send(.GET, path)
        absorb(page)
        let csrf = try #require(page.body.firstMatch(of: /name="csrf" value="([^"]+)"/).map { String($0.1) })
        return (String(path.dropFirst("/signin?flow=".count)), csrf)
    }

    func postCustomerSignIn(flow: String, csrf: String, email: String, password: String) async throws -> TestApp.Reply {
        try await send(
            .POST, "/signin",
            form: "flow=\(flow)&csrf=\(Self.formValue(csrf))&email=\(Self.formValue(email))&password=\(Self.formValue(password))")
    }

    func customerSignIn(clientId: String, email: String, password: String) async throws -> TestApp.Reply {
        var browser = self
        let (flow, csrf) = try await browser.openCustomerSignIn(clientId: clientId)
        return try await browser.postCustomerSignIn(flow: flow, csrf: csrf, email: email, password: password)
    }
}
