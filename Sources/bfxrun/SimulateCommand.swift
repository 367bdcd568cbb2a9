import ArgumentParser
import BfxProtocol
import BfxSimulator
import Foundation
import Logging

/// `bfxrun simulate`: runs the Bitfinex simulator standalone until SIGINT/SIGTERM or `--duration`.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run the protocol-faithful Bitfinex v2 simulator on loopback.",
        discussion: """
            Prints the WebSocket, REST and control URLs, then serves until SIGINT/SIGTERM or --duration.
            Keys file (JSON): [{"key":"k1","secret":"s1","userId":1,"canWrite":true}, {"key":"k2","secretEnv":"K2_SECRET"}].
            Scenario file (JSON): see docs/simulator.md.
            """
    )

    @Option(help: "Listen host (loopback only unless --allow-non-loopback).")
    var host: String = "127.0.0.1"
    @Option(help: "Listen port (0 = ephemeral).")
    var port: Int = 0
    @Option(help: "Seed for the market generator.")
    var seed: UInt64 = 42
    @Option(help: "Market ticks per second and symbol.")
    var rate: Double = 10
    @Flag(help: "Tick as fast as connections drain (benchmarks) instead of --rate.")
    var unthrottled = false
    @Option(help: "Heartbeat interval in seconds (Bitfinex: 15).")
    var heartbeat: Double = 15
    @Option(help: "JSON file with API keys.")
    var keys: String?
    @Option(help: "JSON fault scenario file to run after start.")
    var scenario: String?
    @Option(help: "Stop after this many seconds.")
    var duration: Double?
    @Option(name: .customLong("rest-public-per-minute"),
            help: "REST budget of each public endpoint, requests per minute (beyond it: 429 ERR_RATE_LIMIT).")
    var restPublicPerMinute: Int = SimulatorConfiguration().restPublicLimit.requests
    @Option(name: .customLong("rest-auth-per-minute"),
            help: "REST budget of each authenticated endpoint, requests per minute (beyond it: 429 ERR_RATE_LIMIT).")
    var restAuthPerMinute: Int = SimulatorConfiguration().restAuthLimit.requests
    @Option(name: .customLong("variant"),
            help: "Protocol variant NAME=VALUE the simulator emits (repeatable), e.g. error_echo=none (docs/simulator.md).")
    var variants: [String] = []
    @Flag(name: .customLong("allow-non-loopback"), help: "Allow binding a non-loopback address (the simulator accepts any order; never expose it).")
    var allowNonLoopback = false

    func validate() throws {
        guard allowNonLoopback || BfxSimulator.isLoopback(host) else {
            throw ValidationError("--host \(host) is not a loopback address; pass --allow-non-loopback to bind it anyway")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard rate > 0 else { throw ValidationError("--rate must be > 0") }
        guard heartbeat > 0 else { throw ValidationError("--heartbeat must be > 0 seconds") }
        if let duration, duration <= 0 { throw ValidationError("--duration must be > 0 seconds") }
        var check = ProtocolVariants()
        for variant in variants {
            do { try check.set(assignment: variant) } catch { throw ValidationError("--variant: \(error)") }
        }
        for (name, value) in [("--rest-public-per-minute", restPublicPerMinute), ("--rest-auth-per-minute", restAuthPerMinute)]
        where !(1...1_000_000_000).contains(value) {
            throw ValidationError("\(name) must be 1...1000000000 requests per minute, got \(value)")
        }
    }

    func run() async throws {
        var configuration = SimulatorConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.allowNonLoopback = allowNonLoopback
        configuration.seed = seed
        configuration.ratePerSecond = rate
        configuration.tickMode = unthrottled ? .unthrottled : .automatic
        configuration.heartbeatInterval = .milliseconds(Int64(heartbeat * 1000))
        configuration.restPublicLimit = .init(requests: restPublicPerMinute, window: .seconds(60))
        configuration.restAuthLimit = .init(requests: restAuthPerMinute, window: .seconds(60))
        for variant in variants { try configuration.variants.set(assignment: variant) }
        if let keys { configuration.apiKeys = try Self.loadKeys(path: keys) }
        let loadedScenario = try scenario.map { path in
            do { return try SimulatorScenario(json: try String(contentsOfFile: path, encoding: .utf8)) } catch {
                throw ValidationError("scenario \(path): \(error)")
            }
        }
        var logger = Logger(label: "bfxkit.simulator")
        logger.logLevel = .info
        let sim = try await BfxSimulator.start(configuration, logger: logger)
        // unbuffered, so a parent process reading a pipe sees the URLs immediately
        let banner = "ws:      \(sim.wsURL)\nrest:    \(sim.restURL)\ncontrol: \(sim.controlURL)\n"
        FileHandle.standardOutput.write(Data(banner.utf8))
        if let loadedScenario { sim.run(loadedScenario) }
        await Self.waitForStop(duration: duration)
        await sim.shutdown()
        print("simulator stopped")
    }

    /// Returns on SIGINT, SIGTERM or after `duration` seconds.
    static func waitForStop(duration: Double?) async {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { continuation.yield() }
            source.resume()
            sources.append(source)
        }
        let timer = Task {
            guard let duration else { return }
            try? await Task.sleep(for: .milliseconds(Int64(duration * 1000)))
            continuation.yield()
        }
        for await _ in stream { break }
        timer.cancel()
        for source in sources { source.cancel() }
    }

    /// Reads `[{"key","secret"|"secretEnv","userId","canWrite"}]`.
    static func loadKeys(path: String) throws -> [SimulatorConfiguration.APIKey] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ValidationError("cannot read keys file \(path): \(error.localizedDescription)")
        }
        guard let list = (try? JSONValue.parse(text))?.array else {
            throw ValidationError("keys file \(path) must be a JSON array of {\"key\",\"secret\"} objects")
        }
        var keys: [SimulatorConfiguration.APIKey] = []
        for (index, entry) in list.enumerated() {
            guard let key = entry["key"]?.string else { throw ValidationError("keys[\(index)]: missing \"key\"") }
            var secret = entry["secret"]?.string
            if secret == nil, let variable = entry["secretEnv"]?.string {
                secret = ProcessInfo.processInfo.environment[variable]
                if secret == nil { throw ValidationError("keys[\(index)]: environment variable \(variable) is not set") }
            }
            guard let secret else { throw ValidationError("keys[\(index)]: missing \"secret\" or \"secretEnv\"") }
            keys.append(.init(key: key, secret: secret, userId: entry["userId"]?.int ?? index + 1, canWrite: entry["canWrite"]?.bool ?? true))
        }
        return keys
    }
}
