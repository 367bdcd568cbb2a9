// swift-tools-version: 6.1
// bfxkit — a Swift toolkit for the Bitfinex API v2.
//
// Module graph (dependencies only point down this list, see docs/adr/0001):
//   BfxProtocol  — pure protocol core (no I/O)
//   BfxNonce     — nonce manager, dispatch queue, stores
//   BfxSimulator — protocol-faithful Bitfinex server (depends on BfxProtocol only)
//   BfxClient    — WebSocket + REST clients, user data
//   BfxRuntime   — YAML config, runtime host, alerts, metrics, dashboard
//   BfxConsole   — libedit console
//   bfxrun       — executable
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
]

let package = Package(
    name: "bfxkit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "BfxProtocol", targets: ["BfxProtocol"]),
        .library(name: "BfxNonce", targets: ["BfxNonce"]),
        .library(name: "BfxClient", targets: ["BfxClient"]),
        .library(name: "BfxSimulator", targets: ["BfxSimulator"]),
        .library(name: "BfxRuntime", targets: ["BfxRuntime"]),
        .executable(name: "bfxrun", targets: ["bfxrun"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.0"),
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
        .target(
            name: "BfxProtocol",
            dependencies: [
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
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "DequeModule", package: "swift-collections"),
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
        .target(
            name: "BfxClient",
            dependencies: [
                "BfxProtocol",
                "BfxNonce",
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
            name: "BfxRuntime",
            dependencies: [
                "BfxProtocol",
                "BfxNonce",
                "BfxClient",
                "BfxSimulator",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
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
                "BfxRuntime",
                "CEditLine",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "bfxrun",
            dependencies: [
                "BfxProtocol",
                "BfxNonce",
                "BfxClient",
                "BfxSimulator",
                "BfxRuntime",
                "BfxConsole",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "BfxProtocolTests", dependencies: ["BfxProtocol"], swiftSettings: swiftSettings),
        .testTarget(name: "BfxNonceTests", dependencies: ["BfxNonce", "BfxSimulator", "BfxClient"], swiftSettings: swiftSettings),
        .testTarget(
            name: "BfxSimulatorTests",
            dependencies: [
                "BfxSimulator",
                "BfxProtocol",
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "BfxClientTests", dependencies: ["BfxClient", "BfxSimulator", .product(name: "NIOEmbedded", package: "swift-nio")], swiftSettings: swiftSettings),
        .testTarget(
            name: "BfxRuntimeTests",
            dependencies: [
                "BfxRuntime",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "BfxConsoleTests", dependencies: ["BfxConsole", "BfxProtocol", "BfxRuntime", .product(name: "Logging", package: "swift-log")], swiftSettings: swiftSettings),
        .target(name: "ExampleSupport", dependencies: ["BfxProtocol", .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Logging", package: "swift-log")], path: "examples/swift/ExampleSupport", swiftSettings: swiftSettings),
        .executableTarget(name: "example-book-watcher", dependencies: ["BfxProtocol", "BfxNonce", "BfxClient", "BfxSimulator", "ExampleSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")], path: "examples/swift/BookWatcher", swiftSettings: swiftSettings),
        .executableTarget(name: "example-user-data-listener", dependencies: ["BfxProtocol", "BfxNonce", "BfxClient", "BfxSimulator", "ExampleSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")], path: "examples/swift/UserDataListener", swiftSettings: swiftSettings),
        .executableTarget(name: "example-order-round-trip", dependencies: ["BfxProtocol", "BfxNonce", "BfxClient", "BfxSimulator", "ExampleSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")], path: "examples/swift/OrderRoundTrip", swiftSettings: swiftSettings),
        .executableTarget(name: "example-shared-nonce-store", dependencies: ["BfxProtocol", "BfxNonce", "BfxClient", "BfxSimulator", "ExampleSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")], path: "examples/swift/SharedNonceStore", swiftSettings: swiftSettings),
    ]
)
