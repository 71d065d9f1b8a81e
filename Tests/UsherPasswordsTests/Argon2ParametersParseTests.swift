import Testing

@testable import UsherPasswords

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
