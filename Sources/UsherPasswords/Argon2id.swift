import CArgon2
import Foundation

// MARK: - Errors

/// A problem with the Argon2 cost parameters, typically from the
/// `USHER_PASSWORD_HASH` environment variable ("m=19456,t=2,p=1").
public struct Argon2ParameterError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// A failure reported by libargon2 (or by input validation before calling it).
public struct Argon2Error: Error, CustomStringConvertible, Equatable, Sendable {
    /// libargon2 error code (`ARGON2_*`), or 0 if the error was detected in Swift.
    public let code: Int32
    public let description: String

    init(code: Int32) {
        self.code = code
        self.description = "argon2: " + String(cString: argon2_error_message(code))
    }

    init(_ message: String) {
        self.code = 0
        self.description = "argon2: " + message
    }
}

// MARK: - Parameters

public struct Argon2Parameters: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Memory cost in KiB (libargon2 `m_cost`).
    public var memoryKiB: UInt32
    /// Number of passes (libargon2 `t_cost`).
    public var iterations: UInt32
    /// Lanes / threads (libargon2 `parallelism`).
    public var parallelism: UInt32

    public init(memoryKiB: UInt32, iterations: UInt32, parallelism: UInt32) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
    }

    /// OWASP Password Storage Cheat Sheet first choice: m=19456 (19 MiB), t=2, p=1.
    public static let owasp = Argon2Parameters(memoryKiB: 19456, iterations: 2, parallelism: 1)

    /// Absolute bounds accepted by `parse`, `validate` and `Argon2id.parameters(of:)`.
    public static let maximumMemoryKiB: UInt32 = 4_194_304  // 4 GiB
    public static let iterationRange: ClosedRange<UInt32> = 1...100
    public static let parallelismRange: ClosedRange<UInt32> = 1...64

    /// Default ceiling applied by `Argon2id.verify` to parameters read from a
    /// stored hash: 256 MiB, t ≤ 100, p ≤ 64. Hashes above it are refused
    /// without calling libargon2.
    public static let defaultVerificationLimit = Argon2Parameters(
        memoryKiB: 262_144, iterations: 100, parallelism: 64)

    /// A verification ceiling that is at least `defaultVerificationLimit` and
    /// never lower than the parameters the server itself hashes with.
    public static func verificationLimit(accommodating configured: Argon2Parameters) -> Argon2Parameters {
        let d = defaultVerificationLimit
        return Argon2Parameters(
            memoryKiB: max(d.memoryKiB, configured.memoryKiB),
            iterations: max(d.iterations, configured.iterations),
            parallelism: max(d.parallelism, configured.parallelism))
    }

    /// "m=19456,t=2,p=1"
    public var description: String {
        "m=\(memoryKiB),t=\(iterations),p=\(parallelism)"
    }

    /// Throws if the parameters are outside the sane bounds
    /// (p 1...64, t 1...100, m 8·p...4_194_304 KiB).
    public func validate() throws(Argon2ParameterError) {
        if let problem = boundsProblem {
            throw Argon2ParameterError("USHER_PASSWORD_HASH: \(problem) (value \"\(description)\"); " + Self.formatHint)
        }
    }

    var boundsProblem: String? {
        if !Self.parallelismRange.contains(parallelism) {
            return
                "p (parallelism) must be in \(Self.parallelismRange.lowerBound)...\(Self.parallelismRange.upperBound), got \(parallelism)"
        }
        if !Self.iterationRange.contains(iterations) {
            return "t (iterations) must be in \(Self.iterationRange.lowerBound)...\(Self.iterationRange.upperBound), got \(iterations)"
        }
        let minMemory = 8 * parallelism
        if memoryKiB < minMemory || memoryKiB > Self.maximumMemoryKiB {
            return "m (memory in KiB) must be in \(minMemory)...\(Self.maximumMemoryKiB) (at least 8 × p), got \(memoryKiB)"
        }
        return nil
    }

    func isWithin(_ limit: Argon2Parameters) -> Bool {
        memoryKiB <= limit.memoryKiB && iterations <= limit.iterations && parallelism <= limit.parallelism
    }

    static let formatHint = "expected \"m=<memory KiB>,t=<iterations>,p=<parallelism>\", e.g. \"m=19456,t=2,p=1\""

    /// Parses "m=19456,t=2,p=1" (keys in any order, all three required,
    /// whitespace around items tolerated).
    public static func parse(_ s: String) throws(Argon2ParameterError) -> Argon2Parameters {
        func fail(_ what: String) -> Argon2ParameterError {
            var shown = String(s.unicodeScalars.prefix(80))
            if shown.unicodeScalars.count < s.unicodeScalars.count { shown += "…" }
            shown = shown.debugDescription  // quoted, control characters escaped
            return Argon2ParameterError("USHER_PASSWORD_HASH=\(shown) is invalid: \(what); \(formatHint)")
        }

        let trimmed = trim(Substring(s))
        if trimmed.isEmpty { throw fail("it is empty") }

        var values: [Character: UInt32] = [:]
        for rawItem in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let item = trim(rawItem)
            if item.isEmpty { throw fail("empty item between commas") }
            guard let eq = item.firstIndex(of: "=") else {
                throw fail("item \"\(item)\" is not of the form key=value")
            }
            let key = trim(item[..<eq])
            let valueText = trim(item[item.index(after: eq)...])
            guard key.count == 1, let k = key.first, "mtp".contains(k) else {
                throw fail("unknown key \"\(key)\" (allowed: m, t, p)")
            }
            if values[k] != nil { throw fail("\(k) is given more than once") }
            guard let v = parseDecimalUInt32(Array(valueText.utf8), allowLeadingZeros: true) else {
                throw fail("\(k) value \"\(valueText)\" is not a whole number between 0 and \(UInt32.max)")
            }
            values[k] = v
        }
        let missing = "mtp".filter { values[$0] == nil }
        if !missing.isEmpty {
            throw fail("missing " + missing.map { String($0) }.joined(separator: ", "))
        }
        let p = Argon2Parameters(memoryKiB: values["m"]!, iterations: values["t"]!, parallelism: values["p"]!)
        if let problem = p.boundsProblem { throw fail(problem) }
        return p
    }

    private static func trim(_ s: Substring) -> Substring {
        var s = s
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return s
    }
}

