import Crypto
import Fluent
import Foundation
import JWTKit
import NIOConcurrencyHelpers
import UsherCore
import Vapor
import _CryptoExtras

/// The keys that sign Usher's tokens: RS256 for ID tokens (what every OIDC client supports) and
/// ES256 for access tokens (fast to sign and check, which the token endpoint's throughput
/// needs). Keys are made on first start and kept in the database with a `kid`, so every instance
/// signs and verifies with the same keys. The newest key of each algorithm signs; older ones
/// stay published in the JWKS until retired, which is how rotation works without breaking
/// tokens already issued.
final class SigningKeys: Sendable {
    enum Algorithm: String, Sendable {
        case rs256 = "RS256"
        case es256 = "ES256"
    }

    private struct State: Sendable {
        var collection: JWTKeyCollection
        var active: [Algorithm: String]
        var jwks: [JWKEntry]
        var loadedAt: Date
        var verified = VerifiedTokens()
    }

    private let state: NIOLockedValueBox<State>

    private init(_ state: State) {
        self.state = NIOLockedValueBox(state)
    }

    /// Loads the keys, creating the first pair when the database has none.
    static func load(on db: any Database, logger: Logger) async throws -> SigningKeys {
        let keys = SigningKeys(try await buildState(db: db, logger: logger))
        return keys
    }

    /// Reads the keys again, e.g. after another instance rotated them.
    func reload(on db: any Database, logger: Logger) async throws {
        let fresh = try await Self.buildState(db: db, logger: logger)
        state.withLockedValue { $0 = fresh }
    }

    var jwks: [JWKEntry] { state.withLockedValue { $0.jwks } }

    func sign(_ payload: some JWTPayload, with algorithm: Algorithm) async throws -> String {
        let (collection, kid) = state.withLockedValue { ($0.collection, $0.active[algorithm]) }
        guard let kid else {
            throw UsherError(
                status: 500, errorKey: .keysMissing, title: "Internal Server Error",
                detail: "No \(algorithm.rawValue) signing key is loaded.")
        }
        var header = JWTHeader()
        header.typ = "JWT"
        return try await collection.sign(payload, kid: JWKIdentifier(string: kid), header: header)
    }

    /// Verifies a token Usher signed. An unknown `kid` makes the keys be read again once (another
    /// instance may have rotated them).
    /// A token already checked by this load of the keys only has its claims checked again.
    func verify<Payload: JWTPayload>(_ token: String, as type: Payload.Type, db: any Database, logger: Logger) async throws -> Payload {
        let key = VerifiedTokens.Key(token, type)
        let (collection, loadedAt, known) = state.withLockedValue { ($0.collection, $0.loadedAt, $0.verified.payload(key, as: type)) }
        if let known {
            try await known.verify(using: ClaimsOnlyAlgorithm())
            return known
        }
        let payload: Payload
        do {
            payload = try await collection.verify(token, as: type)
        } catch let error as JWTError where error.errorType == .unknownKID {
            let stale = Date().timeIntervalSince(loadedAt) > 5
            guard stale else { throw error }
            try await reload(on: db, logger: logger)
            return try await state.withLockedValue { $0.collection }.verify(token, as: type)
        }
        // Only into the load that checked it: a reload meanwhile may have retired its key.
        state.withLockedValue { if $0.loadedAt == loadedAt { $0.verified.remember(payload, for: key) } }
        return payload
    }

    /// Checks the signature only (the payload's own `verify` decides about claims).
    func verifyWithoutClaims<Payload: JWTPayload>(_ token: String, as type: Payload.Type) async throws -> Payload {
        try await state.withLockedValue { $0.collection }.verify(token, as: type)
    }

    /// Makes new keys of both algorithms; they sign from now on, the old ones stay published.
    static func rotate(on db: any Database) async throws -> [String] {
        try await db.write { tx in
            let rsa = try makeKey(.rs256)
            let ec = try makeKey(.es256)
            try await rsa.create(on: tx)
            try await ec.create(on: tx)
            return [rsa.id!, ec.id!]
        }
    }

