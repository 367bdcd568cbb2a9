import BfxClient
import BfxNonce
import BfxProtocol
import BfxSimulator
import BfxTestSupport
import Foundation
import Logging
import Testing
@testable import BfxGateway

/// Parent of every gateway suite that runs sockets: serialized, so suites never compete for the
/// two cores (liveness checks would otherwise see starvation as stalls).
@Suite(.serialized) enum GatewayIntegrationTests {}

/// A simulator, an upstream client and REST client pointed at it, and a gateway in front.
struct GatewayFixture {
    let simulator: BfxSimulator
    let upstream: BfxClient
    let rest: BfxRESTClient
    let gateway: Gateway
    let userData: UserDataClient?
    private let forwarder: Task<Void, Never>

    static func logger(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = Logger.Level(rawValue: ProcessInfo.processInfo.environment["BFX_TEST_LOG"] ?? "") ?? .warning
        return logger
    }

    /// The upstream key (registered at the simulator) and the local keys of the test account.
    enum Keys {
        static let upstream = BfxCredentials(apiKey: "upstream-key", secret: BfxSecret("upstream-secret-0123456789"))
        static let trader = GatewayAccount.LocalKey(name: "bot-a", apiKey: "local-a", secret: BfxSecret("secret-a-0123456789"),
                                                    permissions: [.read, .trade])
        static let reader = GatewayAccount.LocalKey(name: "bot-b", apiKey: "local-b", secret: BfxSecret("secret-b-0123456789"),
                                                    permissions: [.read])
    }

    static func start(
        tick: SimulatorConfiguration.TickMode = .manual,
        rate: Double = 20,
        restLimits: RESTRateLimits = RESTRateLimits(),
        account: Bool = false,
        startUserData: Bool = true,
        _ adjust: (inout GatewayConfiguration) -> Void = { _ in }
    ) async throws -> GatewayFixture {
        var simConfig = SimulatorConfiguration()
        simConfig.tickMode = tick
        simConfig.ratePerSecond = rate
        simConfig.heartbeatInterval = .milliseconds(500)
        simConfig.apiKeys = [.init(key: Keys.upstream.apiKey, secret: "upstream-secret-0123456789", userId: 42)]
        simConfig.restAuthLimit = .init(requests: 100_000, window: .seconds(60))
        let simulator = try await BfxSimulator.start(simConfig, logger: logger("test.sim"))
        let upstream = try BfxClient(configuration: clientConfiguration(url: simulator.wsURL), logger: logger("test.upstream"))
        let base = String(simulator.restURL.dropLast(3))
        let rest = BfxRESTClient(configuration: BfxRESTConfiguration(publicBaseURL: base, authBaseURL: base, rateLimits: restLimits))
        var configuration = GatewayConfiguration()
        configuration.port = 0
        configuration.heartbeat = .milliseconds(500)
        configuration.linger = .seconds(30)
        adjust(&configuration)
        var accounts: [GatewayAccount] = []
        var userData: UserDataClient?
        if account {
            let nonces = NonceManager()
            let signedREST = BfxRESTClient(configuration: BfxRESTConfiguration(publicBaseURL: base, authBaseURL: base, rateLimits: restLimits),
                                           credentials: Keys.upstream, nonceManager: nonces, logger: logger("test.rest"))
            let session = UserDataClient(credentials: Keys.upstream,
                                         transport: try WebSocketUserDataTransport(url: simulator.wsURL, rateLimit: ConnectionRateLimit(maxConnections: 100, window: .seconds(15))),
                                         nonceManager: nonces, logger: logger("test.userdata"))
            if startUserData { try await session.start() }
            userData = session
            accounts = [GatewayAccount(name: "main", rest: signedREST, upstreamCredentials: Keys.upstream,
                                       localKeys: [Keys.trader, Keys.reader], userData: session)]
        }
        let gateway = try await Gateway.start(configuration, upstream: upstream, rest: rest, accounts: accounts, logger: logger("test.gateway"))
        let forwarder = Task {
            for await event in upstream.events { await gateway.observe(event) }
        }
        return GatewayFixture(simulator: simulator, upstream: upstream, rest: rest, gateway: gateway, userData: userData, forwarder: forwarder)
    }

