import BfxProtocol
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// A protocol-faithful Bitfinex API v2 server on loopback: WebSocket `/ws/2`, REST `/v2/...`, and
/// a control API under `/_sim/` for fault injection and inspection.
///
/// ```swift
/// let sim = try await BfxSimulator.start(SimulatorConfiguration())
/// print(sim.wsURL, sim.restURL)
/// await sim.inject(.dropAll)
/// await sim.shutdown()
/// ```
public final class BfxSimulator: Sendable {
    /// The configuration the simulator runs with.
    public let configuration: SimulatorConfiguration
    /// The bound TCP port.
    public let port: Int
    /// The bound host.
    public let host: String
    let engine: SimulatorEngine
    let injectedLatency: InjectedLatency
    private let serviceGroup: ServiceGroup
    private let runTask: Task<Void, Never>
    private let backgroundTasks: [Task<Void, Never>]
    private let ownedGroup: MultiThreadedEventLoopGroup?

    /// `ws://host:port/ws/2`.
    public var wsURL: String { "ws://\(urlHost):\(port)/ws/2" }
    /// `http://host:port/v2` (append `/ticker/tBTCUSD`, `/auth/r/wallets`...).
    public var restURL: String { "http://\(urlHost):\(port)/v2" }
    /// `http://host:port/_sim` (control API).
    public var controlURL: String { "http://\(urlHost):\(port)/_sim" }
    private var urlHost: String { host.contains(":") ? "[\(host)]" : host }

    /// Errors starting the simulator.
    public enum StartError: Error, Sendable, CustomStringConvertible {
        /// The host is not a loopback address and `allowNonLoopback` is off.
        case nonLoopbackHost(String)
        /// The server could not bind.
        case bindFailed(String)
        /// The configuration is unusable.
        case invalidConfiguration(String)

        /// Human-readable description.
        public var description: String {
            switch self {
            case .nonLoopbackHost(let h): "refusing to bind non-loopback host \(h) (set allowNonLoopback to override)"
            case .bindFailed(let m): "simulator failed to start: \(m)"
            case .invalidConfiguration(let m): "invalid simulator configuration: \(m)"
            }
        }
    }

    /// True for 127.0.0.0/8, ::1 and "localhost".
    package static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    private init(
        configuration: SimulatorConfiguration, port: Int, engine: SimulatorEngine, injectedLatency: InjectedLatency,
        serviceGroup: ServiceGroup, runTask: Task<Void, Never>, backgroundTasks: [Task<Void, Never>],
        ownedGroup: MultiThreadedEventLoopGroup?
    ) {
        self.ownedGroup = ownedGroup
        self.configuration = configuration
        self.port = port
        self.host = configuration.host
        self.engine = engine
        self.injectedLatency = injectedLatency
        self.serviceGroup = serviceGroup
        self.runTask = runTask
        self.backgroundTasks = backgroundTasks
    }

