import Testing

@testable import UsherPasswords

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
