import Foundation
import Testing

@testable import UsherPasswords

// MARK: - Reference vectors

/// Argon2id, version 0x13, 32-byte tag — the `hashtest(...)` cases from
/// phc-winner-argon2 `src/test.c`. Every hex/encoded value below was recomputed
/// with Python argon2-cffi 25.1.0 (`argon2.low_level.hash_secret_raw(..., type=Type.ID,
/// version=19)`) and matched the upstream file.
struct Vector: Sendable, CustomTestStringConvertible {
    let t: UInt32
    let mLog2: UInt32
    let p: UInt32
    let password: String
    let salt: String
    let hex: String
    let encoded: String

    var testDescription: String { "t=\(t) m=2^\(mLog2) p=\(p) \(password)/\(salt)" }
    var parameters: Argon2Parameters {
        Argon2Parameters(memoryKiB: 1 << mLog2, iterations: t, parallelism: p)
    }
}

let vectors: [Vector] = [
    Vector(
        t: 2, mLog2: 16, p: 1, password: "password", salt: "somesalt",
        hex: "09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7",
        encoded: "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"),
    Vector(
        t: 2, mLog2: 18, p: 1, password: "password", salt: "somesalt",
        hex: "78fe1ec91fb3aa5657d72e710854e4c3d9b9198c742f9616c2f085bed95b2e8c",
        encoded: "$argon2id$v=19$m=262144,t=2,p=1$c29tZXNhbHQ$eP4eyR+zqlZX1y5xCFTkw9m5GYx0L5YWwvCFvtlbLow"),
    Vector(
        t: 2, mLog2: 8, p: 1, password: "password", salt: "somesalt",
        hex: "9dfeb910e80bad0311fee20f9c0e2b12c17987b4cac90c2ef54d5b3021c68bfe",
        encoded: "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"),
    Vector(
        t: 2, mLog2: 8, p: 2, password: "password", salt: "somesalt",
        hex: "6d093c501fd5999645e0ea3bf620d7b8be7fd2db59c20d9fff9539da2bf57037",
        encoded: "$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc"),
    Vector(
        t: 1, mLog2: 16, p: 1, password: "password", salt: "somesalt",
        hex: "f6a5adc1ba723dddef9b5ac1d464e180fcd9dffc9d1cbf76cca2fed795d9ca98",
        encoded: "$argon2id$v=19$m=65536,t=1,p=1$c29tZXNhbHQ$9qWtwbpyPd3vm1rB1GThgPzZ3/ydHL92zKL+15XZypg"),
    Vector(
        t: 4, mLog2: 16, p: 1, password: "password", salt: "somesalt",
        hex: "9025d48e68ef7395cca9079da4c4ec3affb3c8911fe4f86d1a2520856f63172c",
        encoded: "$argon2id$v=19$m=65536,t=4,p=1$c29tZXNhbHQ$kCXUjmjvc5XMqQedpMTsOv+zyJEf5PhtGiUghW9jFyw"),
    Vector(
        t: 2, mLog2: 16, p: 1, password: "differentpassword", salt: "somesalt",
        hex: "0b84d652cf6b0c4beaef0dfe278ba6a80df6696281d7e0d2891b817d8c458fde",
        encoded: "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$C4TWUs9rDEvq7w3+J4umqA32aWKB1+DSiRuBfYxFj94"),
    Vector(
        t: 2, mLog2: 16, p: 1, password: "password", salt: "diffsalt",
        hex: "bdf32b05ccc42eb15d58fd19b1f856b113da1e9a5874fdcc544308565aa8141c",
        encoded: "$argon2id$v=19$m=65536,t=2,p=1$ZGlmZnNhbHQ$vfMrBczELrFdWP0ZsfhWsRPaHppYdP3MVEMIVlqoFBw"),
]

func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}

