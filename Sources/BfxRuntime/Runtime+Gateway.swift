import BfxClient
import BfxGateway

/// The runtime's gateway (`gateway:` in the YAML, `bfxrun gateway`): it shares the runtime's
/// WebSocket client (its pool, audits and reconnects) and a public REST client whose per-endpoint
/// budgets come from `rate_limits` (docs/gateway.md).
extension Runtime {
    func startGateway() async throws {
        guard let section = config.gateway, let client = wsClient else { return }
        let rest = BfxRESTClient(configuration: BfxRESTConfiguration(publicBaseURL: urls.restPublic, authBaseURL: urls.restAuth,
                                                                     rateLimits: Self.restRateLimits(config.rateLimits)),
                                 httpClient: options.httpClient, clock: options.clock, logger: logger)
        var gatewayLogger = logger
        gatewayLogger[metadataKey: "component"] = "gateway"
        do {
            gateway = try await Gateway.start(section.configuration, upstream: client, rest: rest, clock: options.clock, logger: gatewayLogger)
        } catch {
            throw RuntimeError.startFailed("gateway: \(error)")
        }
        if let gateway {
            hub.publish(RuntimeEvent(kind: .started, message: "gateway listening on \(gateway.wsURL) and \(gateway.restURL)/v2"))
        }
    }

    func stopGateway() async {
        await gateway?.shutdown()
        gateway = nil
    }

    /// The gateway's local clients and shared channels; nil without a `gateway:` section.
    public func gatewaySnapshot() async -> GatewayStatus? {
        guard let gateway else { return nil }
        return GatewayStatus(listen: "\(gateway.configuration.host):\(gateway.port)", wsURL: gateway.wsURL,
                             restURL: gateway.restURL, state: await gateway.snapshot())
    }

    /// Closes local gateway client `id`. False when there is no gateway or no such client.
    public func kickGatewayClient(_ id: Int) async -> Bool {
        guard let gateway else { return false }
        return await gateway.kick(client: id)
    }
}

/// `/api/state` → `gateway`: where the gateway listens and its state.
public struct GatewayStatus: Sendable, Hashable, Codable {
    /// The bound `HOST:PORT`.
    public var listen: String
    /// `ws://HOST:PORT/ws/2`.
    public var wsURL: String
    /// `http://HOST:PORT` (REST below `/v2/`).
    public var restURL: String
    /// Local clients, shared channels, counters.
    public var state: GatewaySnapshot
}
