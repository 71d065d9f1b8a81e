import NIOCore
import Testing

@testable import UsherServer

@Suite("USHER_SMTP_URL parsing")
struct SMTPConfigurationTests {
    @Test func minimalSMTPDefaultsToSTARTTLSOn587() throws {
        let config = try SMTPConfiguration.parse("smtp://mail.example.com")
        #expect(config.host == "mail.example.com")
        #expect(config.port == 587)
        #expect(config.tls == .startTLS)
        #expect(config.username == nil && config.password == nil)
        #expect(config.verifyCertificates)
        #expect(config.trustRootsPath == nil)
        #expect(config.heloName == "localhost")
        #expect(config.timeout == .seconds(30))
    }

    @Test func smtpsDefaultsToImplicitTLSOn465() throws {
        let config = try SMTPConfiguration.parse("smtps://mail.example.com")
        #expect(config.tls == .implicitTLS)
        #expect(config.port == 465)
    }

    @Test(arguments: [
        ("smtp://h?tls=none", SMTPTLSMode.none, 25),
        ("smtp://h?tls=starttls", .startTLS, 587),
        ("smtp://h?tls=tls", .implicitTLS, 465),
        ("smtps://h?tls=tls", .implicitTLS, 465),
        ("smtp://h:2525?tls=none", .none, 2525),
        ("SMTP://h:1?TLS=StartTLS", .startTLS, 1),
    ])
    func tlsModesAndPorts(url: String, tls: SMTPTLSMode, port: Int) throws {
        let config = try SMTPConfiguration.parse(url)
        #expect(config.tls == tls)
        #expect(config.port == port)
    }

    @Test func fullURL() throws {
        let config = try SMTPConfiguration.parse(
            "smtp://us%40er:p%40ss%3Aw%2Frd@relay.internal:2525?tls=starttls&ca=/etc/usher/ca.pem&verify=false&helo=usher.example&timeout=2.5"
        )
        #expect(config.username == "us@er")
        #expect(config.password == "p@ss:w/rd")
        #expect(config.host == "relay.internal")
        #expect(config.port == 2525)
        #expect(config.trustRootsPath == "/etc/usher/ca.pem")
        #expect(config.verifyCertificates == false)
        #expect(config.heloName == "usher.example")
        #expect(config.timeout == .milliseconds(2500))
    }

    @Test func unencodedAtAndColonInPasswordAreTolerated() throws {
        let config = try SMTPConfiguration.parse("smtp://user:p@ss:word@host")
        #expect(config.username == "user")
        #expect(config.password == "p@ss:word")
        #expect(config.host == "host")
    }

    @Test func ipv6Host() throws {
        let config = try SMTPConfiguration.parse("smtp://[::1]:25?tls=none")
        #expect(config.host == "::1")
        #expect(config.port == 25)
        #expect(config.redactedDescription == "smtp://[::1]:25?tls=none")
    }

    @Test func userWithoutPassword() throws {
        let config = try SMTPConfiguration.parse("smtp://apikey@host/")
        #expect(config.username == "apikey")
        #expect(config.password == nil)
        #expect(config.hasCredentials)
    }

    @Test(arguments: [
        ("", "empty"),
        ("mail.example.com", "smtp://"),
        ("http://host", "scheme"),
        ("smtp://", "no host"),
        ("smtp://:pw@host", "empty user name"),
        ("smtp://host:0", "port"),
        ("smtp://host:99999", "port"),
        ("smtp://host:abc", "port"),
        ("smtp://host?tls=maybe", "tls="),
        ("smtps://host?tls=starttls", "smtps://"),
        ("smtp://host?verify=perhaps", "verify="),
        ("smtp://host?tsl=none", "unknown query parameter"),
        ("smtp://host?tls", "no value"),
        ("smtp://host?tls=none&tls=tls", "twice"),
        ("smtp://host/path", "path"),
        ("smtp://host?timeout=-1", "timeout"),
        ("smtp://host?helo=a%20b", "helo"),
        ("smtp://user:se#cret@host", "%23"),
        ("smtp://user:p%zzss@host", "percent-encoding in the password"),
    ])
    func errors(url: String, expectedFragment: String) {
        do {
            _ = try SMTPConfiguration.parse(url)
            Issue.record("expected \(url.debugDescription) to be rejected")
        } catch let error as SMTPConfigurationError {
            #expect(error.description.contains("USHER_SMTP_URL"))
            #expect(error.description.contains(expectedFragment), "\(error.description)")
        } catch {
            Issue.record("unexpected error type \(error)")
        }
    }

    @Test func errorsNeverEchoThePassword() {
        let secrets = [
            "smtp://user:Sup3rS3cret@host:badport",
            "smtp://user:Sup3rS3cret@host?tls=bogus",
            "smtp://user:Sup3rS3cret@host?nope=1",
            "smtp://user:Sup3rS3cret@/",
            "ftp://user:Sup3rS3cret@host",
            "smtp://user:Sup3rS3cret%zz@host",
        ]
        for url in secrets {
            do {
                _ = try SMTPConfiguration.parse(url)
                Issue.record("expected \(url) to be rejected")
            } catch {
                #expect(!"\(error)".contains("Sup3rS3cret"), "\(error)")
            }
        }
    }

    @Test func redaction() throws {
        let config = try SMTPConfiguration.parse("smtp://mailer:Sup3rS3cret@relay:2525?tls=starttls&ca=/ca.pem&helo=usher")
        #expect(config.redactedDescription == "smtp://mailer:***@relay:2525?tls=starttls&ca=/ca.pem&helo=usher")
        #expect(!"\(config)".contains("Sup3rS3cret"))
        #expect(!String(reflecting: config).contains("Sup3rS3cret"))
        var dumped = ""
        dump(config, to: &dumped)
        #expect(!dumped.contains("Sup3rS3cret"))
        let plain = try SMTPConfiguration.parse("smtps://relay")
        #expect(plain.redactedDescription == "smtps://relay:465?tls=tls")
        let noVerify = try SMTPConfiguration.parse("smtp://relay?verify=false&tls=none")
        #expect(noVerify.redactedDescription == "smtp://relay:25?tls=none&verify=false")
    }

    @Test func redactedURLParsesBackToTheSameSettings() throws {
        let original = try SMTPConfiguration.parse("smtp://a%3Ab@relay:2525?tls=none&verify=false&helo=x")
        let reparsed = try SMTPConfiguration.parse(original.redactedDescription)
        #expect(reparsed.username == "a:b")
        #expect(reparsed.host == original.host && reparsed.port == original.port && reparsed.tls == original.tls)
        #expect(reparsed.verifyCertificates == original.verifyCertificates && reparsed.heloName == original.heloName)
    }
}