    /// A client configuration with fast reconnects (for the upstream and for local clients).
    static func clientConfiguration(url: String, seed: UInt64 = 1) -> BfxClientConfiguration {
        var c = BfxClientConfiguration(publicURL: url, authenticatedURL: url)
        c.heartbeatTimeout = .seconds(5)
        c.pingInterval = .milliseconds(400)
        c.connectTimeout = .seconds(3)
        c.reconnect = ReconnectPolicy(initialDelay: .milliseconds(5), multiplier: 2, maxDelay: .milliseconds(200), jitter: .full, stablePeriod: .seconds(5))
        c.publicRateLimit = ConnectionRateLimit(maxConnections: 500, window: .seconds(60))
        c.jitterSeed = seed
        return c
    }

    /// A BfxClient whose only change is its host: the gateway.
    func localClient(seed: UInt64 = 7) throws -> BfxClient {
        try BfxClient(configuration: Self.clientConfiguration(url: gateway.wsURL, seed: seed), logger: Self.logger("test.local"))
    }

    func shutdown() async {
        await gateway.shutdown()
        await userData?.stop()
        forwarder.cancel()
        await upstream.shutdown()
        await simulator.shutdown()
    }

    /// Runs `body` with a fixture, always shut down.
    static func with<T>(
        tick: SimulatorConfiguration.TickMode = .manual,
        rate: Double = 20,
        restLimits: RESTRateLimits = RESTRateLimits(),
        account: Bool = false,
        startUserData: Bool = true,
        _ adjust: (inout GatewayConfiguration) -> Void = { _ in },
        _ body: (GatewayFixture) async throws -> T
    ) async throws -> T {
        let fixture = try await start(tick: tick, rate: rate, restLimits: restLimits, account: account, startUserData: startUserData, adjust)
        do {
            let result = try await body(fixture)
            await fixture.shutdown()
            return result
        } catch {
            await fixture.shutdown()
            throw error
        }
    }

    /// Whether a local book equals the simulator's authoritative book (levels and checksum).
    func bookMatches(_ book: OrderBook?, _ spec: ChannelSpec) async -> Bool {
        guard let book else { return false }
        let truth: SimulatorBook?
        switch spec {
        case .book(let symbol, let precision, _, let length):
            truth = await simulator.book(symbol: symbol, prec: precision.rawValue, len: length)
        case .rawBook(let symbol, let length):
            truth = await simulator.book(symbol: symbol, prec: "R0", len: length)
        default:
            return false
        }
        guard let truth else { return false }
        return book.checksum() == truth.checksum && book.bids.count == truth.bids.count && book.asks.count == truth.asks.count
    }

    /// Steps the market one tick at a time until `condition` holds (bounded).
    func stepUntil(_ what: String, timeout: Duration = .seconds(20), _ condition: () async -> Bool) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var rounds = 0
        while clock.now < deadline, rounds < 10_000 {
            rounds += 1
            await simulator.step(1)
            if await eventually(timeout: .milliseconds(300), every: .milliseconds(3), condition) { return }
        }
        throw TestFailure("timed out after \(timeout) stepping the market until: \(what)")
    }
}

/// Records a client's connection events (closes, integrity problems, maintenance).
final class ClientEventLog: Sendable {
    private let events = Locked<[ClientEvent]>([])
    private let task: Task<Void, Never>

    init(_ client: BfxClient) {
        let events = self.events
        task = Task { for await event in client.events { events.withLock { $0.append(event) } } }
    }

    var all: [ClientEvent] { events.withLock { $0 } }

    var closes: [ClientEvent] {
        all.filter { if case .connectionClosed = $0 { return true } else { return false } }
    }

    var integrity: [ClientEvent] {
        all.filter { if case .integrity = $0 { return true } else { return false } }
    }

    var maintenanceStarts: Int {
        all.filter { if case .maintenance(_, true) = $0 { return true } else { return false } }.count
    }

    func cancel() { task.cancel() }
}

/// A TestWS connected to the gateway, after its info event.
func openLocal(_ fixture: GatewayFixture) async throws -> TestWS {
    let ws = TestWS(url: fixture.gateway.wsURL)
    try await ws.expect("info") { $0["event"]?.string == "info" && $0["version"]?.int == 2 }
    return ws
}