@Suite("Reference vectors (phc-winner-argon2 src/test.c, argon2id v0x13)")
struct ReferenceVectorTests {
    @Test(arguments: vectors)
    func rawHashMatches(_ v: Vector) throws {
        let raw = try Argon2id.rawHash(
            password: Array(v.password.utf8), salt: Array(v.salt.utf8),
            parameters: v.parameters, length: 32)
        #expect(hex(raw) == v.hex)
    }

    @Test(arguments: vectors)
    func encodedHashMatchesWithFixedSalt(_ v: Vector) throws {
        let encoded = try Argon2id.hash(password: v.password, parameters: v.parameters, salt: Array(v.salt.utf8))
        #expect(encoded == v.encoded)
    }

    @Test(arguments: vectors)
    func referenceEncodingVerifies(_ v: Vector) {
        #expect(Argon2id.verify(password: v.password, encoded: v.encoded))
        #expect(!Argon2id.verify(password: v.password + "x", encoded: v.encoded))
        #expect(Argon2id.parameters(of: v.encoded) == v.parameters)
    }

    @Test func version0x10RawHash() throws {
        // python: hash_secret_raw(b"password", b"somesalt", time_cost=2, memory_cost=65536,
        //         parallelism=1, hash_len=32, type=Type.ID, version=16).hex()
        let raw = try Argon2id.rawHash(
            password: Array("password".utf8), salt: Array("somesalt".utf8),
            parameters: Argon2Parameters(memoryKiB: 65536, iterations: 2, parallelism: 1),
            length: 32, version: 0x10)
        #expect(hex(raw) == "980ebd24a4e667f16346f9d4a78b175728783613e0cc6fb17c2ec884b16435df")
    }

    @Test func nonASCIIAndNULPasswordRawHash() throws {
        // python: hash_secret_raw("pässwörd\0🔑".encode(), b"somesalt", time_cost=2,
        //         memory_cost=256, parallelism=1, hash_len=32, type=Type.ID, version=19).hex()
        let raw = try Argon2id.rawHash(
            password: Array("pässwörd\u{0}🔑".utf8), salt: Array("somesalt".utf8),
            parameters: Argon2Parameters(memoryKiB: 256, iterations: 2, parallelism: 1))
        #expect(hex(raw) == "2f4faa075e5d87643c2ebc2621e0a6303b7417ca6089488f7d29d9ddece6a757")
    }
}

// MARK: - Hash / verify

let fast = Argon2Parameters(memoryKiB: 256, iterations: 2, parallelism: 1)

@Suite("hash and verify")
struct HashVerifyTests {
    @Test func roundTripWithOWASPParameters() throws {
        let encoded = try Argon2id.hash(password: "correct horse battery staple", parameters: .owasp)
        #expect(encoded.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        #expect(parts.count == 6)
        #expect(parts[4].count == 22)  // 16-byte salt, unpadded
        #expect(parts[5].count == 43)  // 32-byte hash, unpadded
        #expect(!parts[4].contains("=") && !parts[5].contains("="))  // unpadded base64
        #expect(Argon2id.verify(password: "correct horse battery staple", encoded: encoded))
        #expect(!Argon2id.verify(password: "correct horse battery stapl", encoded: encoded))
        #expect(!Argon2id.verify(password: "Correct horse battery staple", encoded: encoded))
        #expect(!Argon2id.verify(password: "", encoded: encoded))
    }

    /// The work area of a hash is kept for the next one (no page faults per hash) and goes back
    /// to the system on `releaseIdle`, after which hashing still works.
    @Test func workAreaIsReusedThenReleased() throws {
        let parameters = Argon2Parameters(memoryKiB: 8264, iterations: 1, parallelism: 1)  // a size no other test uses
        let size = 8264 * 1024
        let first = try Argon2id.hash(password: "area", parameters: parameters)
        #expect(Argon2Memory.idleAreas(ofSize: size) == 1)
        #expect(Argon2id.verify(password: "area", encoded: first))
        #expect(Argon2Memory.idleAreas(ofSize: size) == 1)  // the same area again, not a second one
        #expect(Argon2Memory.releaseIdle() >= size)
        #expect(Argon2Memory.idleAreas(ofSize: size) == 0)
        #expect(Argon2id.verify(password: "area", encoded: first))
        #expect(!Argon2id.verify(password: "aera", encoded: first))
    }

