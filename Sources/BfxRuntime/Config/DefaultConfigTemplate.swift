/// The text printed by `bfxrun init`. The values of the library-backed sections are interpolated
/// from the config defaults (which come from the library), so the template cannot drift.
enum DefaultConfigTemplate {
    private static let ws = WebSocketConfig()
    private static let nonce = NonceConfig()
    private static let limits = RateLimitConfig()

    private static var classLines: String {
        nonce.classes.map { c in
            "    - {name: \(c.name), limit: \(c.limit)\(c.deadline.map { ", deadline: \($0)" } ?? "")}"
        }.joined(separator: "\n")
    }

    static let text = """
    # bfxrun configuration — every key is documented in docs/configuration.md.
    # Validate with: bfxrun check FILE    Run with: bfxrun FILE
    version: 1

    # simulator = embedded offline simulator on 127.0.0.1 (ephemeral port)
    # live      = real Bitfinex (wss://api-pub.bitfinex.com/ws/2, wss://api.bitfinex.com/ws/2)
    # or a mapping {ws_public, ws_auth, rest_public, rest_auth} with explicit URLs.
    endpoint: simulator

    # API keys. Credentials ONLY as environment references: ${VAR} or ${VAR:?message}.
    # On the simulator api_key/api_secret may be omitted (demo credentials are generated).
    keys:
      - name: main
        # api_key: ${BFX_API_KEY:?export BFX_API_KEY}
        # api_secret: ${BFX_API_SECRET:?export BFX_API_SECRET}
        nonce_store:
          kind: memory            # memory | file (path:) | postgres (url:)
        dead_man_switch: false

    connections:
      - name: market
        channels:
          - {channel: ticker, symbol: tBTCUSD}
          - {channel: trades, symbol: tBTCUSD}
          - {channel: book, symbol: tBTCUSD, prec: P0, freq: F0, len: 25}
      # - name: account         # authenticated stream (user data, order inputs)
      #   key: main

    websocket:
      max_subscriptions_per_connection: \(ws.maxSubscriptionsPerConnection)
      heartbeat_timeout: \(ws.heartbeatTimeout)    # a channel silent this long is treated as stalled
      ping_interval: \(ws.pingInterval)
      connect_timeout: \(ws.connectTimeout)
      checksum: \(ws.checksum)            # verify book checksums (OB_CHECKSUM)
      checksum_policy:            # on a mismatch: resync | observe | ignore
        trading: \(ws.checksumPolicy.trading.rawValue)
        funding: \(ws.checksumPolicy.funding.rawValue)         # server funding checksums are unreliable
        observe_resync_window: \(ws.checksumPolicy.observeResyncWindow)
      sequence: \(ws.sequence)            # audit sequence numbers (SEQ_ALL)
      timestamp: \(ws.timestamp)
      reconnect:
        initial_delay: \(ws.reconnect.initialDelay)
        max_delay: \(ws.reconnect.maxDelay)
        multiplier: \(ws.reconnect.multiplier)
        jitter: \(ws.reconnect.jitter.rawValue)            # \(ReconnectConfig.Jitter.allCases.map(\.rawValue).joined(separator: " | "))
        max_attempts: \(ws.reconnect.maxAttempts)         # 0 = never give up
        give_up_after: \(ws.reconnect.giveUpAfter)

    nonce:
      classes:                  # highest priority first
    \(classLines)
      aging: \(nonce.aging)
      history_size: \(nonce.historySize)
      unknown_outcome_quarantine: \(nonce.unknownOutcomeQuarantine)   # lane held after a timed-out signed call; 0s = off (e.g. 10s)
      map: {ws_auth: critical, order_cancel: critical, order_new: high, order_update: high, read: normal, history: low, other: normal}

    rate_limits:
      rest_public_per_minute: \(limits.restPublicPerMinute)
      rest_auth_per_minute: \(limits.restAuthPerMinute)
      ws_connect_public_per_minute: \(limits.wsConnectPublicPerMinute)
      ws_connect_auth_per_15s: \(limits.wsConnectAuthPer15s)
      endpoints: []             # per-endpoint REST budgets, e.g. [{path: auth/r/orders/hist, per_minute: 10}, {path: "ticker*", per_minute: 30}]

    alerts:
      - name: reconnect-storm
        kind: reconnects        # see docs/configuration.md for every kind
        threshold: 3
        window: 60s
        actions: [log, console]
      - name: stale-channel
        kind: heartbeat_gap
        threshold: 30           # seconds
        actions: [log]

    logging:
      level: info               # trace | debug | info | notice | warning | error | critical
      format: text              # text | json

    metrics:
      enabled: true
      listen: 127.0.0.1:9464    # /metrics, /api/state and the dashboard at /
      dashboard: true

    simulator:
      seed: 42
      rate: 20                  # market events per second per symbol
      faults: []                # e.g. - {at: 10s, fault: drop}

    startup: []                 # e.g. - {path: auth/r/wallets, every: 2s}

    output:
      summary_interval: 0s      # 0 = every 5s when stdout is a terminal
      book_depth: 3
      trades: 3

    shutdown:
      drain_timeout: 5s
      step_timeout: 10s         # each later teardown step; an overrun is logged and left behind

    """
}
