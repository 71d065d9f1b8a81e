// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "usher",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "usher", targets: ["usher"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        // SQLite's group commit encodes values as SQLKit does (SQLiteDataEncoder) and drives
        // SQLiteNIO's own copy of SQLite (its VaporCSQLite module) directly: docs/performance.md.
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        // Operations (docs/operations.md): metrics through swift-metrics with a Prometheus backend,
        // traces through swift-distributed-tracing exported as OTLP/HTTP by swift-otel (its gRPC
        // exporter is left out: the OTLPHTTP trait alone, hence tools version 6.1).
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // Bulk invitations read and write CSV (RFC 4180) with CSV.swift.
        .package(url: "https://github.com/yaslab/CSV.swift.git", exact: "2.5.2"),
        // Tests only: snapshots of the customer pages as rendered, in each language (issue 22).
        .package(url: "https://github.com/pointfreeco/swift-snapshot-testing.git", from: "1.19.7"),
    ],
    targets: [
        // Debian's libargon2 (the reference implementation of Argon2), bound as a system library.
        .systemLibrary(
            name: "CArgon2",
            path: "Sources/CArgon2",
            pkgConfig: "libargon2",
            providers: [.apt(["libargon2-dev"])]
        ),
        // Argon2id password hashes in PHC form, on top of libargon2.
        .target(name: "UsherPasswords", dependencies: ["CArgon2"]),
        // The domain: types, rules and errors in plain Swift. No Vapor, no database.
        .target(
            name: "UsherCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The Vapor application, one folder per feature.
        .target(
            name: "UsherServer",
            dependencies: [
                "UsherCore",
                "UsherPasswords",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CSV", package: "CSV.swift"),
            ]
        ),
        .executableTarget(
            name: "usher",
            dependencies: [
                "UsherServer",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "UsherCoreTests", dependencies: ["UsherCore"]),
        // Tests only: starts the tests' helper programs (python3) without Foundation's Process,
        // whose Process.run() can crash on Linux with Swift 6.3.1 (see ChildProcess.swift).
        .target(name: "UsherTestSupport", path: "Tests/UsherTestSupport"),
        .testTarget(name: "UsherPasswordsTests", dependencies: ["UsherPasswords", "UsherTestSupport"]),
        .testTarget(
            name: "UsherServerTests",
            dependencies: [
                "UsherServer",
                "UsherTestSupport",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "SnapshotTesting", package: "swift-snapshot-testing"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