    @Test func saltsAreRandom() throws {
        let a = try Argon2id.hash(password: "same", parameters: fast)
        let b = try Argon2id.hash(password: "same", parameters: fast)
        #expect(a != b)
        #expect(Argon2id.verify(password: "same", encoded: a))
        #expect(Argon2id.verify(password: "same", encoded: b))
    }

    @Test func nulBytesAndUnicodeArePartOfThePassword() throws {
        let pw = "pass\u{0}word 🔑 ünïcödé"
        let encoded = try Argon2id.hash(password: pw, parameters: fast)
        #expect(Argon2id.verify(password: pw, encoded: encoded))
        #expect(!Argon2id.verify(password: "pass", encoded: encoded))
        #expect(!Argon2id.verify(password: "pass\u{0}word", encoded: encoded))
        let nulOnly = try Argon2id.hash(password: "\u{0}", parameters: fast)
        #expect(!Argon2id.verify(password: "", encoded: nulOnly))
        #expect(Argon2id.verify(password: "\u{0}", encoded: nulOnly))
    }

    @Test func emptyPasswordWorks() throws {
        let encoded = try Argon2id.hash(password: "", parameters: fast)
        #expect(Argon2id.verify(password: "", encoded: encoded))
        #expect(!Argon2id.verify(password: " ", encoded: encoded))
    }

    @Test func parallelismTwo() throws {
        let p = Argon2Parameters(memoryKiB: 1024, iterations: 1, parallelism: 2)
        let encoded = try Argon2id.hash(password: "x", parameters: p)
        #expect(Argon2id.parameters(of: encoded) == p)
        #expect(Argon2id.verify(password: "x", encoded: encoded))
    }

    @Test func hashRejectsBadInputs() {
        #expect(throws: Argon2ParameterError.self) {
            try Argon2id.hash(password: "x", parameters: Argon2Parameters(memoryKiB: 7, iterations: 1, parallelism: 1))
        }
        #expect(throws: Argon2ParameterError.self) {
            try Argon2id.hash(password: "x", parameters: Argon2Parameters(memoryKiB: 64, iterations: 0, parallelism: 1))
        }
        #expect(throws: Argon2Error.self) {
            try Argon2id.hash(password: "x", parameters: fast, salt: [1, 2, 3])
        }
        #expect(throws: Argon2Error.self) {
            try Argon2id.rawHash(password: [], salt: Array("somesalt".utf8), parameters: fast, length: 32, version: 0x11)
        }
    }

    @Test func parametersOfRoundTrips() throws {
        for p in [
            Argon2Parameters.owasp, Argon2Parameters(memoryKiB: 7168, iterations: 5, parallelism: 1), fast,
            Argon2Parameters(memoryKiB: 64, iterations: 1, parallelism: 8),
        ] {
            let encoded = try Argon2id.hash(password: "pw", parameters: p)
            #expect(Argon2id.parameters(of: encoded) == p)
            #expect(!Argon2id.needsRehash(encoded, target: p))
            #expect(
                Argon2id.needsRehash(
                    encoded, target: Argon2Parameters(memoryKiB: p.memoryKiB, iterations: p.iterations + 1, parallelism: p.parallelism)))
            #expect(try Argon2Parameters.parse(p.description) == p)
        }
        #expect(Argon2id.parameters(of: "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW") == nil)
        #expect(Argon2id.needsRehash("$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW", target: .owasp))
    }

    @Test func verificationLimit() throws {
        // Within parse bounds (512 MiB) but over the default verification ceiling (256 MiB):
        // refused without libargon2 allocating anything.
        let big = "$argon2id$v=19$m=524288,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"
        #expect(Argon2id.parameters(of: big) == Argon2Parameters(memoryKiB: 524288, iterations: 1, parallelism: 1))
        #expect(!Argon2id.verify(password: "password", encoded: big))
        // Nothing was allocated for it: a computed hash would leave its 512 MiB work area
        // waiting for reuse (Argon2Memory). Behaviour, not speed — speed belongs in bench/.
        #expect(Argon2Memory.idleAreas(ofSize: 524288 * 1024) == 0)

        let v = vectors[0]
        let tight = Argon2Parameters(memoryKiB: 1024, iterations: 100, parallelism: 64)
        #expect(!Argon2id.verify(password: v.password, encoded: v.encoded, limit: tight))
        #expect(
            Argon2id.verify(
                password: v.password, encoded: v.encoded,
                limit: .verificationLimit(accommodating: v.parameters)))
        let cfg = Argon2Parameters(memoryKiB: 1_048_576, iterations: 3, parallelism: 4)
        #expect(
            Argon2Parameters.verificationLimit(accommodating: cfg)
                == Argon2Parameters(memoryKiB: 1_048_576, iterations: 100, parallelism: 64))
    }
}

