import Testing

@testable import UsherPasswords

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
