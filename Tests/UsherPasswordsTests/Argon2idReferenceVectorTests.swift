import Foundation
import Testing

@testable import UsherPasswords

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
