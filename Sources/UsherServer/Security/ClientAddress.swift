import Foundation
import UsherCore
import Vapor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The proxies whose `X-Forwarded-For` Usher believes (USHER_TRUSTED_PROXIES: IPs and CIDRs,
/// comma-separated). Empty: the TCP peer is the client, and the header is ignored, since anyone
/// can send it.
public struct TrustedProxies: Sendable, Equatable {
    struct Network: Sendable, Equatable {
        var address: [UInt8]
        var prefixLength: Int

        func contains(_ other: [UInt8]) -> Bool {
            guard other.count == address.count else { return false }
            var remaining = prefixLength
            for (a, b) in zip(address, other) where remaining > 0 {
                let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
                if a & mask != b & mask { return false }
                remaining -= 8
            }
            return true
        }
    }

    var networks: [Network] = []

    public static let none = TrustedProxies()

    public init() {}

    /// Parses `10.0.0.1, 192.168.0.0/16, fd00::/8`, naming the item that is wrong.
    public init(parsing raw: String) throws {
        for item in raw.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            let parts = item.split(separator: "/", maxSplits: 1).map(String.init)
            guard let address = Self.bytes(parts[0]) else {
                throw UsherConfiguration.Error(
                    variable: "USHER_TRUSTED_PROXIES", problem: "'\(item)' is not an IP address or a CIDR such as 10.0.0.0/8")
            }
            let full = address.count * 8
            let length = parts.count == 2 ? Int(parts[1]) : full
            guard let length, (0...full).contains(length) else {
                throw UsherConfiguration.Error(
                    variable: "USHER_TRUSTED_PROXIES", problem: "'\(item)': the prefix length must be 0 to \(full)")
            }
            networks.append(Network(address: address, prefixLength: length))
        }
    }

    func trusts(_ address: String) -> Bool {
        guard let bytes = Self.bytes(address) else { return false }
        return networks.contains { $0.contains(bytes) }
    }

    /// Security: the client is the TCP peer, unless the peer is a trusted proxy; then it is the
    /// right-most `X-Forwarded-For` entry that is not a trusted proxy itself. Entries further left
    /// were written by the client and prove nothing.
    func clientAddress(peer: String?, forwardedFor: [String]) -> String {
        guard let peer else { return "unknown" }
        guard trusts(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { Self.stripPort($0.trimmingCharacters(in: .whitespaces)) }
        for hop in hops.reversed() where !hop.isEmpty {
            if !trusts(hop) { return hop }
        }
        return peer
    }

    /// `1.2.3.4:567` and `[::1]:567` without the port (some proxies add it).
    private static func stripPort(_ hop: String) -> String {
        if hop.hasPrefix("["), let end = hop.firstIndex(of: "]") { return String(hop[hop.index(after: hop.startIndex)..<end]) }
        let colons = hop.filter { $0 == ":" }.count
        if colons == 1, let colon = hop.firstIndex(of: ":") { return String(hop[..<colon]) }
        return hop
    }

    /// The 4 or 16 bytes of an address (an IPv4-mapped IPv6 address as its IPv4 bytes), or nil.
    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF { return Array(bytes[12...]) }
        return bytes
    }

    /// What the limits count a client address under: an IPv6 client by its /64, the block one
    /// subscriber usually holds whole (one address each try would otherwise be one client each).
    static func limitKey(_ address: String) -> String {
        guard let bytes = bytes(address) else { return address }
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 8, by: 2).map { String(format: "%x", Int(bytes[$0]) << 8 | Int(bytes[$0 + 1])) }.joined(separator: ":")
            + "::/64"
    }
}

extension Request {
    /// The client's address as the sign-in limits count it (see `TrustedProxies`).
    var clientAddress: String {
        let proxies = application.usher.config.trustedProxies
        let address = proxies.clientAddress(peer: remoteAddress?.ipAddress, forwardedFor: headers[.xForwardedFor])
        return TrustedProxies.limitKey(address)
    }
}