// MARK: - Malformed encodings

/// m=256 reference vector so prefixes that happen to be well-formed are cheap to check.
let smallVector = vectors[2]
let good = smallVector.encoded  // $argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4
let goodHashB64 = "nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"

/// Test-argument wrapper so NULs / newlines / 100k-char strings print legibly.
struct Input: Sendable, CustomTestStringConvertible, ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
    let value: String
    init(_ value: String) { self.value = value }
    init(stringLiteral value: String) { self.value = value }
    init(stringInterpolation: DefaultStringInterpolation) { self.value = String(stringInterpolation: stringInterpolation) }
    var testDescription: String {
        value.count > 120 ? "\(value.prefix(60).debugDescription)… (\(value.utf8.count) bytes)" : value.debugDescription
    }
}

let malformed: [Input] = [
    "",
    "$",
    "$$$$$",
    "password",
    "argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$\(goodHashB64)",  // no leading $
    // other variants / versions (valid argon2i and argon2d strings for "password")
    "$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA",
    "$argon2i$m=65536,t=2,p=1$c29tZXNhbHQ$9sTbSlTio3Biev89thdrlKKiCaYsjjYVJxGAL3swxpQ",
    "$argon2d$v=19$m=256,t=2,p=1$c29tZXNhbHQ$\(goodHashB64)",
    "$ARGON2ID$v=19$m=256,t=2,p=1$c29tZXNhbHQ$\(goodHashB64)",
    "$argon2id$m=256,t=2,p=1$c29tZXNhbHQ$\(goodHashB64)",  // no v= (libargon2 would treat as v=16)
    "$argon2id$v=16$m=256,t=2,p=1$c29tZXNhbHQ$\(goodHashB64)",
    "$argon2id$v=20$m=256,t=2,p=1$c29tZXNhbHQ$\(goodHashB64)",
    // bcrypt / other schemes
    "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
    "$2y$10$abcdefghijklmnopqrstuu5Q8cH1v1Y8Gp0YFqG3Jc0o8c5y3x6yq",
    "$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E",
    "{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=",
    // absurd / invalid parameters
    "$argon2id$v=19$m=99999999999,t=2,p=1$c29tZXNhbHQ$\(goodHashB64)",
    "$argon2id$v=19$m=4294967295,t=2,p=1$c29tZXNhbHQ$\(goodHashB64)",
    "$argon2id$v=19$m=4294967296,t=2,p=1$c29tZXNhbHQ$\(goodHashB64)",
    "$argon2id$v=19$m=4194304,t=2,p=1$c29tZXNhbHQ$\(goodHashB64)",  // 4 GiB: over verify ceiling
    "$argon2id$v=19$m=256,t=0,p=1$c29tZXNhbHQ$\(goodHashB64)",
    "$argon2id$v=19$m=256,t=101,p=1$c29tZXNhbHQ$\(goodHashB64)",
    "$argon2id$v=19$m=256,t=4294967295,p=1$c29tZXNhbHQ$\(goodHashB64)",
    "$argon2id$v=19$m=256,t=2,p=0$c29tZXNhbHQ$\(goodHashB64)",
    "$argon2id$v=19$m=256,t=2,p=65$c29tZXNhbHQ$\(goodHashB64)",
    "$argon2id$v=19$m=256,t=2,p=16777215$c29tZXNhbHQ$\(goodHashB64)",
    "$argon2id$v=19$m=7,t=2,p=1$c29tZXNhbHQ$\(goodHashB64)",
    "$argon2id$v=19$m=0,t=2,p=1$c29tZXNhbHQ$\(goodHashB64)",
    "$argon2id$v=19$m=15,t=2,p=2$c29tZXNhbHQ$\(goodHashB64)",  // m < 8p
    "$argon2id$v=19$m=-256,t=2,p=1$c29tZXNhbHQ$\(goodHashB64)",
    "$argon2id$v=19$m=+256,t=2,p=1$c29tZXNhbHQ$\(goodHashB64)",
    "$argon2id$v=19$m=0256,t=2,p=1$c29tZXNhbHQ$\(goodHashB64)",
    "$argon2id$v=19$m= 256,t=2,p=1$c29tZXNhbHQ$\(goodHashB64)",
    "$argon2id$v=19$m=256,t=2$c29tZXNhbHQ$\(goodHashB64)",
    "$argon2id$v=19$t=2,m=256,p=1$c29tZXNhbHQ$\(goodHashB64)",
    "$argon2id$v=19$m=256,t=2,p=1,keyid=x$c29tZXNhbHQ$\(goodHashB64)",
    "$argon2id$v=19$m=256,,t=2,p=1$c29tZXNhbHQ$\(goodHashB64)",
    "$argon2id$v=19$m=2.5e2,t=2,p=1$c29tZXNhbHQ$\(goodHashB64)",
    // bad base64 / lengths
    "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ=$\(goodHashB64)",  // padding
    "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$\(goodHashB64)=",
    "$argon2id$v=19$m=256,t=2,p=1$c29t!XNhbHQ$\(goodHashB64)",
    "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR_uIPnA4rEsF5h7TKyQwu9U1bMCHGi_4",  // base64url
    "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHR$\(goodHashB64)",  // non-zero trailing bits
    "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/5",
    "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQAA$\(goodHashB64)",  // 13 chars: length ≡ 1 (mod 4)
    "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbA$\(goodHashB64)",  // 10 chars -> 7 bytes: salt < 8 bytes
    "$argon2id$v=19$m=256,t=2,p=1$$\(goodHashB64)",
    "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$",
    "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65E",  // 3-byte hash < ARGON2_MIN_OUTLEN
    "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ",
    "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$\(goodHashB64)$",
    "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$\(goodHashB64)$extra",
    " \(good)",
    "\(good) ",
    "\(good)\n",
    "\(good)\u{0}",
    "\(good.prefix(30))\u{0}\(good.dropFirst(30))",
    "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$\(String(repeating: "A", count: 100_000))",
    Input(String(repeating: "$", count: 10_000)),
    "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4é",
]

