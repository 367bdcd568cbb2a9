// swift-tools-version: 6.2
// bfxkit — a Swift toolkit for the Bitfinex API v2.
//
// Module graph (dependencies only point down this list; docs/architecture.md draws it,
// docs/adr/0001 and 0020 explain it):
//   BfxProtocol        — pure protocol core (no I/O) and the one clock abstraction
//   BfxNonce           — nonce manager, sequential queue, memory and file stores
//   BfxNoncePostgres   — the PostgreSQL nonce store (the only module that compiles PostgresNIO)
//   BfxSimulator       — protocol-faithful Bitfinex server (depends on BfxProtocol only)
//   BfxClient          — WebSocket + REST clients, user data (no Hummingbird/Yams/Prometheus/PostgreSQL)
//   BfxGateway         — Bitfinex-compatible local endpoint sharing one verified upstream (BfxClient)
//   BfxRuntime         — YAML config, runtime, alerts, dashboard (records metrics through swift-metrics)
//   BfxConsole         — libedit console core (commands, rendering) against a backend protocol
//   BfxConsoleRuntime  — the console backend that drives a BfxRuntime
//   bfxrun             — the executable: picks the log handler and the Prometheus backend
// Not shipped: BfxNonceStress (multi-process nonce stress, used by `bfxrun nonce stress` and
// tests), bfx-bench-consume (peer benchmark consumer), BfxTestSupport (clocks, generators, waits).
import PackageDescription

// Every project target: Swift 6 language mode, and warnings are errors (SwiftPM applies warning
// control only to the root package, so packages that depend on bfxkit are unaffected).
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "bfxkit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "BfxProtocol", targets: ["BfxProtocol"]),
        .library(name: "BfxNonce", targets: ["BfxNonce"]),
        .library(name: "BfxNoncePostgres", targets: ["BfxNoncePostgres"]),
        .library(name: "BfxClient", targets: ["BfxClient"]),
        .library(name: "BfxSimulator", targets: ["BfxSimulator"]),
        .library(name: "BfxGateway", targets: ["BfxGateway"]),
        .library(name: "BfxRuntime", targets: ["BfxRuntime"]),
        .library(name: "BfxConsole", targets: ["BfxConsole"]),
        .executable(name: "bfxrun", targets: ["bfxrun"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.0"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // CRC-32 by carry-less multiplication for the book checksum (ADR 0030).
        .target(name: "CBfxCRC32"),
        .target(
            name: "BfxProtocol",
            dependencies: [
                "CBfxCRC32",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BfxNonce",
            dependencies: [
                "BfxProtocol",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BfxNoncePostgres",
            dependencies: [
                "BfxNonce",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BfxSimulator",
            dependencies: [
                "BfxProtocol",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // zlib for session recordings (ADR 0025): the system library, like libedit below.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(
            name: "BfxClient",
            dependencies: [
                "BfxProtocol",
                "BfxNonce",
                "CZlib",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BfxGateway",
            dependencies: [
                "BfxProtocol",
                "BfxClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BfxRuntime",
            dependencies: [
                "BfxProtocol",
                "BfxNonce",
                "BfxNoncePostgres",
                "BfxClient",
                "BfxGateway",
                "BfxSimulator",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(
            name: "CEditLine",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        .target(
            name: "BfxConsole",
            dependencies: [
                "BfxProtocol",
                "CEditLine",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BfxConsoleRuntime",
            dependencies: [
                "BfxProtocol",
                "BfxClient",
                "BfxNonce",
                "BfxSimulator",
                "BfxRuntime",
                "BfxConsole",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BfxNonceStress",
            dependencies: [
                "BfxProtocol",
                "BfxNonce",
                "BfxNoncePostgres",
                "BfxClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Test-only helpers (manual clock, seeded generator, bounded waits): never a product.
        .target(
            name: "BfxTestSupport",
            dependencies: [
                "BfxProtocol",
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/BfxTestSupport",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "bfxrun",
            dependencies: [
                "BfxProtocol",
                "BfxNonce",
                "BfxNoncePostgres",
                "BfxNonceStress",
                "BfxClient",
                "BfxGateway",
                "BfxSimulator",
                "BfxRuntime",
                "BfxConsole",
                "BfxConsoleRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // Peer-benchmark consumer (make bench, bench smoke): not a product, not part of bfxrun.
        .executableTarget(
            name: "bfx-bench-consume",
            dependencies: [
                "BfxProtocol",
                "BfxNonce",
                "BfxClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "BfxProtocolTests", dependencies: ["BfxProtocol", "BfxTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "BfxNonceTests", dependencies: ["BfxNonce", "BfxNoncePostgres", "BfxNonceStress", "BfxSimulator", "BfxClient", "BfxTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "BfxSimulatorTests",
            dependencies: [
                "BfxSimulator",
                "BfxProtocol",
                "BfxTestSupport",
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BfxGatewayTests",
            dependencies: [
                "BfxGateway",
                "BfxClient",
                "BfxSimulator",
                "BfxProtocol",
                "BfxTestSupport",
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "BfxClientTests", dependencies: ["BfxClient", "BfxSimulator", "BfxTestSupport", .product(name: "NIOEmbedded", package: "swift-nio")], swiftSettings: swiftSettings),
        .testTarget(
            name: "BfxRuntimeTests",
            dependencies: [
                "BfxRuntime",
                "BfxGateway",
                "BfxClient",
                "BfxSimulator",
                "BfxTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "BfxConsoleTests", dependencies: ["BfxConsole", "BfxConsoleRuntime", "BfxProtocol", "BfxRuntime", "BfxTestSupport", .product(name: "Logging", package: "swift-log")], swiftSettings: swiftSettings),
        .target(name: "ExampleSupport", dependencies: ["BfxProtocol", .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Logging", package: "swift-log")], path: "examples/swift/ExampleSupport", swiftSettings: swiftSettings),
        .executableTarget(name: "example-book-watcher", dependencies: ["BfxProtocol", "BfxNonce", "BfxClient", "BfxSimulator", "ExampleSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")], path: "examples/swift/BookWatcher", swiftSettings: swiftSettings),
        .executableTarget(name: "example-user-data-listener", dependencies: ["BfxProtocol", "BfxNonce", "BfxClient", "BfxSimulator", "ExampleSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")], path: "examples/swift/UserDataListener", swiftSettings: swiftSettings),
        .executableTarget(name: "example-order-round-trip", dependencies: ["BfxProtocol", "BfxNonce", "BfxClient", "BfxSimulator", "ExampleSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")], path: "examples/swift/OrderRoundTrip", swiftSettings: swiftSettings),
        .executableTarget(name: "example-shared-nonce-store", dependencies: ["BfxProtocol", "BfxNonce", "BfxNoncePostgres", "BfxNonceStress", "BfxClient", "BfxSimulator", "ExampleSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")], path: "examples/swift/SharedNonceStore", swiftSettings: swiftSettings),
    ]
)
