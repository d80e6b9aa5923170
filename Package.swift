// swift-tools-version:6.2
import PackageDescription

/// Shuniu (枢纽): the data-exchange hub of an e-bidding public service platform.
///
/// Dependencies point one way: `shuniu` → `ShuniuCLI` → `ShuniuApp` → feature modules → `ShuniuCore`.
/// Feature modules reach the store through ports, protocols in `ShuniuCore` (Sources/ShuniuCore/Ports);
/// `ShuniuApp` and `ShuniuCLI` hold the whole engine as `any StoreEngine`, opened in one place each
/// (`Hub.openStore`, `HubOptions.openStore`: `HubStore`, SQLite). No feature module imports `ShuniuStore`
/// or `ShuniuPostgres`, the second engine, which the tests run against the same contracts and
/// which the composition root will open once it keeps every port.
/// Only `ShuniuTrust` imports `COpenSSL`; only `ShuniuTransport` imports `CCurl`.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "shuniu",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "shuniu", targets: ["shuniu"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Already used by Hummingbird; named here because ShuniuAPI imports them.
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // Already used by Hummingbird; named here because ShuniuApp's connection limits see HTTP parts.
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        // Already used by Hummingbird; named here because ShuniuApp builds the TLS context it serves.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // The PostgreSQL engine's client (wire protocol, pool, TLS).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // C libraries, wrapped once each.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),

        // The domain: types and protocols, no I/O.
        .target(name: "ShuniuCore", swiftSettings: swiftSettings),

        // The common data spec as data, identifier checks and record validation.
        .target(
            name: "ShuniuSpec",
            dependencies: ["ShuniuCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),

        // Platform mapping files: a platform's payloads → spec records.
        .target(
            name: "ShuniuMapping",
            dependencies: ["ShuniuCore", "ShuniuSpec", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),

        // OpenSSL: digests, HMAC (SHA-256 and SM3); later chains, CRLs and signatures.
        .target(
            name: "ShuniuTrust",
            dependencies: ["ShuniuCore", "ShuniuSpec", "COpenSSL", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),

        // libcurl behind a Swift async HTTP client.
        .target(name: "ShuniuTransport", dependencies: ["ShuniuCore", "CCurl"], swiftSettings: swiftSettings),

        // SQLite through GRDB: migrations, platforms, records and versions, nonces, audit chain.
        .target(
            name: "ShuniuStore",
            dependencies: ["ShuniuCore", "ShuniuTrust", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),

        // PostgreSQL through postgres-nio: the second engine, for several hub instances on one database.
        .target(
            name: "ShuniuPostgres",
            dependencies: [
                "ShuniuCore", "ShuniuTrust",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),

        // Request signing: the one signer every sender uses and the one verifier the hub uses.
        .target(
            name: "ShuniuAuth",
            dependencies: [
                "ShuniuCore", "ShuniuTrust",
                // NIOThreadPool: certificate checks (OpenSSL, blocking) off the cooperative pool.
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // A platform's side of ingest: sign and send a batch (CLI push, tests, benchmark).
        .target(name: "ShuniuClient", dependencies: ["ShuniuCore", "ShuniuAuth", "ShuniuTrust", "ShuniuTransport"], swiftSettings: swiftSettings),

        // Outbound delivery: per-destination workers, retry policy, circuit breaker.
        .target(
            name: "ShuniuDelivery",
            dependencies: [
                "ShuniuCore", "ShuniuAuth", "ShuniuTransport", "ShuniuTrust",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // The ingest path shared by pushed and pulled records: authenticate, validate, store.
        .target(
            name: "ShuniuIngest",
            dependencies: [
                "ShuniuCore", "ShuniuAuth", "ShuniuSpec", "ShuniuTrust", "ShuniuMapping",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                // NIOThreadPool: certificate checks (OpenSSL, blocking) off the cooperative pool.
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // The pull side: consumers, sharing types and grants, masking, the feed, disputes.
        .target(
            name: "ShuniuSharing",
            dependencies: [
                "ShuniuCore", "ShuniuAuth", "ShuniuSpec", "ShuniuTrust",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Pull connectors: poll platforms that only expose an API, through the ingest path.
        .target(
            name: "ShuniuConnectors",
            dependencies: [
                "ShuniuCore", "ShuniuAuth", "ShuniuIngest", "ShuniuTransport", "ShuniuMapping", "ShuniuTrust",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // HTTP edge: Hummingbird routes for ingest, reads, verification and health.
        .target(
            name: "ShuniuAPI",
            dependencies: [
                "ShuniuCore", "ShuniuAuth", "ShuniuIngest", "ShuniuSharing", "ShuniuTrust",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Composition root: configuration, logging, the service group.
        .target(
            name: "ShuniuApp",
            dependencies: [
                "ShuniuCore", "ShuniuSpec", "ShuniuStore", "ShuniuPostgres", "ShuniuIngest", "ShuniuSharing", "ShuniuAPI", "ShuniuTrust", "ShuniuDelivery", "ShuniuTransport", "ShuniuConnectors",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                // HTTPS: `server.tls`, its certificate reloaded on SIGHUP.
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                // Connection limits: a channel handler per connection, on the HTTP parts.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),

        // One command per file.
        .target(
            name: "ShuniuCLI",
            dependencies: [
                "ShuniuCore", "ShuniuApp", "ShuniuStore", "ShuniuPostgres", "ShuniuSpec", "ShuniuMapping", "ShuniuClient", "ShuniuSimulation", "ShuniuTrust", "ShuniuConnectors",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "shuniu", dependencies: ["ShuniuCLI"], swiftSettings: swiftSettings),

        // Simulated upstreams and trading platforms, for the tests and `shuniu demo`.
        .target(
            name: "ShuniuSimulation",
            dependencies: [
                // ShuniuTrust: the provincial receiver's DES token; ShuniuMapping: its strict XML reader.
                "ShuniuCore", "ShuniuClient", "ShuniuSpec", "ShuniuTrust", "ShuniuMapping",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Test support: running hub, temporary folders, signed requests.
        .target(
            name: "ShuniuTesting",
            dependencies: [
                "ShuniuCore", "ShuniuApp", "ShuniuStore", "ShuniuClient", "ShuniuSimulation", "ShuniuSpec",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Prints ingest throughput and latency beside the raw SQLite ceiling; asserts nothing.
        .executableTarget(
            name: "shuniu-bench",
            dependencies: [
                "ShuniuTesting", "ShuniuSimulation", "ShuniuApp", "ShuniuClient", "ShuniuCore", "ShuniuStore", "ShuniuSpec", "ShuniuTrust", "ShuniuMapping",
                "ShuniuTransport", "ShuniuPostgres",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Sources/ShuniuBench",
            swiftSettings: swiftSettings
        ),

        // Runs ShuniuTrust's chain verification over NIST PKITS and the Tongsuo SM2 chains (Ops/pki-conformance.sh).
        .executableTarget(name: "shuniu-conformance", dependencies: ["ShuniuTrust"], path: "Sources/ShuniuConformance", swiftSettings: swiftSettings),

        .testTarget(name: "ShuniuCoreTests", dependencies: ["ShuniuCore"], swiftSettings: swiftSettings),
        .testTarget(name: "ShuniuSpecTests", dependencies: ["ShuniuSpec", "ShuniuCore", "ShuniuTesting", .product(name: "Yams", package: "Yams")], swiftSettings: swiftSettings),
        .testTarget(name: "ShuniuMappingTests", dependencies: ["ShuniuMapping", "ShuniuSpec", "ShuniuCore", "ShuniuTesting"], swiftSettings: swiftSettings),
        .testTarget(name: "ShuniuTrustTests", dependencies: ["ShuniuTrust", "ShuniuCore", "ShuniuTesting", .product(name: "Yams", package: "Yams")], swiftSettings: swiftSettings),
        .testTarget(
            name: "ShuniuHubTests",
            dependencies: [
                "ShuniuTesting", "ShuniuSimulation", "ShuniuApp", "ShuniuStore", "ShuniuCore", "ShuniuClient", "ShuniuCLI", "ShuniuTransport", "ShuniuTrust", "shuniu",
                "ShuniuAPI", "ShuniuAuth", "ShuniuIngest", "ShuniuSharing", "ShuniuConnectors", "ShuniuPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