@Suite("Malformed encoded strings are refused without crashing")
struct MalformedTests {
    @Test(arguments: malformed)
    func refused(_ input: Input) {
        let s = input.value
        // Rejected by the Swift pre-parser (or its verification ceiling): libargon2 is never called.
        if let phc = PHCString(s) {
            #expect(!phc.parameters.isWithin(.defaultVerificationLimit), "pre-parser accepted \(input.testDescription)")
        }
        #expect(!Argon2id.verify(password: "password", encoded: s))
        #expect(!Argon2id.verify(password: "", encoded: s))
    }

    @Test func parametersOfRejectsStructurallyBad() {
        for s in malformed.map(\.value)
        where s.contains("m=99999999999") || s.contains("t=0,") || s.contains("$2b$")
            || s.hasPrefix("$argon2i$") || s.isEmpty || s.contains("p=0$")
        {
            #expect(Argon2id.parameters(of: s) == nil, "\(s)")
        }
    }

    /// Every truncation of a valid string (and every single-character deletion) is refused.
    @Test func everyTruncationAndDeletionRefused() {
        #expect(Argon2id.verify(password: "password", encoded: good))
        for n in 0..<good.count {
            #expect(!Argon2id.verify(password: "password", encoded: String(good.prefix(n))), "prefix \(n)")
            var deleted = good
            deleted.remove(at: deleted.index(deleted.startIndex, offsetBy: n))
            #expect(!Argon2id.verify(password: "password", encoded: deleted), "deleted \(n)")
        }
    }
}

