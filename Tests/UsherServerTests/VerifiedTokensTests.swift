import FluentKit
import Foundation
import JWTKit
import NIOConcurrencyHelpers
import Testing
import Vapor

@testable import UsherServer

/// `SigningKeys.verify` remembers tokens it checked (issue 21). A remembered token must still
/// have its claims checked on every use, and a reload of the keys — after a retirement — must
/// forget it.
@Suite struct VerifiedTokensTests {
    /// A payload whose claim check the test can turn to "refuse" after its first success.
    struct Probe: JWTPayload {
        static let refusing = NIOLockedValueBox(false)
        var sub: SubjectClaim
        var exp: ExpirationClaim

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
            if Self.refusing.withLockedValue({ $0 }) {
                throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "refused by the test")
            }
        }
    }

    func probe() -> Probe {
        Probe(sub: .init(value: UUID().uuidString), exp: .init(value: Date().addingTimeInterval(600)))
    }

    @Test func aRememberedTokenHasItsClaimsCheckedOnEveryUse() async throws {
        try await TestApp.with(.sqlite) { t in
            let keys = t.app.usher.keys
            let token = try await keys.sign(probe(), with: .es256)
            let first = try await keys.verify(token, as: Probe.self, db: t.app.db, logger: t.app.logger)
            let again = try await keys.verify(token, as: Probe.self, db: t.app.db, logger: t.app.logger)
            #expect(again.sub == first.sub)

            Probe.refusing.withLockedValue { $0 = true }
            defer { Probe.refusing.withLockedValue { $0 = false } }
            await #expect(throws: JWTError.self) {
                try await keys.verify(token, as: Probe.self, db: t.app.db, logger: t.app.logger)
            }
        }
    }

    @Test func aTamperedTokenIsNotTakenForARememberedOne() async throws {
        try await TestApp.with(.sqlite) { t in
            let keys = t.app.usher.keys
            let token = try await keys.sign(probe(), with: .es256)
            _ = try await keys.verify(token, as: Probe.self, db: t.app.db, logger: t.app.logger)
            // The same header and payload with another signature.
            let parts = token.split(separator: ".")
            let other = try await keys.sign(probe(), with: .es256).split(separator: ".")
            let forged = "\(parts[0]).\(parts[1]).\(other[2])"
            await #expect(throws: (any Error).self) {
                try await keys.verify(forged, as: Probe.self, db: t.app.db, logger: t.app.logger)
            }
        }
    }

    @Test func aReloadAfterARetirementForgetsTheTokensOfTheRetiredKey() async throws {
        try await TestApp.with(.sqlite) { t in
            let keys = t.app.usher.keys
            let token = try await keys.sign(probe(), with: .es256)
            _ = try await keys.verify(token, as: Probe.self, db: t.app.db, logger: t.app.logger)

            _ = try await SigningKeys.rotate(on: t.app.db)
            #expect(try await SigningKeys.retireOld(on: t.app.db) == 2)
            try await keys.reload(on: t.app.db, logger: t.app.logger)
            await #expect(throws: (any Error).self) {
                try await keys.verify(token, as: Probe.self, db: t.app.db, logger: t.app.logger)
            }
        }
    }
}
