import BfxClient
import BfxProtocol
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle

/// A Bitfinex-compatible local endpoint that shares one verified upstream with every local
/// program, in any language: they change only their host URL (docs/gateway.md, ADR 0022).
///
/// ```swift
/// let client = try BfxClient(configuration: .init(publicURL: "wss://api-pub.bitfinex.com/ws/2"))
/// let rest = BfxRESTClient(configuration: .live)
/// let gateway = try await Gateway.start(GatewayConfiguration(), upstream: client, rest: rest)
/// // bots connect to gateway.wsURL (ws://127.0.0.1:8766/ws/2) and gateway.restURL
/// ```
///
/// Upstream connections, reconnects, checksum and sequence audits are the `BfxClient`'s; the
/// gateway adds one subscription per distinct channel, the published state that late joiners and
/// healed clients get, and per-local-connection flags, sequence numbers and checksums.
public final class Gateway: Sendable {
    /// Why ``start(_:upstream:rest:clock:logger:)`` failed.
    public enum StartError: Error, Sendable, CustomStringConvertible {
        /// The configuration is invalid (every problem listed).
        case invalidConfiguration([String])
        /// The listener could not be bound.
        case bindFailed(String)

        /// One line naming what failed.
        public var description: String {
            switch self {
            case .invalidConfiguration(let problems): "invalid gateway configuration: " + problems.joined(separator: "; ")
            case .bindFailed(let message): "gateway failed to start: \(message)"
            }
        }
    }

    /// The configuration it runs with.
    public let configuration: GatewayConfiguration
    /// The bound port (the configured one, or the one picked for port 0).
    public let port: Int
    let hub: GatewayHub
    let proxy: RESTProxy
    private let serviceGroup: ServiceGroup
    private let runTask: Task<Void, Never>
    private let sweepTask: Task<Void, Never>

    /// `ws://HOST:PORT/ws/2` — what local programs use instead of Bitfinex's WebSocket URL.
    public var wsURL: String { "ws://\(urlHost):\(port)/ws/2" }
    /// `http://HOST:PORT` — the REST base (`/v2/…` below it, like `https://api-pub.bitfinex.com`).
    public var restURL: String { "http://\(urlHost):\(port)" }
    private var urlHost: String { configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host }

    private init(configuration: GatewayConfiguration, port: Int, hub: GatewayHub, proxy: RESTProxy,
                 serviceGroup: ServiceGroup, runTask: Task<Void, Never>, sweepTask: Task<Void, Never>) {
        self.configuration = configuration
        self.port = port
        self.hub = hub
        self.proxy = proxy
        self.serviceGroup = serviceGroup
        self.runTask = runTask
        self.sweepTask = sweepTask
    }

    /// Binds the listener and starts serving.
    /// - Parameters:
    ///   - configuration: where to listen and what local clients may do.
    ///   - upstream: the client whose pool carries every upstream subscription.
    ///   - rest: the REST client whose per-endpoint budgets every local REST call shares.
    ///   - clock: drives heartbeats, linger, budgets and timestamps.
    ///   - logger: client connects and disconnects, overflows, upstream failures (never secrets).
    public static func start(_ configuration: GatewayConfiguration, upstream: BfxClient, rest: BfxRESTClient,
                             clock: any BfxClock = SystemClock(),
                             logger: Logger = Logger(label: "bfxkit.gateway")) async throws -> Gateway {
        let problems = configuration.problems
        guard problems.isEmpty else { throw StartError.invalidConfiguration(problems) }
        let hub = GatewayHub(configuration: configuration, upstream: upstream, clock: clock, logger: logger)
        let proxy = RESTProxy(rest: rest, configuration: configuration, clock: clock)
        let serverId = "bfxkit-gateway-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let router = GatewayRoutes.makeRouter(hub: hub, proxy: proxy, serverId: serverId, clock: clock, logger: logger)
        let (portStream, portContinuation) = AsyncStream<Result<Int, StartError>>.makeStream()
        let host = configuration.host == "localhost" ? "127.0.0.1" : configuration.host.trimmingCharacters(in: ["[", "]"])
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: router,
                                           configuration: .init(ws: .init(maxFrameSize: configuration.maxFrameBytes))),
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in portContinuation.yield(.success(channel.localAddress?.port ?? 0)) },
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
        guard case .success(let port) = bound else {
            await group.triggerGracefulShutdown()
            await runTask.value
            if case .failure(let error) = bound { throw error }
            throw StartError.bindFailed("unknown")
        }
        let sweepPeriod = min(configuration.heartbeat / 5, .seconds(1))
        let sweepTask = Task {
            while !Task.isCancelled {
                do { try await clock.sleep(for: sweepPeriod) } catch { return }
                await hub.heartbeatSweep()
            }
        }
        logger.notice("gateway listening", metadata: ["ws": "ws://\(host):\(port)/ws/2", "rest": "http://\(host):\(port)/v2"])
        return Gateway(configuration: configuration, port: port, hub: hub, proxy: proxy,
                       serviceGroup: group, runTask: runTask, sweepTask: sweepTask)
    }

    /// Feeds the upstream client's connection events to the gateway: maintenance start and end
    /// are forwarded to every local client (20060/20061); restarts (20051), reconnects and
    /// resyncs are not — the gateway absorbs them. Call it for every `BfxClient.events` element
    /// (the owner of the client reads that stream; the runtime does this for you).
    public func observe(_ event: ClientEvent) async {
        if case .maintenance(_, let active) = event { await hub.setMaintenance(active) }
    }

    /// Local clients, shared channels and counters.
    public func snapshot() async -> GatewaySnapshot { await hub.snapshot() }

    /// Public REST calls forwarded upstream, served from cache, answered 429 locally, failed.
    public var restStats: (forwarded: Int, cached: Int, limited: Int, failed: Int) { proxy.stats }

    /// Closes local client `id` (code 1000). False if there is no such client.
    public func kick(client id: Int) async -> Bool { await hub.kick(id) }

    /// Closes every local client (1001), drops the upstream subscriptions, stops listening.
    public func shutdown() async {
        sweepTask.cancel()
        await hub.closeAll()
        await serviceGroup.triggerGracefulShutdown()
        await runTask.value
        await sweepTask.value
    }
}

/// Encodes state objects for `/_gateway/state` (sorted keys, stable output).
enum JSONEncoderForState {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