// MARK: - USHER_PASSWORD_HASH parsing

@Suite("Argon2Parameters.parse")
struct ParseTests {
    @Test func accepts() throws {
        #expect(try Argon2Parameters.parse("m=19456,t=2,p=1") == .owasp)
        #expect(
            try Argon2Parameters.parse("t=5,m=7168,p=1")
                == Argon2Parameters(memoryKiB: 7168, iterations: 5, parallelism: 1))
        #expect(try Argon2Parameters.parse("p=1,t=2,m=19456") == .owasp)
        #expect(try Argon2Parameters.parse("  m = 19456 , t=2,p=1\n") == .owasp)
        #expect(try Argon2Parameters.parse("m=8,t=1,p=1") == Argon2Parameters(memoryKiB: 8, iterations: 1, parallelism: 1))
        #expect(
            try Argon2Parameters.parse("m=4194304,t=100,p=64")
                == Argon2Parameters(memoryKiB: 4_194_304, iterations: 100, parallelism: 64))
        #expect(Argon2Parameters.owasp.description == "m=19456,t=2,p=1")
    }

    @Test(arguments: [
        "", "   ", "junk", "m=19456", "m=19456,t=2", "m=19456,t=2,p=1,", ",m=19456,t=2,p=1",
        "m=19456,,t=2,p=1", "m=19456;t=2;p=1", "m:19456,t=2,p=1", "m=19456,t=2,p=1,x=3",
        "m=19456,t=2,p=1,m=19456", "M=19456,T=2,P=1", "m=19k,t=2,p=1", "m=-1,t=2,p=1", "m=+19456,t=2,p=1",
        "m=19456.0,t=2,p=1", "m=,t=2,p=1", "m=99999999999,t=2,p=1", "m=4194305,t=2,p=1", "m=7,t=1,p=1",
        "m=15,t=1,p=2", "m=19456,t=0,p=1", "m=19456,t=101,p=1", "m=19456,t=2,p=0", "m=19456,t=2,p=65",
        "mt=19456,t=2,p=1", "$argon2id$v=19$m=19456,t=2,p=1", "m=19456 t=2 p=1", "m=１９４５６,t=2,p=1",
    ])
    func rejects(_ s: String) {
        #expect(throws: Argon2ParameterError.self) { try Argon2Parameters.parse(s) }
    }

    @Test func errorMessagesNameTheVariableAndTheProblem() {
        func message(_ s: String) -> String {
            do {
                _ = try Argon2Parameters.parse(s)
                return ""
            } catch { return error.description }
        }
        #expect(message("m=19456,t=2").contains("USHER_PASSWORD_HASH"))
        #expect(message("m=19456,t=2").contains("missing p"))
        #expect(message("m=19456,t=0,p=1").contains("t (iterations) must be in 1...100"))
        #expect(message("m=99999999999,t=2,p=1").contains("m value"))
        #expect(message("q=1,t=2,p=1").contains("unknown key \"q\""))
        #expect(message("m=1,t=1,p=1").contains("m (memory in KiB) must be in 8...4194304"))
        #expect(message("m=1,t=1,p=1").contains("e.g. \"m=19456,t=2,p=1\""))
        do {
            try Argon2Parameters(memoryKiB: 1, iterations: 1, parallelism: 1).validate()
            Issue.record("expected validate() to throw")
        } catch {
            #expect(error.description.contains("USHER_PASSWORD_HASH"))
        }
    }
}

