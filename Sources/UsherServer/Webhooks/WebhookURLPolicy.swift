import Foundation
import UsherCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ErrorKey {
    public static let webhookURLRefused = ErrorKey(rawValue: "webhook.urlRefused")
    public static let webhookPrivateAddress = ErrorKey(rawValue: "webhook.privateAddress")
    public static let eventCursorInvalid = ErrorKey(rawValue: "event.invalidCursor")
}

/// Where webhooks may go (SPEC: Events and webhooks; docs/webhooks.md). Security: a webhook is a
/// request Usher makes on an administrator's behalf, so it must not reach into the network Usher
/// runs in (server-side request forgery). Checked when an endpoint is saved and again before every
/// attempt, since DNS can change after creation; redirects are never followed.
struct WebhookURLPolicy: Sendable {
    var allowPrivateNetworks: Bool
    var resolver: any HostResolver = SystemHostResolver()

    enum Verdict: Equatable {
        case allowed
        case refused(String)
    }

    /// The URL's form alone: https (http only to loopback with private networks allowed), a host, no credentials.
    func checkForm(_ raw: String) -> Verdict {
        guard let url = URLComponents(string: raw), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            return .refused("is not an absolute http(s) URL such as https://hooks.example.com/usher")
        }
        guard url.user == nil, url.password == nil else { return .refused("must not carry a user name or password") }
        guard url.fragment == nil else { return .refused("must not have a #fragment") }
        switch scheme {
        case "https": return .allowed
        case "http":
            let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            let loopback = bare.lowercased() == "localhost" || (IPAddressClass.of(bare) == .loopback)
            if loopback && allowPrivateNetworks { return .allowed }
            return .refused(
                loopback
                    ? "may use http only with USHER_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true; use https"
                    : "must use https (http is allowed only to loopback, and only with USHER_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true)")
        default:
            return .refused("must use https")
        }
    }

    /// The form, then every address the host resolves to. `requireResolution` (at delivery
    /// time) refuses a host that does not resolve; when saving, such a host is accepted and
    /// checked again at each delivery.
    func check(_ raw: String, requireResolution: Bool) async -> Verdict {
        if case .refused(let why) = checkForm(raw) { return .refused(why) }
        guard !allowPrivateNetworks else { return .allowed }
        let host = (URLComponents(string: raw)?.host ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let addresses: [String]
        if IPAddressClass.of(host) != nil {
            addresses = [host]
        } else {
            addresses = await resolver.addresses(of: host)
            if addresses.isEmpty {
                return requireResolution ? .refused("the host \(host) does not resolve") : .allowed
            }
        }
        for address in addresses {
            // An address that does not parse (it should not happen) is refused, not waved through.
            let kind = IPAddressClass.of(address) ?? .unspecified
            if kind != .public {
                return .refused(
                    "resolves to a \(kind.rawValue) address (\(address)); webhooks go to public addresses only unless USHER_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true"
                )
            }
        }
        return .allowed
    }

    /// 400 with the reason, for the admin API and the console.
    func require(_ raw: String) async throws {
        if case .refused(let why) = await check(raw, requireResolution: false) {
            let key: ErrorKey = why.contains("resolves to") ? .webhookPrivateAddress : .webhookURLRefused
            throw UsherError.badRequest(key, "The webhook URL \(why).", fieldErrors: [FieldError("url", why)])
        }
    }
}

/// What an IP address is, for the rules above.
enum IPAddressClass: String, Equatable, Sendable {
    case loopback, `private`
    case linkLocal = "link-local"
    case unspecified, `public`

    /// nil when `text` is no IP address.
    static func of(_ raw: String) -> IPAddressClass? {
        // fe80::1%eth0: the zone names an interface, the address is what counts.
        let text = String(raw.split(separator: "%", maxSplits: 1).first ?? "")
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return ofIPv4(withUnsafeBytes(of: v4.s_addr) { Array($0) })
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return ofIPv6(withUnsafeBytes(of: v6) { Array($0) })
        }
        return nil
    }

    static func ofIPv4(_ b: [UInt8]) -> IPAddressClass {
        switch (b[0], b[1]) {
        case (127, _): return .loopback
        case (0, _): return .unspecified
        case (10, _), (192, 168), (100, 64...127), (198, 18...19): return .private
        case (172, 16...31): return .private
        case (169, 254): return .linkLocal
        case (224...255, _): return .private  // multicast, reserved, broadcast: never a webhook receiver
        default: return .public
        }
    }

    static func ofIPv6(_ b: [UInt8]) -> IPAddressClass {
        if b[0..<15].allSatisfy({ $0 == 0 }) { return b[15] == 1 ? .loopback : .unspecified }
        // ::ffff:a.b.c.d and the deprecated ::a.b.c.d carry an IPv4 address.
        if b[0..<10].allSatisfy({ $0 == 0 }) && ((b[10] == 0xff && b[11] == 0xff) || (b[10] == 0 && b[11] == 0)) {
            return ofIPv4(Array(b[12..<16]))
        }
        if b[0] == 0xfe && (b[1] & 0xc0) == 0x80 { return .linkLocal }
        if (b[0] & 0xfe) == 0xfc { return .private }  // unique local fc00::/7
        if b[0] == 0xff { return .private }  // multicast
        if b[0] == 0x20 && b[1] == 0x02 { return ofIPv4(Array(b[2..<6])) == .public ? .public : .private }  // 6to4
        if b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b { return ofIPv4(Array(b[12..<16])) }  // NAT64
        return .public
    }
}

/// Resolves a host name to its addresses (tests give a fixed answer).
protocol HostResolver: Sendable {
    func addresses(of host: String) async -> [String]
}

/// getaddrinfo, on a background thread.
struct SystemHostResolver: HostResolver {
    func addresses(of host: String) async -> [String] {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: Self.lookup(host)) }
        }
    }

    static func lookup(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var found: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if let address = info.pointee.ai_addr,
                getnameinfo(address, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0
            {
                let text = String(cString: buffer)
                if !found.contains(text) { found.append(text) }
            }
            cursor = info.pointee.ai_next
        }
        return found
    }
}
