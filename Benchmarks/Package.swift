// swift-tools-version: 6.2
// Benchmarks for bfxkit, kept in a separate package so the main build never compiles the
// benchmark framework. Run: cd Benchmarks && swift package --allow-writing-to-package-directory benchmark
import PackageDescription

// The root package is referenced by path, so its identity is its directory name ("main" in the
// shared work tree, something else in a fresh clone): derive it instead of hard-coding it.
let root = String(Context.packageDirectory.split(separator: "/").dropLast().last ?? "main").lowercased()

// Warnings are errors here too (as in the root package): benchmark code is project code.
let settings: [SwiftSetting] = [.swiftLanguageMode(.v6), .treatAllWarnings(as: .error)]

let package = Package(
    name: "bfxkit-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "ProtocolBenchmarks",
            dependencies: [
                .product(name: "BfxProtocol", package: root),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "ProtocolBenchmarks",
            swiftSettings: settings,
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        .executableTarget(
            name: "NonceBenchmarks",
            dependencies: [
                .product(name: "BfxNonce", package: root),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "NonceBenchmarks",
            swiftSettings: settings,
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        // Plain executable (not a Benchmark-framework target): frames/s the simulator pushes to one
        // loopback WebSocket. Run: swift run -c release SimulatorThroughput [seconds] [book|mixed]
        .executableTarget(
            name: "SimulatorThroughput",
            dependencies: [
                .product(name: "BfxSimulator", package: root),
            ],
            path: "Programs/SimulatorThroughput",
            swiftSettings: settings
        ),
        // Plain executable: end-to-end WebSocket client throughput against the in-process simulator.
        // Run: swift run -c release ClientThroughput [seconds] [books] [live|burst] [ticks]
        .executableTarget(
            name: "ClientThroughput",
            dependencies: [
                .product(name: "BfxClient", package: root),
                .product(name: "BfxProtocol", package: root),
                .product(name: "BfxSimulator", package: root),
            ],
            path: "Programs/ClientThroughput",
            swiftSettings: settings
        ),
        // Plain executable: drop → all 100 subscriptions resubscribed with fresh snapshots (p50/p90/p99).
        // Run: swift run -c release ResubscribeLatency [drops] [symbols]
        .executableTarget(
            name: "ResubscribeLatency",
            dependencies: [
                .product(name: "BfxClient", package: root),
                .product(name: "BfxSimulator", package: root),
            ],
            path: "Programs/ResubscribeLatency",
            swiftSettings: settings
        ),
        // Plain executable: user-data order round trip (p50/p99) against the simulator and account
        // events/s applied to AccountState. Run: swift run -c release UserDataBenchmarks [roundTrips] [events]
        .executableTarget(
            name: "UserDataBenchmarks",
            dependencies: [
                .product(name: "BfxClient", package: root),
                .product(name: "BfxNonce", package: root),
                .product(name: "BfxProtocol", package: root),
                .product(name: "BfxSimulator", package: root),
            ],
            path: "Programs/UserDataBenchmarks",
            swiftSettings: settings
        ),
        // Plain executable: client RSS with 250 live book subscriptions; the simulator runs in a
        // child process (this binary with --serve). Run: swift run -c release ClientMemory [seconds]
        .executableTarget(
            name: "ClientMemory",
            dependencies: [
                .product(name: "BfxClient", package: root),
                .product(name: "BfxSimulator", package: root),
            ],
            path: "Programs/ClientMemory",
            swiftSettings: settings
        ),
        // Plain executable: the gateway's local fan-out frames/s at 1/10/100 clients next to a bare NIO
        // fan-out of the same bytes, added latency p50/p99, CPU per million frames, RSS with 100 × 10.
        // Run: swift run -c release GatewayFanout [ticks]
        .executableTarget(
            name: "GatewayFanout",
            dependencies: [
                .product(name: "BfxClient", package: root),
                .product(name: "BfxGateway", package: root),
                .product(name: "BfxProtocol", package: root),
                .product(name: "BfxSimulator", package: root),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Programs/GatewayFanout",
            swiftSettings: settings
        ),
        // Plain executable: `bfxrun replay FILE --check` frames/s on a recorded ≥1M-frame session.
        // Run: swift run -c release ReplayCheckThroughput [frames] [books] [runs] [FILE]
        .executableTarget(
            name: "ReplayCheckThroughput",
            dependencies: [
                .product(name: "BfxClient", package: root),
                .product(name: "BfxProtocol", package: root),
                .product(name: "BfxSimulator", package: root),
            ],
            path: "Programs/ReplayCheckThroughput",
            swiftSettings: settings
        ),
    ]
)