// MARK: - Interoperability with Python argon2-cffi

struct PythonResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

func runPython(_ script: String, _ args: [String]) throws -> PythonResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + args
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Outputs are tiny; read both before waiting.
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return PythonResult(
        status: process.terminationStatus,
        stdout: String(decoding: o, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines),
        stderr: String(decoding: e, as: UTF8.self))
}

/// Fails the test with a clear message if python3 or argon2-cffi is unavailable.
func requirePythonArgon2() throws {
    let r: PythonResult
    do {
        r = try runPython("import argon2, argon2.low_level; print('ok')", [])
    } catch {
        Issue.record("could not run `/usr/bin/env python3`: \(error). Install python3 and `pip install argon2-cffi`.")
        throw error
    }
    try #require(
        r.status == 0 && r.stdout == "ok",
        "python3 with argon2-cffi is required for interop tests (`pip install argon2-cffi`); got status \(r.status): \(r.stderr)")
}

func hexString(_ s: String) -> String { hex(Array(s.utf8)) }

let interopPasswords: [Input] = ["correct horse battery staple", "pässwörd 🔑", "nul\u{0}inside", ""]

@Suite("Interop with Python argon2-cffi", .serialized)
struct PythonInteropTests {
    static let pyVerify = """
        import sys, argon2
        ph = argon2.PasswordHasher()
        try:
            ph.verify(sys.argv[1], bytes.fromhex(sys.argv[2]))
            print("ok")
        except argon2.exceptions.VerifyMismatchError:
            print("mismatch")
        """

    static let pyHash = """
        import sys, argon2
        t, m, p = (int(x) for x in sys.argv[2:5])
        ph = argon2.PasswordHasher(time_cost=t, memory_cost=m, parallelism=p) if t else argon2.PasswordHasher()
        print(ph.hash(bytes.fromhex(sys.argv[1])))
        """

    @Test(arguments: interopPasswords)
    func swiftHashVerifiesInPython(_ input: Input) throws {
        let pw = input.value
        try requirePythonArgon2()
        let encoded = try Argon2id.hash(password: pw, parameters: .owasp)
        let ok = try runPython(Self.pyVerify, [encoded, hexString(pw)])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout == "ok", "python refused \(encoded): \(ok.stderr)")
        let wrong = try runPython(Self.pyVerify, [encoded, hexString(pw + "!")])
        #expect(wrong.stdout == "mismatch", "\(wrong.stderr)")
    }

    @Test(arguments: interopPasswords)
    func pythonHashVerifiesInSwift(_ input: Input) throws {
        let pw = input.value
        try requirePythonArgon2()
        // argon2-cffi defaults (t=3, m=65536, p=4) and the OWASP profile.
        for (t, m, p) in [(0, 0, 0), (2, 19456, 1)] as [(Int, Int, Int)] {
            let r = try runPython(Self.pyHash, [hexString(pw), "\(t)", "\(m)", "\(p)"])
            try #require(r.status == 0, "python hash failed: \(r.stderr)")
            let encoded = r.stdout
            #expect(encoded.hasPrefix("$argon2id$v=19$"), "\(encoded)")
            #expect(Argon2id.verify(password: pw, encoded: encoded), "swift refused python hash \(encoded)")
            #expect(!Argon2id.verify(password: pw + "!", encoded: encoded))
            if t == 0 {
                #expect(Argon2id.parameters(of: encoded) == Argon2Parameters(memoryKiB: 65536, iterations: 3, parallelism: 4))
            } else {
                #expect(Argon2id.parameters(of: encoded) == .owasp)
            }
        }
    }
}