    /// Starts the simulator and returns once it is listening.
    public static func start(
        _ configuration: SimulatorConfiguration = SimulatorConfiguration(),
        logger: Logger = Logger(label: "bfxkit.simulator")
    ) async throws -> BfxSimulator {
        guard configuration.allowNonLoopback || isLoopback(configuration.host) else {
            throw StartError.nonLoopbackHost(configuration.host)
        }
        guard configuration.tradingSymbols.allSatisfy({ $0.hasPrefix("t") }),
              configuration.fundingSymbols.allSatisfy({ $0.hasPrefix("f") }) else {
            throw StartError.invalidConfiguration("trading symbols start with t, funding symbols with f")
        }
        guard configuration.ratePerSecond > 0 else { throw StartError.invalidConfiguration("ratePerSecond must be > 0") }
        let engine = SimulatorEngine(configuration: configuration, logger: logger)
        let injectedLatency = InjectedLatency()
        let router = SimulatorRoutes.makeRouter(engine: engine, injectedLatency: injectedLatency, logger: logger)
        let (portStream, portContinuation) = AsyncStream<Result<Int, StartError>>.makeStream()
        let host = configuration.host == "localhost" ? "127.0.0.1" : configuration.host.trimmingCharacters(in: ["[", "]"])
        let ownedGroup = configuration.dedicatedEventLoopThreads > 0
            ? MultiThreadedEventLoopGroup(numberOfThreads: configuration.dedicatedEventLoopThreads) : nil
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: router, configuration: .init(ws: .init(maxFrameSize: 1 << 22))),
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                // `refuseConnections` fault: closes accepted TCP connections before any HTTP byte.
                let refuser = RefuseConnectionsHandler(gate: engine.faultGate) { Task { await engine.noteConnectionRefused() } }
                try? await channel.pipeline.addHandler(refuser, position: .first).get()
                portContinuation.yield(.success(channel.localAddress?.port ?? 0))
            },
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let runTask = Task {
            do {
                try await group.run()
                portContinuation.yield(.failure(.bindFailed("server stopped")))
            } catch {
                portContinuation.yield(.failure(.bindFailed("\(error)")))
            }
        }
        var bound: Result<Int, StartError> = .failure(.bindFailed("server did not start"))
        for await result in portStream { bound = result; break }
        let port: Int
        switch bound {
        case .success(let p): port = p
        case .failure(let error):
            await group.triggerGracefulShutdown()
            await runTask.value
            try? await ownedGroup?.shutdownGracefully()
            throw error
        }
        var tasks: [Task<Void, Never>] = []
        tasks.append(Task { await BfxSimulator.tickLoop(engine: engine, configuration: configuration) })
        tasks.append(Task { await BfxSimulator.heartbeatLoop(engine: engine, interval: configuration.heartbeatInterval) })
        logger.info("simulator listening", metadata: ["port": "\(port)", "host": "\(host)"])
        return BfxSimulator(
            configuration: configuration, port: port, engine: engine, injectedLatency: injectedLatency,
            serviceGroup: group, runTask: runTask, backgroundTasks: tasks, ownedGroup: ownedGroup
        )
    }

    private static func tickLoop(engine: SimulatorEngine, configuration: SimulatorConfiguration) async {
        switch configuration.tickMode {
        case .manual:
            return
        case .automatic:
            let interval = Duration.nanoseconds(Int64(1_000_000_000 / configuration.ratePerSecond))
            let clock = ContinuousClock()
            var next = clock.now
            while !Task.isCancelled {
                next = next.advanced(by: interval)
                do { try await clock.sleep(until: next) } catch { return }
                // catch up at most 100 ticks after a stall of the process
                if clock.now - next > interval * 100 { next = clock.now }
                await engine.tick()
            }
        case .unthrottled:
            // Up to 128 ticks per actor hop (one writer wake-up each, ADR 0017) while every
            // connection's unwritten frames stay under 4,096; above that, wait for the writers
            // (a slow reader paces generation: bounded memory, see ADR 0015).
            while !Task.isCancelled {
                if await engine.tickWhileDraining(maxTicks: 128, pendingLimit: 4_096) == 0 {
                    do { try await Task.sleep(for: .microseconds(200)) } catch { return }
                }
            }
        }
    }

    private static func heartbeatLoop(engine: SimulatorEngine, interval: Duration) async {
        let period = min(interval / 5, .seconds(1))
        while !Task.isCancelled {
            do { try await Task.sleep(for: period) } catch { return }
            await engine.heartbeatSweep()
        }
    }

    /// Stops the server, closes every connection and cancels background tasks.
    public func shutdown() async {
        for task in backgroundTasks { task.cancel() }
        await engine.closeAll()
        await serviceGroup.triggerGracefulShutdown()
        await runTask.value
        for task in backgroundTasks { await task.value }
        try? await ownedGroup?.shutdownGracefully()
    }

    /// Injects a fault (see `SimulatorFault`).
    public func inject(_ fault: SimulatorFault) async {
        if let end = await engine.inject(fault, injectedLatency: injectedLatency) {
            let engine = self.engine
            Task {
                try? await Task.sleep(for: end)
                await engine.endMaintenance()
            }
        }
    }

    /// Runs `count` market ticks now (any tick mode; the only driver in `.manual` mode).
    public func step(_ count: Int = 1) async {
        await engine.tick(count: count)
    }

    /// Burst ("firehose") mode: pre-generates `ticks` market ticks with the simulator's own
    /// market and book engine — exactly the frames live ticking would produce for the current
    /// subscriptions (book updates, `cs`, trades, tickers, SEQ_ALL numbers) — while holding every
    /// connection's outbound queue, then releases them at once so the stream reaches the sockets
    /// as fast as the writers and readers go, with no generation cost in that window.
    ///
    /// Use with `tickMode = .manual` for a clean measurement (in `.unthrottled` mode live ticking
    /// resumes once the burst has drained). Queued frames stay in memory until written (about
    /// 100 bytes each). Returns when the burst is queued, not when it has been written: poll
    /// `pendingFrames()` for that. See docs/adr/0017-burst-mode-and-client-read-path.md.
    @discardableResult
    public func burst(ticks: Int) async -> SimulatorBurst {
        await engine.burst(ticks: ticks)
    }

    /// Frames queued but not yet handed to the kernel, summed over connections.
    public func pendingFrames() async -> Int { await engine.pendingFrames() }

    /// Current counters.
    public func stats() async -> SimulatorStats { await engine.stats() }

    /// Every nonce accepted for a key, in arrival order (WS auth and REST together).
    public func acceptedNonces(apiKey: String) async -> [Int64] { await engine.acceptedNonces(key: apiKey) }

    /// The channel-0 events the simulator emitted for a user, in emission order (the newest
    /// 20,000), as the JSON of `GET /_sim/events/USER?after=SEQ`: `{"userId","sessions","total","dropped",
    /// "events":[{"seq","mts","type","category","qualifier","sessions","data"}…]}`. `sessions` is
    /// the number of the user's authenticated sockets at emission (0 = nobody received it); the
    /// top-level `sessions` is that number now.
    public func accountEventsJSON(userId: Int, after: Int = 0) async -> String {
        await engine.accountEventsJSON(userId: userId, after: after)
    }

    /// The simulator's book for a symbol as a subscriber with `prec`/`len` would hold it.
    /// `prec` is "P0"..."P4" or "R0"; nil when the symbol or precision is unknown.
    public func book(symbol: String, prec: String = "P0", len: Int = 25) async -> SimulatorBook? {
        let parsed = SimulatorRoutes.parsePrecision(prec)
        guard parsed.valid else { return nil }
        let precision = parsed.precision
        return await engine.publicBook(symbol: symbol, precision: precision, length: len)
    }

    /// Runs a scenario (see `SimulatorScenario`) in the background; returns the task.
    @discardableResult
    public func run(_ scenario: SimulatorScenario) -> Task<Void, Never> {
        Task { [self] in
            let start = ContinuousClock.now
            for step in scenario.steps {
                do { try await ContinuousClock().sleep(until: start.advanced(by: step.at)) } catch { return }
                await self.inject(step.fault)
            }
        }
    }
}
