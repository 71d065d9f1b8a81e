import Foundation
import Testing
import UsherTestSupport

@testable import UsherPasswords

struct PythonResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

func runPython(_ script: String, _ args: [String]) throws -> PythonResult {
    let result = try ChildProcess.run(["python3", "-c", script] + args)
    return PythonResult(
        status: result.status,
        stdout: String(decoding: result.standardOutput, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines),
        stderr: String(decoding: result.standardError, as: UTF8.self))
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
