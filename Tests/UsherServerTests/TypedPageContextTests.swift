import Foundation
import Mustache
import Testing

@testable import UsherServer

/// Issue 15 point 5: pages are fed typed contexts. swift-mustache reads a struct through
/// `Mirror`, so a typed context must render every section and inverted section exactly as the
/// dictionary it replaced did (operators' templates depend on it).
@Suite struct TypedPageContextTests {
    static let template = """
        {{title}}|{{#flag}}on{{/flag}}{{^flag}}off{{/flag}}|{{#off}}on{{/off}}{{^off}}off{{/off}}|\
        {{#rows}}[{{name}}{{#error}}!{{error}}{{/error}}{{^error}}ok{{/error}}]{{/rows}}{{^rows}}none{{/rows}}|\
        {{#empty}}x{{/empty}}{{^empty}}empty{{/empty}}|{{#missing}}m{{/missing}}{{^missing}}nothing{{/missing}}|\
        {{#pager}}{{page}} of {{pages}}{{#next}} next={{next}}{{/next}}{{/pager}}|{{count}}
        """

    struct Row {
        var name: String
        var error: String?
    }

    struct Pager {
        var page: Int
        var pages: String
        var next: String?
    }

    struct Context: PageContext {
        var title: String
        var lang = "en"
        var flag: Bool
        var off: Bool
        var rows: [Row]
        var empty: [Row]
        var missing: String?
        var pager: Pager
        var count: Int
    }

    static func render(_ context: Any) throws -> String {
        var library = MustacheLibrary()
        try library.register(template, named: "t")
        return library.render(context, withTemplate: "t") ?? ""
    }

    @Test func aStructRendersSectionsAndInvertedSectionsAsTheDictionaryDid() throws {
        let typed = Context(
            title: "T", flag: true, off: false, rows: [Row(name: "a", error: "bad"), Row(name: "b", error: nil)], empty: [], missing: nil,
            pager: Pager(page: 2, pages: "3", next: nil), count: 7)
        let dictionary: [String: Any] = [
            "title": "T", "lang": "en", "flag": true, "off": false, "rows": [["name": "a", "error": "bad"], ["name": "b"]],
            "empty": [[String: Any]](), "pager": ["page": 2, "pages": 3] as [String: Any], "count": 7,
        ]
        let html = try Self.render(typed)
        #expect(html == "T|on|off|[a!bad][bok]|empty|nothing|2 of 3|7")
        #expect(html == (try Self.render(dictionary)))
    }

    @Test func aConsolePageReadsItsChromeAndItsContentAtTheTopLevel() throws {
        var library = MustacheLibrary()
        try library.register(
            "{{title}}/{{csrf}}/{{adminEmail}}/{{#nav_groups}}groups{{/nav_groups}}{{#nav_audit}}audit{{/nav_audit}}/"
                + "{{#notice}}{{notice}}{{/notice}}{{^notice}}no notice{{/notice}}/{{store}}/{{#formError}}{{formError}}{{/formError}}"
                + "{{#stores}}({{name}}{{#selected}}*{{/selected}}){{/stores}}",
            named: "c")
        let content = GroupsConsolePage(
            store: "default", stores: [StoreOption(name: "default", selected: true), StoreOption(name: "b", selected: false)], name: "",
            groups: [], formError: nil)
        let page = ConsolePage(title: "Groups", csrf: "tok", adminEmail: "a@x", section: "groups", notice: nil, content: content)
        #expect(library.render(page, withTemplate: "c") == "Groups/tok/a@x/groups/no notice/default/(default*)(b)")
    }

    /// The application page shows its clients and their kinds from the typed context.
    @Test func theApplicationPageShowsItsClients() throws {
        let templates = try Templates.load(overrideDirectory: nil)
        let view = ApplicationView(
            id: "a1", name: "Shop", store: "default", protocol: "oidc", description: nil, selfServicePolicyId: "p1",
            groups: [IdName(id: "g1", name: "Customers")], externalLoginProviders: [],
            clients: [
                ClientView(
                    clientId: "shop", clientSecret: nil, public: true, redirectUris: ["https://a/cb", "https://b/cb"],
                    postLogoutRedirectUris: [], loginUrl: "https://a/login"),
                ClientView(clientId: "back", clientSecret: nil, public: false, redirectUris: [], postLogoutRedirectUris: [], loginUrl: nil),
            ],
            created: Date(timeIntervalSince1970: 1_800_000_000))
        let typed = ApplicationConsolePage(
            id: view.id, name: view.name, store: view.store, protocol: view.protocol, description: view.description,
            selfServicePolicyId: view.selfServicePolicyId, groups: view.groups, externalLoginProviders: view.externalLoginProviders,
            clients: view.clients, created: ISO8601DateFormatter().string(from: view.created), protocolLabel: "OIDC", policyName: "Default",
            groupNames: "Customers", isSaml: false)
        let page = ConsolePage(title: "Shop", csrf: "tok", adminEmail: "a@x", section: "applications", notice: nil, content: typed)
        let html = templates.render("console/application", page)
        #expect(html.contains("public (PKCE)") && html.contains("confidential") && html.contains("https://b/cb"))
        #expect(html.contains("Customers") && html.contains("https://a/login"))
    }

    /// The account page was the last one fed a dictionary; its typed context shows every part.
    @Test func theAccountPageShowsProfileGroupsIdentitiesAndDates() throws {
        let templates = try Templates.load(overrideDirectory: nil)
        func render(_ view: AccountView) -> String {
            templates.render(
                "console/account",
                ConsolePage(title: "x", csrf: "tok", adminEmail: "a@x", section: "accounts", notice: nil, content: AccountConsolePage(view))
            )
        }
        let linked = Date(timeIntervalSince1970: 1_800_000_000)
        let full = AccountView(
            id: "a1", store: "default", email: "ada@example.com", username: nil, emailVerified: true, givenName: "Ada",
            familyName: "Lovelace", displayName: nil, phoneNumber: "+44 20 7946 0000", locale: nil, metadata: [:],
            groups: [IdName(id: "g1", name: "Customers")],
            externalIdentities: [
                ExternalIdentityView(providerId: "p", issuer: "https://op.example", subject: "s-1", email: nil, linked: linked)
            ],
            hasPassword: true, invitationId: "inv-1", created: linked, updated: linked, lastSignIn: nil)
        let html = render(full)
        #expect(html.contains("<h1>ada@example.com</h1>"))
        #expect(html.contains("Ada Lovelace · store default · email verified"))
        #expect(html.contains("<tr><th>Phone number</th><td>+44 20 7946 0000</td></tr>"))
        #expect(!html.contains("<th>Display name</th>"), "an empty attribute is left out")
        #expect(html.contains(#"<span class="chip">Customers</span>"#))
        #expect(html.contains("invitation inv-1") && html.contains("https://op.example · s-1"))
        #expect(html.contains("<tr><th>Password</th><td>set</td></tr>"))
        #expect(html.contains("<tr><th>Last sign-in</th><td>—</td></tr>"))

        var bare = full
        (bare.emailVerified, bare.groups, bare.externalIdentities, bare.hasPassword, bare.invitationId) = (false, [], [], false, nil)
        let plain = render(bare)
        #expect(plain.contains("email not verified") && plain.contains("created directly"))
        #expect(plain.contains("<td>none</td>") && plain.contains("<tr><th>Password</th><td>none</td></tr>"))
    }
}