    /// Retires keys older than the newest of their algorithm: they leave the JWKS, and tokens
    /// they signed stop verifying. Run it once every token signed by them has expired.
    static func retireOld(on db: any Database) async throws -> Int {
        try await db.write { tx in
            let all = try await SigningKeyModel.query(on: tx).filter(\.$retiredAt == nil).sort(\.$createdAt, .descending).all()
            var seen = Set<String>()
            var retired = 0
            for key in all {
                if seen.insert(key.algorithm).inserted { continue }
                key.retiredAt = Date()
                try await key.save(on: tx)
                retired += 1
            }
            return retired
        }
    }

    private static func buildState(db: any Database, logger: Logger) async throws -> State {
        var models = try await SigningKeyModel.query(on: db).filter(\.$retiredAt == nil).sort(\.$createdAt, .descending).all()
        let missing = [Algorithm.rs256, .es256].filter { alg in !models.contains { $0.algorithm == alg.rawValue } }
        if !missing.isEmpty {
            try await db.write { tx in
                for alg in missing { try await makeKey(alg).create(on: tx) }
            }
            logger.notice("Created signing keys for \(missing.map(\.rawValue).joined(separator: ", ")) (first start)")
            models = try await SigningKeyModel.query(on: db).filter(\.$retiredAt == nil).sort(\.$createdAt, .descending).all()
        }

        let collection = JWTKeyCollection()
        var active: [Algorithm: String] = [:]
        var jwks: [JWKEntry] = []
        for model in models {
            guard let kid = model.id, let alg = Algorithm(rawValue: model.algorithm) else { continue }
            switch alg {
            case .rs256:
                let key = try Insecure.RSA.PrivateKey(pem: model.privateKeyPEM)
                await collection.add(rsa: key, digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
                let (n, e) = try key.publicKey.getKeyPrimitives()
                jwks.append(
                    JWKEntry(
                        kty: "RSA", use: "sig", alg: alg.rawValue, kid: kid, n: n.base64URLEncodedString(), e: e.base64URLEncodedString(),
                        crv: nil, x: nil, y: nil))
            case .es256:
                let key = try ES256PrivateKey(pem: model.privateKeyPEM)
                await collection.add(ecdsa: key, kid: JWKIdentifier(string: kid))
                let raw = try P256.Signing.PrivateKey(pemRepresentation: model.privateKeyPEM).publicKey.rawRepresentation
                jwks.append(
                    JWKEntry(
                        kty: "EC", use: "sig", alg: alg.rawValue, kid: kid, n: nil, e: nil, crv: "P-256",
                        x: Data(raw.prefix(32)).base64URLEncodedString(), y: Data(raw.suffix(32)).base64URLEncodedString()))
            }
            if active[alg] == nil { active[alg] = kid }  // models are newest first
        }
        return State(collection: collection, active: active, jwks: jwks, loadedAt: Date())
    }

    private static func makeKey(_ alg: Algorithm) throws -> SigningKeyModel {
        let model = SigningKeyModel()
        model.algorithm = alg.rawValue
        model.createdAt = Date()
        switch alg {
        case .rs256:
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            model.privateKeyPEM = key.pemRepresentation
            model.id = "rsa-" + thumbprint(key.publicKey.derRepresentation)
        case .es256:
            let key = P256.Signing.PrivateKey()
            model.privateKeyPEM = key.pemRepresentation
            model.id = "ec-" + thumbprint(key.publicKey.derRepresentation)
        }
        return model
    }

    private static func thumbprint(_ publicKeyDER: Data) -> String {
        String(Data(SHA256.hash(data: publicKeyDER)).base64URLEncodedString().prefix(16))
    }
}

/// One public key as published at the JWKS endpoint.
struct JWKEntry: Content, Equatable {
    var kty: String
    var use: String
    var alg: String
    var kid: String
    var n: String?
    var e: String?
    var crv: String?
    var x: String?
    var y: String?
}
