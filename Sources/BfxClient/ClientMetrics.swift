import Metrics

/// The swift-metrics instruments of the WebSocket client (the executable picks the backend).
/// Names are prefixed `bfx_ws_`; the `client` dimension separates several clients in a process.
struct ClientMetrics: Sendable {
    let connectionOpens: Counter
    let connectFailures: Counter
    let reconnects: Counter
    let closes: Counter
    let stalls: Counter
    let serverRestarts: Counter
    let maintenance: Counter
    let messages: Counter
    let checksumMismatches: Counter
    let checksumMismatchesObserved: Counter
    let checksumsVerified: Counter
    let sequenceGaps: Counter
    let tradeGaps: Counter
    let malformedFrames: Counter
    let subscribeRequests: Counter
    let resubscriptions: Counter
    let duplicateTrades: Counter
    let rateLimitWaits: Counter
    let giveUps: Counter
    let subscribeRetries: Counter
    let openConnections: Gauge
    let reconnectDuration: Metrics.Timer

    init(label: String) {
        let dims = [("client", label)]
        connectionOpens = Counter(label: "bfx_ws_connection_opens_total", dimensions: dims)
        connectFailures = Counter(label: "bfx_ws_connect_failures_total", dimensions: dims)
        reconnects = Counter(label: "bfx_ws_reconnects_total", dimensions: dims)
        closes = Counter(label: "bfx_ws_connection_closes_total", dimensions: dims)
        stalls = Counter(label: "bfx_ws_stalls_total", dimensions: dims)
        serverRestarts = Counter(label: "bfx_ws_server_restarts_total", dimensions: dims)
        maintenance = Counter(label: "bfx_ws_maintenance_total", dimensions: dims)
        messages = Counter(label: "bfx_ws_messages_total", dimensions: dims)
        checksumMismatches = Counter(label: "bfx_ws_checksum_mismatches_total", dimensions: dims)
        checksumMismatchesObserved = Counter(label: "bfx_ws_checksum_mismatches_observed_total", dimensions: dims)
        checksumsVerified = Counter(label: "bfx_ws_checksums_verified_total", dimensions: dims)
        sequenceGaps = Counter(label: "bfx_ws_sequence_gaps_total", dimensions: dims)
        tradeGaps = Counter(label: "bfx_ws_trade_gaps_total", dimensions: dims)
        malformedFrames = Counter(label: "bfx_ws_malformed_frames_total", dimensions: dims)
        subscribeRequests = Counter(label: "bfx_ws_subscribe_requests_total", dimensions: dims)
        resubscriptions = Counter(label: "bfx_ws_resubscriptions_total", dimensions: dims)
        duplicateTrades = Counter(label: "bfx_ws_duplicate_trades_dropped_total", dimensions: dims)
        rateLimitWaits = Counter(label: "bfx_ws_connection_rate_limit_waits_total", dimensions: dims)
        giveUps = Counter(label: "bfx_ws_reconnect_give_ups_total", dimensions: dims)
        subscribeRetries = Counter(label: "bfx_ws_subscribe_retries_total", dimensions: dims)
        openConnections = Gauge(label: "bfx_ws_open_connections", dimensions: dims)
        reconnectDuration = Metrics.Timer(label: "bfx_ws_reconnect_duration_seconds", dimensions: dims)
    }
}