// MARK: - Argon2id

public enum Argon2id {
    public static let saltLength = 16
    public static let hashLength = 32
    /// Stored hashes longer than this are refused outright.
    static let maxEncodedLength = 512

    /// Hashes `password` (its UTF-8 bytes, NULs included) and returns the PHC string
    /// `$argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>` (unpadded standard base64).
    /// `salt` defaults to 16 bytes from `SystemRandomNumberGenerator`.
    public static func hash(password: String, parameters: Argon2Parameters, salt: [UInt8]? = nil) throws -> String {
        try parameters.validate()
        let salt = salt ?? randomBytes(count: saltLength)
        guard salt.count >= 8, salt.count <= 256 else {
            throw Argon2Error("salt must be 8...256 bytes, got \(salt.count)")
        }
        let tag = try compute(
            password: Array(password.utf8), salt: salt, parameters: parameters, length: hashLength, version: ARGON2_VERSION_13.rawValue)
        // libargon2's own encoding: unpadded standard base64, parameters in m, t, p order.
        return "$argon2id$v=19$m=\(parameters.memoryKiB),t=\(parameters.iterations),p=\(parameters.parallelism)$"
            + base64EncodeUnpadded(salt) + "$" + base64EncodeUnpadded(tag)
    }

    /// Constant-time verification: the stored string's salt and parameters hash the password
    /// again, and the two tags are compared without an early exit. Returns false (never traps)
    /// for wrong passwords, malformed strings, other variants/versions, and for stored
    /// parameters outside `Argon2Parameters.defaultVerificationLimit`.
    public static func verify(password: String, encoded: String) -> Bool {
        verify(password: password, encoded: encoded, limit: .defaultVerificationLimit)
    }

    /// As `verify(password:encoded:)`, with an explicit ceiling on the stored
    /// hash's m/t/p (checked before libargon2 allocates anything).
    public static func verify(password: String, encoded: String, limit: Argon2Parameters) -> Bool {
        guard let phc = PHCString(encoded), phc.parameters.isWithin(limit),
            let tag = try? compute(
                password: Array(password.utf8), salt: phc.salt, parameters: phc.parameters, length: phc.hash.count,
                version: ARGON2_VERSION_13.rawValue)
        else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(tag, phc.hash) { difference |= a ^ b }
        return difference == 0
    }

    /// Parameters of a well-formed `$argon2id$v=19$…` string whose m/t/p are within
    /// the same bounds as `Argon2Parameters.parse`; nil otherwise.
    public static func parameters(of encoded: String) -> Argon2Parameters? {
        PHCString(encoded)?.parameters
    }

    /// True when `encoded` is not an argon2id v=19 hash with exactly `target`'s
    /// parameters (i.e. re-hash after a successful login).
    public static func needsRehash(_ encoded: String, target: Argon2Parameters) -> Bool {
        parameters(of: encoded) != target
    }

    /// Raw Argon2id tag (no encoding), for test vectors.
    /// `version` is 0x13 (default) or 0x10.
    public static func rawHash(
        password: [UInt8], salt: [UInt8], parameters: Argon2Parameters,
        length: Int = 32, version: UInt32 = 0x13
    ) throws -> [UInt8] {
        try parameters.validate()
        guard version == ARGON2_VERSION_13.rawValue || version == ARGON2_VERSION_10.rawValue else {
            throw Argon2Error("unsupported version 0x\(String(version, radix: 16))")
        }
        guard (4...1024).contains(length) else {
            throw Argon2Error("hash length must be 4...1024 bytes, got \(length)")
        }
        return try compute(password: password, salt: salt, parameters: parameters, length: length, version: version)
    }

