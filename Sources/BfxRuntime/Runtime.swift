import AsyncHTTPClient
import BfxClient
import BfxGateway
import BfxNonce
import BfxNoncePostgres
import BfxProtocol
import BfxSimulator
import Foundation
import Logging
import NIOCore

/// The runtime host: owns the embedded simulator (if any), the WebSocket client pool, the nonce
/// manager and REST clients, market state, alerts, metrics and the dashboard server.
/// See docs/runtime-api.md for the public surface used by the console.
public actor Runtime {
    struct ChannelEntry {
        var id: String
        var group: String
        var spec: ChannelSpec
        var subscription: Subscription
        var task: Task<Void, Never>
        var messages = 0
        var state = "pending"
    }

    /// The active configuration.
    public internal(set) var config: RuntimeConfig
    let options: RuntimeOptions
    var logger: Logger
    let hub = EventHub()
    let metrics: RuntimeMetrics

    var phase: RuntimeStatus.Phase = .created
    var startedAt: Date?
    /// Monotonic reading of `options.clock` at start (sampling time, the fault schedule).
    var startedAtMonotonic = Duration.zero
    var simulator: BfxSimulator?
    var wsClient: BfxClient?
    var nonceManager: NonceManager?
    var restClients: [String: BfxRESTClient] = [:]
    var keyIDs: [String: String] = [:]
    var demoCredentials: [String: BfxCredentials] = [:]
    /// Resolved credentials per key name (configured or demo); never logged.
    var credentialsByKey: [String: BfxCredentials] = [:]
    /// Running user-data clients by key name (`connections[].key`).
    var userData: [String: UserDataEntry] = [:]
    var urls = EndpointConfig.liveURLs
    var channels: [String: ChannelEntry] = [:]
    var channelOrder: [String] = []
    var nextChannelNumber = 1
    var market = MarketState()
    var alertEngine: AlertEngine
    var loops: [Task<Void, Never>] = []
    var workTasks: [Task<Void, Never>] = []
    var server: ObservabilityServer?
    /// The local Bitfinex-compatible endpoint (`gateway:`), when configured.
    var gateway: Gateway?
    var recorder: FrameRecorder?
    var history: [HistoryPoint] = []
    var lastSample: (time: Double, messages: Int, issued: UInt64)?
    var totalMessages = 0
    var restRateLimitHits = 0
    /// Client-side budget of the runtime's own public REST calls (`rate_limits.rest_public_per_minute`).
    var publicRESTBucket: TokenBucket
    /// Times a public call waited for `publicRESTBucket`.
    var publicRESTWaits = 0
    var restErrors = 0
    var clientCounters = IntegrityCounters()
    var lastIssuedPerKey: [String: (time: Double, issued: UInt64, rate: Double)] = [:]
    /// Set when an `exit` alert fired or authentication failed fatally.
    public private(set) var exitRequest: RuntimeExit?
    var stopWaiters: [CheckedContinuation<Void, Never>] = []
    /// Teardown steps of the last ``stop()`` that overran `shutdown.step_timeout` and were left
    /// behind (empty after a clean shutdown).
    public private(set) var shutdownStepsAbandoned: [String] = []

    /// Creates a runtime; nothing starts until `start()`.
    public init(config: RuntimeConfig, options: RuntimeOptions = RuntimeOptions()) {
        self.config = config
        self.options = options
        var logger = options.logger
        logger.logLevel = config.logging.level.loggerLevel
        self.logger = logger
        self.metrics = RuntimeMetrics(backend: options.metrics)
        self.alertEngine = AlertEngine(rules: config.alerts)
        self.publicRESTBucket = TokenBucket(perMinute: Double(config.rateLimits.restPublicPerMinute), nowNanos: options.clock.monotonicNanos())
        for key in config.keys {
            if let value = key.apiKey?.value { SecretRedactor.shared.register(value) }
            if let value = key.apiSecret?.value { SecretRedactor.shared.register(value) }
        }
    }

    // MARK: - Lifecycle

    /// Starts everything. Throws `RuntimeError` (nothing is left running on failure).
    public func start() async throws {
        guard phase == .created else { throw RuntimeError.invalidArgument("runtime already started") }
        phase = .starting
        startedAt = Date()
        startedAtMonotonic = options.clock.now()
        do {
            try await startEndpoint()
            startNonceAndREST()
            try startRecording()
            try startWebSocket()
            try await startUserData()
            for connection in config.connections {
                for spec in connection.channels {
                    _ = try await subscribe(spec, group: connection.name)
                }
            }
            try await startGateway()
            if options.serveHTTP && config.metrics.enabled {
                try await startServer()
            }
        } catch {
            logger.error("start failed", metadata: ["error": "\(error)"])
            await teardown()
            phase = .stopped
            hub.finish()
            if let error = error as? RuntimeError { throw error }
            throw RuntimeError.startFailed("\(error)")
        }
        loops.append(Task { [weak self] in await self?.sampleLoop() })
        if let events = wsClient?.events {
            loops.append(Task { [weak self] in
                for await event in events {
                    await self?.gateway?.observe(event)
                    await self?.handle(clientEvent: event)
                }
            })
        }
        startStartupActions()
        startFaultSchedule()
        phase = .running
        logger.notice("runtime started", metadata: [
            "endpoint": "\(endpointName)", "ws": "\(urls.wsPublic)", "channels": "\(channels.count)",
            "http": "\(server?.address ?? "off")",
        ])
        hub.publish(RuntimeEvent(kind: .started, message: "runtime started on \(endpointName) (\(urls.wsPublic))"))
    }

    /// Graceful stop: no new work, drain queued signed calls (bounded by `shutdown.drain_timeout`),
    /// unsubscribe, close, persist nonce state — each of these steps waited for at most
    /// `shutdown.step_timeout` (an overrun is logged, published and listed in
    /// ``shutdownStepsAbandoned``). Idempotent; concurrent callers wait for the first.
    public func stop() async {
        switch phase {
        case .stopped: return
        case .stopping:
            await waitUntilStopped()
            return
        case .created:
            phase = .stopped
            hub.finish()
            return
        case .starting, .running: break
        }
        phase = .stopping
        logger.notice("shutting down", metadata: ["drainTimeout": "\(config.shutdown.drainTimeout)"])
        hub.publish(RuntimeEvent(kind: .stopping, message: "graceful shutdown started"))
        for task in workTasks { task.cancel() }
        workTasks.removeAll()
        await drainNonceQueues(timeout: config.shutdown.drainTimeout.duration)
        await teardown()
        phase = .stopped
        logger.notice("runtime stopped", metadata: ["messages": "\(totalMessages)"])
        hub.publish(RuntimeEvent(kind: .stopped, message: "runtime stopped"))
        hub.finish()
        let waiters = stopWaiters
        stopWaiters.removeAll()
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the runtime has stopped.
    public func waitUntilStopped() async {
        if phase == .stopped { return }
        await withCheckedContinuation { stopWaiters.append($0) }
    }

    /// The current lifecycle phase.
    public var currentPhase: RuntimeStatus.Phase { phase }

    private func teardown() async {
        for task in loops { task.cancel() }
        loops.removeAll()
        for task in workTasks { task.cancel() }
        workTasks.removeAll()
        await step("user-data streams") { await self.stopUserData() }
        await step("gateway") { await self.stopGateway() }
        if let client = wsClient {
            let subscriptions = channelOrder.compactMap { channels[$0] }
            for entry in subscriptions { entry.task.cancel() }
            await step("WebSocket client") {
                for entry in subscriptions { await client.unsubscribe(entry.subscription.id) }
                await client.shutdown()
            }
        }
        channels.removeAll()
        channelOrder.removeAll()
        wsClient = nil
        stopRecording()
        // Persists the nonce high-water marks (file/postgres stores) and closes sessions.
        if let manager = nonceManager { await step("nonce store") { await manager.shutdown() } }
        if let server {
            await step("HTTP server") { await server.stop() }
            self.server = nil
        }
        if let simulator {
            await step("simulator") { await simulator.shutdown() }
            self.simulator = nil
        }
    }

    /// One teardown step, waited for at most `shutdown.step_timeout`; an overrun is logged,
    /// published and left behind so the shutdown goes on.
    private func step(_ name: String, _ work: @escaping @Sendable () async -> Void) async {
        let limit = config.shutdown.stepTimeout.duration
        if await BoundedStep.run(limit: limit, clock: options.clock, work) { return }
        shutdownStepsAbandoned.append(name)
        logger.error("shutdown step did not finish in time; continuing without it", metadata: ["step": "\(name)", "limit": "\(limit)"])
        hub.publish(RuntimeEvent(kind: .error, message: "shutdown: \(name) did not finish within \(limit); continuing"))
    }

    private func drainNonceQueues(timeout: Duration) async {
        guard let manager = nonceManager else { return }
        let clock = options.clock
        let deadline = clock.now() + timeout
        // Bounded: polls every 50 ms until empty or the deadline.
        while clock.now() < deadline {
            let snapshot = await manager.snapshot(recentLimit: 0)
            let pending = snapshot.keys.reduce(0) { $0 + $1.queued.values.reduce(0, +) + ($1.inFlight ? 1 : 0) }
            if pending == 0 { return }
            do { try await clock.sleep(for: .milliseconds(50)) } catch { return }
        }
        logger.warning("drain timeout: queued signed calls abandoned", metadata: ["timeout": "\(timeout)"])
    }

    var endpointName: String {
        switch config.endpoint {
        case .simulator: return "simulator"
        case .live: return "live"
        case .custom: return "custom"
        }
    }

    // MARK: - Start helpers

    private func startEndpoint() async throws {
        switch config.endpoint {
        case .live:
            urls = EndpointConfig.liveURLs
        case .custom(let custom):
            urls = custom
        case .simulator:
            var sim = SimulatorConfiguration()
            sim.seed = config.simulator.seed
            sim.ratePerSecond = config.simulator.rate
            var trading = sim.tradingSymbols, funding = sim.fundingSymbols
            for connection in config.connections {
                for spec in connection.channels {
                    let symbol: String
                    switch spec {
                    case .candles(let key): symbol = key.split(separator: ":").dropFirst(2).first.map(String.init) ?? ""
                    case .status: continue
                    default: symbol = spec.symbolOrKey
                    }
                    if symbol.hasPrefix("t"), !trading.contains(symbol) { trading.append(symbol) }
                    if symbol.hasPrefix("f"), !funding.contains(symbol) { funding.append(symbol) }
                }
            }
            sim.tradingSymbols = trading
            sim.fundingSymbols = funding
            sim.maxChannelsPerConnection = max(sim.maxChannelsPerConnection, config.websocket.maxSubscriptionsPerConnection)
            // Validated by the config decoder (docs/adr/0028).
            for (name, value) in config.simulator.variants.sorted(by: { $0.key < $1.key }) { try? sim.variants.set(name, value) }
            for (index, key) in config.keys.enumerated() {
                let apiKey: String, secret: String
                if let givenKey = key.apiKey?.value, let givenSecret = key.apiSecret?.value {
                    apiKey = givenKey
                    secret = givenSecret
                } else {
                    // Demo credentials, random per run: signing and nonces are real, nothing is secret.
                    apiKey = "demo-\(key.name)-" + UUID().uuidString.prefix(8).lowercased()
                    secret = UUID().uuidString + UUID().uuidString
                    demoCredentials[key.name] = BfxCredentials(apiKey: apiKey, secret: secret)
                }
                sim.apiKeys.append(.init(key: apiKey, secret: secret, userId: index + 1))
            }
            var simLogger = logger
            simLogger[metadataKey: "component"] = "simulator"
            simLogger.logLevel = max(logger.logLevel, .notice)
            do {
                let simulator = try await BfxSimulator.start(sim, logger: simLogger)
                self.simulator = simulator
                let rest = simulator.restURL.hasSuffix("/v2") ? String(simulator.restURL.dropLast(3)) : simulator.restURL
                urls = .init(wsPublic: simulator.wsURL, wsAuth: simulator.wsURL, restPublic: rest, restAuth: rest)
                if config.simulator.latency.milliseconds > 0 {
                    await simulator.inject(.latency(config.simulator.latency.duration))
                }
                logger.info("embedded simulator listening", metadata: ["ws": "\(simulator.wsURL)", "rest": "\(rest)"])
            } catch {
                throw RuntimeError.startFailed("embedded simulator: \(error)")
            }
        }
    }

    private func startNonceAndREST() {
        let nonceConfig = Self.nonceConfiguration(config.nonce)
        var nonceLogger = logger
        nonceLogger[metadataKey: "component"] = "nonce"
        let manager = NonceManager(configuration: nonceConfig, clock: options.clock, logger: nonceLogger)
        nonceManager = manager
        // REST rate limits: `rate_limits.rest_*_per_minute` become the default token-bucket budget
        // of every endpoint in BfxRESTClient's per-endpoint limiter (docs/configuration.md).
        let restConfig = BfxRESTConfiguration(publicBaseURL: urls.restPublic, authBaseURL: urls.restAuth,
                                              rateLimits: Self.restRateLimits(config.rateLimits))
        for key in config.keys {
            let credentials: BfxCredentials
            if let apiKey = key.apiKey?.value, let secret = key.apiSecret?.value {
                credentials = BfxCredentials(apiKey: apiKey, secret: secret)
            } else if let demo = demoCredentials[key.name] {
                credentials = demo
            } else {
                continue
            }
            let keyID = KeyFingerprint.of(apiKey: credentials.apiKey)
            keyIDs[key.name] = keyID
            credentialsByKey[key.name] = credentials
            switch key.nonceStore.kind {
            case .memory: break
            case .file:
                if let path = key.nonceStore.path { manager.setStore(FileNonceStore(directory: path), for: keyID) }
            case .postgres:
                if let url = key.nonceStore.url?.value {
                    do {
                        manager.setStore(try PostgresNonceStore(url: url, logger: nonceLogger), for: keyID)
                    } catch {
                        logger.error("cannot use PostgreSQL nonce store; falling back to memory", metadata: ["key": "\(key.name)", "error": "\(error)"])
                    }
                }
            }
            var restLogger = logger
            restLogger[metadataKey: "component"] = "rest"
            restClients[key.name] = BfxRESTClient(configuration: restConfig, credentials: credentials, keyID: keyID,
                                                  nonceManager: manager, httpClient: options.httpClient, logger: restLogger)
        }
    }

    private func startWebSocket() throws {
        var clientConfig = Self.clientConfiguration(config, urls: urls)
        clientConfig.recorder = recorder
        var wsLogger = logger
        wsLogger[metadataKey: "component"] = "ws"
        do {
            wsClient = try BfxClient(configuration: clientConfig, clock: options.clock, logger: wsLogger, metricsLabel: "bfxrun")
        } catch {
            throw RuntimeError.startFailed("WebSocket client: \(error)")
        }
    }

    private func startServer() async throws {
        let listen = options.listenOverride ?? config.metrics.listen
        guard let (host, port) = MetricsConfig.split(listen) else {
            throw RuntimeError.startFailed("bad metrics.listen '\(listen)'")
        }
        server = try await ObservabilityServer.start(
            host: host, port: port, dashboard: config.metrics.dashboard, logger: logger,
            state: { [weak self] in
                guard let self else { return RuntimeSnapshot.empty }
                return await self.snapshot()
            },
            metrics: { [weak self] in await self?.metricsText() })
        logger.notice("metrics and dashboard listening", metadata: ["address": "\(server?.address ?? "")"])
    }

    private func startStartupActions() {
        for action in config.startup {
            workTasks.append(Task { [weak self] in await self?.runStartupAction(action) })
        }
    }

    private func runStartupAction(_ action: StartupAction) async {
        var done = 0
        // Bounded by `count` (or by cancellation at shutdown when count is 0).
        while !Task.isCancelled && (action.count == 0 || done < action.count) {
            done += 1
            do {
                let result = try await restCall(method: action.method.rawValue, path: action.path, body: action.body,
                                                key: action.key, priority: action.priority)
                logger.debug("startup call ok", metadata: ["path": "\(action.path)", "bytes": "\(result.utf8.count)"])
            } catch let error as RuntimeError {
                if case .authFailed(let message) = error {
                    requestExit(RuntimeExit(code: RuntimeExitCode.authFatal, reason: message))
                    return
                }
                logger.warning("startup call failed", metadata: ["path": "\(action.path)", "error": "\(error)"])
            } catch {
                if Task.isCancelled || error is CancellationError { return }
                logger.warning("startup call failed", metadata: ["path": "\(action.path)", "error": "\(error)"])
            }
            guard let every = action.every else { return }
            do { try await options.clock.sleep(for: every.duration) } catch { return }
        }
    }

    private func startFaultSchedule() {
        guard simulator != nil, !config.simulator.faults.isEmpty else { return }
        let steps = config.simulator.faults.sorted { $0.at < $1.at }
        let start = startedAtMonotonic
        let clock = options.clock
        workTasks.append(Task { [weak self] in
            for step in steps {
                let due = start + step.at.duration
                do { try await clock.sleep(for: due - clock.now()) } catch { return }
                // Decoding already validated every step, so building the fault cannot fail here.
                guard let fault = try? step.makeFault() else { continue }
                try? await self?.injectFault(fault)
            }
        })
    }

    // MARK: - Events

    private func handle(clientEvent: ClientEvent) {
        switch clientEvent {
        case .connectionState(let connection, let state):
            hub.publish(RuntimeEvent(kind: .connection, message: "connection \(connection): \(state.rawValue)"))
        case .connectionClosed(let connection, let reason):
            hub.publish(RuntimeEvent(kind: .connection, message: "connection \(connection) closed: \(reason.rawValue)"))
        case .reconnectScheduled(let connection, let attempt, let delay):
            logger.info("reconnect scheduled", metadata: ["connection": "\(connection)", "attempt": "\(attempt)", "delay": "\(delay)"])
        case .gaveUp(let connection, let reason):
            logger.error("connection gave up", metadata: ["connection": "\(connection)", "reason": "\(reason)"])
            hub.publish(RuntimeEvent(kind: .error, message: "connection \(connection) gave up: \(reason)"))
        case .serverRestart(let connection):
            hub.publish(RuntimeEvent(kind: .connection, message: "connection \(connection): server restart (20051)"))
        case .maintenance(let connection, let active):
            hub.publish(RuntimeEvent(kind: .connection, message: "connection \(connection): maintenance \(active ? "started (20060)" : "ended (20061)")"))
        case .integrity(let event):
            hub.publish(RuntimeEvent(kind: .notice, message: "integrity: \(event)"))
        case .subscribeRetryScheduled(_, let spec, let code, let attempt, let delay):
            logger.warning("subscribe retry scheduled", metadata: ["channel": "\(spec)", "code": "\(code)", "attempt": "\(attempt)", "delay": "\(delay)"])
        case .subscriptionFailed(_, let spec, let error):
            logger.error("subscription failed", metadata: ["channel": "\(spec)", "error": "\(error)"])
            hub.publish(RuntimeEvent(kind: .error, message: "subscription \(spec) failed: \(error)"))
        }
    }

    func ingest(_ id: String, _ event: SubscriptionEvent) {
        guard var entry = channels[id] else { return }
        switch event {
        case .subscribed: entry.state = "subscribed"
        case .stale(let reason): entry.state = "stale(\(reason.rawValue))"
        case .failed(let error): entry.state = "failed: \(error)"
        case .integrity, .overflow: break
        default:
            entry.messages += 1
            totalMessages += 1
            metrics.messages(channel: entry.spec.channelName).increment()
        }
        market.apply(event, spec: entry.spec)
        channels[id] = entry
    }

    // MARK: - Sampling and alerts

    private func sampleLoop() async {
        // Bounded by cancellation (stop() cancels it).
        while !Task.isCancelled {
            do { try await options.clock.sleep(for: options.sampleInterval) } catch { return }
            if Task.isCancelled { return }
            await sample()
        }
    }

    /// Takes one sample: updates gauges, history and evaluates alert rules.
    func sample() async {
        let now = options.clock.now() - startedAtMonotonic
        let t = now.secondsDouble
        let clientSnapshot = await wsClient?.snapshot()
        let nonceSnapshot = await nonceManager?.snapshot(recentLimit: 0)
        if let clientSnapshot { clientCounters = clientSnapshot.integrity }
        var inputs = AlertInputs(client: clientCounters)
        inputs.messages = totalMessages
        inputs.heartbeatGapSeconds = clientSnapshot?.channels.compactMap { $0.lastMessageAge.map(Self.seconds) }.max() ?? 0
        var issued: UInt64 = 0
        var depthTotal = 0
        for key in nonceSnapshot?.keys ?? [] {
            let c = key.counters
            inputs.nonceErrors += Int(c.nonceRejected + c.fatal + c.otherErrors + c.expired + c.queueFull)
            inputs.rateLimitHits += Int(c.rateLimited)
            let depth = key.queued.values.reduce(0, +)
            inputs.queueDepth = max(inputs.queueDepth, depth)
            depthTotal += depth
            inputs.queueWaitSeconds = max(inputs.queueWaitSeconds, Double(key.queueWait.p99) / 1e6)
            issued += c.issued
            let previous = lastIssuedPerKey[key.keyID]
            let rate = previous.map { t > $0.time ? Double(c.issued - min(c.issued, $0.issued)) / (t - $0.time) : $0.rate } ?? 0
            lastIssuedPerKey[key.keyID] = (t, c.issued, rate)
        }
        inputs.rateLimitHits += restRateLimitHits
        let connected = clientSnapshot?.connections.filter { $0.state == .open }.count ?? 0

        // Gauges.
        metrics.connections.record(clientSnapshot?.connections.count ?? 0)
        metrics.connectionsConnected.record(connected)
        metrics.channels.record(channels.count)
        metrics.reconnects.record(inputs.reconnects)
        metrics.checksumMismatches.record(inputs.checksumMismatches)
        metrics.checksumMismatchesObserved.record(inputs.checksumMismatchesObserved)
        metrics.sequenceGaps.record(inputs.sequenceGaps)
        metrics.nonceQueueDepth.record(depthTotal)
        metrics.nonceIssued.record(Double(issued))
        metrics.nonceErrors.record(inputs.nonceErrors)
        metrics.uptime.record(t)

        // Alerts.
        let transitions = alertEngine.evaluate(at: t, inputs: inputs)
        metrics.alertsFiring.record(alertEngine.firingCount)
        for transition in transitions { dispatch(transition) }

        // History for the dashboard.
        let previous = lastSample
        let span = previous.map { t - $0.time } ?? 0
        let point = HistoryPoint(
            t: t,
            messagesPerSecond: span > 0 ? Double(totalMessages - (previous?.messages ?? 0)) / span : 0,
            noncesPerSecond: span > 0 ? Double(issued - min(issued, previous?.issued ?? 0)) / span : 0,
            queueDepth: depthTotal, connected: connected, alertsFiring: alertEngine.firingCount)
        lastSample = (t, totalMessages, issued)
        history.append(point)
        let maxPoints = max(10, Int(Double(config.metrics.historySeconds) / max(0.05, Self.seconds(options.sampleInterval))))
        if history.count > maxPoints { history.removeFirst(history.count - maxPoints) }
    }

    private func dispatch(_ transition: AlertTransition) {
        let rule = transition.rule
        let fired = transition.change == .fired
        if fired { metrics.alertEpisodes.increment() }
        if rule.actions.contains(.log) || rule.actions.isEmpty {
            let metadata: Logger.Metadata = ["alert": "\(rule.name)", "kind": "\(rule.kind.rawValue)",
                                             "value": "\(transition.view.value ?? 0)", "threshold": "\(rule.threshold)"]
            if fired { logger.warning("alert fired", metadata: metadata) } else { logger.notice("alert resolved", metadata: metadata) }
        }
        hub.publish(RuntimeEvent(kind: fired ? .alertFired : .alertResolved,
                                 message: (fired ? "ALERT " : "resolved ") + transition.view.message, alert: transition.view))
        if rule.actions.contains(.console) {
            hub.publish(RuntimeEvent(kind: .notice, message: (fired ? "ALERT " : "resolved ") + transition.view.message, alert: transition.view))
        }
        if rule.actions.contains(.webhook), let url = rule.webhookURL?.value {
            let sender = WebhookSender(client: options.httpClient)
            let logger = self.logger
            Task {
                do {
                    try await sender.send(transition, to: url)
                } catch {
                    logger.warning("alert webhook failed", metadata: ["alert": "\(rule.name)", "error": "\(error)"])
                }
            }
        }
        if fired, rule.actions.contains(.exit) {
            requestExit(RuntimeExit(code: Int32(rule.exitCode), reason: "alert \(rule.name): \(transition.view.message)"))
        }
    }

    /// Records an exit request and starts a graceful stop.
    func requestExit(_ exit: RuntimeExit) {
        guard exitRequest == nil else { return }
        exitRequest = exit
        logger.error("exit requested", metadata: ["code": "\(exit.code)", "reason": "\(exit.reason)"])
        Task { await self.stop() }
    }

    static func seconds(_ d: Duration) -> Double { d.secondsDouble }

    // MARK: - Events API

    /// A new subscriber stream of runtime events (bounded; the oldest are dropped for slow readers).
    public func events() -> AsyncStream<RuntimeEvent> { hub.subscribe() }

    /// The most recent events (ring buffer of 1000).
    public func recentEvents(limit: Int = 100) -> [RuntimeEvent] { hub.recent(limit: limit) }

    /// Sets the runtime's log level (the runtime logger only).
    public func setLogLevel(_ level: Logger.Level) { logger.logLevel = level }
}
