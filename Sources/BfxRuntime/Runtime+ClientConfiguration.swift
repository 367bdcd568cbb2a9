import BfxClient
import BfxNonce

/// How the YAML sections become the library configurations the runtime starts with.
extension Runtime {
    /// The per-endpoint token-bucket limits for `BfxRESTClient` from `rate_limits` (see
    /// `RateLimitConfig.restRateLimits`: defaults, capped built-ins, then `rate_limits.endpoints`).
    static func restRateLimits(_ config: RateLimitConfig) -> RESTRateLimits {
        config.restRateLimits
    }

    /// `nonce` as the nonce manager's configuration (settings YAML does not cover keep the
    /// library's defaults).
    static func nonceConfiguration(_ nonce: NonceConfig) -> NonceManagerConfiguration {
        let classes = nonce.classes.map { NoncePriorityClass(NoncePriority($0.name), maxQueued: $0.limit) }
        return NonceManagerConfiguration(priorityClasses: classes, agingStep: nonce.aging.duration, historyCapacity: nonce.historySize,
                                         unknownOutcomeQuarantine: nonce.unknownOutcomeQuarantine.duration)
    }

    /// `websocket.reconnect` as the client's policy (market data and user data alike).
    var reconnectPolicy: ReconnectPolicy { Self.reconnectPolicy(config.websocket) }

    /// `websocket.reconnect` as the client's policy.
    static func reconnectPolicy(_ ws: WebSocketConfig) -> ReconnectPolicy {
        ReconnectPolicy(
            initialDelay: ws.reconnect.initialDelay.duration, multiplier: ws.reconnect.multiplier,
            maxDelay: ws.reconnect.maxDelay.duration, jitter: ws.reconnect.jitter.policyJitter,
            maxAttempts: ws.reconnect.maxAttempts == 0 ? nil : ws.reconnect.maxAttempts,
            giveUpAfter: ws.reconnect.giveUpAfter.milliseconds == 0 ? nil : ws.reconnect.giveUpAfter.duration)
    }

    /// `websocket` and `rate_limits.ws_connect_*` as the WebSocket client's configuration (settings
    /// YAML does not cover, e.g. buffer sizes, keep the library's defaults).
    static func clientConfiguration(_ config: RuntimeConfig, urls: EndpointConfig.EndpointURLs) -> BfxClientConfiguration {
        let ws = config.websocket
        return BfxClientConfiguration(
            publicURL: urls.wsPublic, authenticatedURL: urls.wsAuth,
            maxSubscriptionsPerConnection: ws.maxSubscriptionsPerConnection,
            publicRateLimit: ConnectionRateLimit(maxConnections: config.rateLimits.wsConnectPublicPerMinute, window: .seconds(60)),
            authenticatedRateLimit: ConnectionRateLimit(maxConnections: config.rateLimits.wsConnectAuthPer15s, window: .seconds(15)),
            reconnect: reconnectPolicy(ws), heartbeatTimeout: ws.heartbeatTimeout.duration, pingInterval: ws.pingInterval.duration,
            connectTimeout: ws.connectTimeout.duration, checksum: ws.checksum, checksumPolicy: ws.checksumPolicy.policy,
            sequenceNumbers: ws.sequence, timestamps: ws.timestamp)
    }
}