    /// One Argon2id tag through `argon2_ctx`, with the work area from `Argon2Memory`.
    static func compute(password: [UInt8], salt: [UInt8], parameters: Argon2Parameters, length: Int, version: UInt32) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: length)
        var password = password
        var salt = salt
        let rc = out.withUnsafeMutableBufferPointer { o in
            password.withUnsafeMutableBufferPointer { p in
                salt.withUnsafeMutableBufferPointer { s in
                    var context = argon2_context()
                    context.out = o.baseAddress
                    context.outlen = UInt32(o.count)
                    context.pwd = p.baseAddress
                    context.pwdlen = UInt32(p.count)
                    context.salt = s.baseAddress
                    context.saltlen = UInt32(s.count)
                    context.t_cost = parameters.iterations
                    context.m_cost = parameters.memoryKiB
                    context.lanes = parameters.parallelism
                    context.threads = parameters.parallelism
                    context.version = version
                    context.allocate_cbk = Argon2Memory.allocate
                    context.free_cbk = Argon2Memory.free
                    context.flags = 0  // ARGON2_DEFAULT_FLAGS: the password is left as it is
                    return argon2_ctx(&context, Argon2_id)
                }
            }
        }
        guard rc == ARGON2_OK.rawValue else { throw Argon2Error(code: rc) }
        return out
    }

    static func randomBytes(count: Int) -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
    }
}

// MARK: - Strict PHC pre-parser

/// `$argon2id$v=19$m=<u32>,t=<u32>,p=<u32>$<b64 salt>$<b64 hash>` exactly as
/// libargon2 writes it. Everything libargon2 would be asked to do is bounded here.
struct PHCString {
    let parameters: Argon2Parameters
    let salt: [UInt8]
    let hash: [UInt8]

    init?(_ s: String) {
        let u = Array(s.utf8)
        guard !u.isEmpty, u.count <= Argon2id.maxEncodedLength else { return nil }
        let fields = u.split(separator: UInt8(ascii: "$"), omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0].isEmpty,
            Array(fields[1]) == Array("argon2id".utf8),
            Array(fields[2]) == Array("v=19".utf8)
        else { return nil }

        // m=…,t=…,p=… in libargon2's fixed order.
        let kv = fields[3].split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        guard kv.count == 3 else { return nil }
        var nums: [UInt32] = []
        for (item, key) in zip(kv, ["m", "t", "p"]) {
            let bytes = Array(item)
            guard bytes.count >= 3, bytes[0] == UInt8(ascii: Unicode.Scalar(key)!), bytes[1] == UInt8(ascii: "="),
                let n = parseDecimalUInt32(Array(bytes[2...]), allowLeadingZeros: false)
            else { return nil }
            nums.append(n)
        }
        let params = Argon2Parameters(memoryKiB: nums[0], iterations: nums[1], parallelism: nums[2])
        guard params.boundsProblem == nil else { return nil }

        guard let salt = base64DecodeUnpadded(Array(fields[4])),
            let hash = base64DecodeUnpadded(Array(fields[5])),
            salt.count >= 8,
            hash.count >= 4
        else { return nil }

        self.parameters = params
        self.salt = salt
        self.hash = hash
    }
}

/// Strict decimal: ASCII digits only, no sign, fits in UInt32.
func parseDecimalUInt32(_ bytes: [UInt8], allowLeadingZeros: Bool) -> UInt32? {
    guard !bytes.isEmpty, bytes.count <= 10 else { return nil }
    if !allowLeadingZeros, bytes.count > 1, bytes[0] == UInt8(ascii: "0") { return nil }
    var acc: UInt64 = 0
    for b in bytes {
        guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
        acc = acc * 10 + UInt64(b - UInt8(ascii: "0"))
    }
    return acc <= UInt64(UInt32.max) ? UInt32(acc) : nil
}

/// Standard-alphabet base64 without padding, as libargon2 writes salts and tags.
func base64EncodeUnpadded(_ bytes: [UInt8]) -> String {
    Data(bytes).base64EncodedString().replacingOccurrences(of: "=", with: "")
}

/// Standard-alphabet base64 without padding; rejects '=', non-alphabet bytes,
/// impossible lengths and non-zero trailing bits (as libargon2 does).
func base64DecodeUnpadded(_ bytes: [UInt8]) -> [UInt8]? {
    func value(_ c: UInt8) -> UInt32? {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return UInt32(c - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return UInt32(c - UInt8(ascii: "a") + 26)
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(c - UInt8(ascii: "0") + 52)
        case UInt8(ascii: "+"): return 62
        case UInt8(ascii: "/"): return 63
        default: return nil
        }
    }
    guard bytes.count % 4 != 1 else { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 3 / 4)
    var acc: UInt32 = 0
    var bits = 0
    for c in bytes {
        guard let v = value(c) else { return nil }
        acc = (acc << 6) | v
        bits += 6
        if bits >= 8 {
            bits -= 8
            out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
            acc &= (1 << UInt32(bits)) - 1
        }
    }
    guard acc == 0 else { return nil }  // leftover bits must be zero
    return out
}
