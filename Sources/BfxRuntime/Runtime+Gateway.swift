import BfxClient
import BfxGateway
import BfxNonce
import BfxProtocol

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
        var accounts: [GatewayAccount] = []
        for account in section.accounts {
            guard let signed = restClients[account.key], let credentials = credentialsByKey[account.key] else {
                throw RuntimeError.startFailed("gateway account '\(account.key)': the key has no credentials (api_key/api_secret, or a simulator key)")
            }
            let localKeys = account.localKeys.map { local -> GatewayAccount.LocalKey in
                SecretRedactor.shared.register(local.key.value)
                SecretRedactor.shared.register(local.secret.value)
                return GatewayAccount.LocalKey(name: local.name, apiKey: local.key.value, secret: BfxSecret(local.secret.value),
                                               permissions: Set(local.permissions.compactMap(GatewayAccount.Permission.init(rawValue:))))
            }
            let rules = account.priorities.map {
                GatewayAccount.PriorityRule(pathPrefix: $0.path, localKey: $0.localKey, priority: NoncePriority($0.priority))
            }
            accounts.append(GatewayAccount(name: account.key, rest: signed, upstreamCredentials: credentials,
                                           acceptUpstreamCredentials: account.acceptUpstreamCredentials,
                                           localKeys: localKeys, priorityRules: rules,
                                           userData: userData[account.key]?.client))
            if userData[account.key] == nil {
                logger.notice("gateway account without an authenticated session: local WebSocket auth is refused for it",
                              metadata: ["key": "\(account.key)", "hint": "add a connections: entry with key: \(account.key)"])
            }
        }
        do {
            gateway = try await Gateway.start(section.configuration, upstream: client, rest: rest, accounts: accounts,
                                              clock: options.clock, logger: gatewayLogger)
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

    /// The newest signed calls the gateway forwarded or refused (no secrets); empty without a gateway.
    public func gatewayAuditLog(limit: Int = 100) -> [GatewayAuditEntry] { gateway?.auditLog(limit: limit) ?? [] }

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
