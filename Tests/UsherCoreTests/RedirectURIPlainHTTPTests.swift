import Testing
import UsherCore

/// Issue 14 item 13: plain http only on the loopback interface (RFC 8252 §7.3).
@Suite struct RedirectURIPlainHTTPTests {
    @Test(arguments: [
        "http://app.example.com/cb", "http://10.0.0.5/cb", "http://192.168.1.2:8080/cb", "http://127.0.0.1.evil.example/cb",
        "http://localhost.evil.example/cb", "http://[2001:db8::1]/cb", "HTTP://App.Example.com/cb", "http://128.0.0.1/cb",
    ])
    func plainHTTPElsewhereIsRefused(_ uri: String) {
        #expect(RedirectURI.problem(uri)?.contains("https") == true, "\(uri)")
        #expect(RedirectURI.loginURLProblem(uri)?.contains("https") == true, "\(uri)")
    }

    @Test(arguments: [
        "http://127.0.0.1:8080/cb", "http://localhost:3000/cb", "http://[::1]:9000/cb", "http://127.1.2.3/cb", "http://app.localhost/cb",
        "https://app.example.com/cb",
    ])
    func loopbackAndHTTPSAreAccepted(_ uri: String) {
        #expect(RedirectURI.problem(uri) == nil, "\(uri)")
        #expect(RedirectURI.loginURLProblem(uri) == nil, "\(uri)")
    }

    @Test func privateSchemesOfNativeAppsStillWork() {
        #expect(RedirectURI.problem("com.example.app:/callback") == nil)
    }
}
