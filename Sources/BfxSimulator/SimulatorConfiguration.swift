/// Everything that shapes a simulator instance. All fields have loopback/test-friendly defaults.
public struct SimulatorConfiguration: Sendable {
    /// How the market generator is driven.
    public enum TickMode: Sendable, Equatable {
        /// A background task ticks every market `ratePerSecond` times per second.
        case automatic
        /// No background ticking; call `BfxSimulator.step(_:)` (deterministic tests).
        case manual
        /// Tick as fast as the slowest WebSocket connection drains (benchmarks).
        case unthrottled
    }

    /// An API key known to the simulator.
    public struct APIKey: Sendable {
        /// The public key (`apiKey` / `bfx-apikey`).
        public var key: String
        /// The secret used for HMAC-SHA384 signatures. Never logged.
        public var secret: String
        /// The user id reported on successful auth.
        public var userId: Int
        /// Whether the key may write (orders). Reads are always allowed.
        public var canWrite: Bool
        /// Initial wallet balances: (wallet type, currency, balance).
        public var wallets: [(type: String, currency: String, balance: Fixed)]

        /// Creates a key; default wallets hold 100,000 USD and 10 BTC/ETH in exchange and margin.
        public init(
            key: String, secret: String, userId: Int = 1, canWrite: Bool = true,
            wallets: [(type: String, currency: String, balance: Fixed)]? = nil
        ) {
            self.key = key
            self.secret = secret
            self.userId = userId
            self.canWrite = canWrite
            self.wallets = wallets ?? [
                ("exchange", "USD", Fixed(100_000)), ("exchange", "BTC", Fixed(10)), ("exchange", "ETH", Fixed(100)),
                ("exchange", "XRP", Fixed(100_000)),
                ("margin", "USD", Fixed(50_000)), ("funding", "USD", Fixed(20_000)), ("funding", "BTC", Fixed(1)),
            ]
        }
    }

    /// A REST rate-limit budget: `requests` per `window` for each endpoint path.
    public struct RateLimit: Sendable, Equatable {
        /// Requests allowed per window.
        public var requests: Int
        /// Window length.
        public var window: Duration
        /// Allows `requests` requests per `window` (a sliding window); the next request gets HTTP
        /// 429 `ERR_RATE_LIMIT`.
        public init(requests: Int, window: Duration) { self.requests = requests; self.window = window }
    }

    /// Listen host; must be loopback unless `allowNonLoopback` is set.
    public var host: String = "127.0.0.1"
    /// Listen port; 0 picks an ephemeral port (read the bound one from `BfxSimulator.port`).
    public var port: Int = 0
    /// Allow binding a non-loopback address (off by default: the simulator accepts any order).
    public var allowNonLoopback: Bool = false
    /// Seed for every generator (markets, ids). Same seed + same inputs + manual ticks = same output.
    public var seed: UInt64 = 42
    /// Trading symbols to simulate (must start with "t").
    public var tradingSymbols: [String] = ["tBTCUSD", "tETHUSD", "tXRPBTC", "tETHBTC"]
    /// Funding symbols to simulate (must start with "f").
    public var fundingSymbols: [String] = ["fUSD", "fBTC"]
    /// Market ticks per second and symbol in `.automatic` mode.
    public var ratePerSecond: Double = 10
    /// How ticks are driven.
    public var tickMode: TickMode = .automatic
    /// Idle time after which a channel gets `[chan,"hb"]` (Bitfinex: 15 s).
    public var heartbeatInterval: Duration = .seconds(15)
    /// Maximum channels per connection (reference conflict 25 vs 30; we default to 30, the figure in
    /// ws-general and requirements; see docs/adr/0005). Channel 0 (auth) is not counted.
    public var maxChannelsPerConnection: Int = 30
    /// Configured API keys.
    public var apiKeys: [APIKey] = []
    /// Which variant of each point the protocol reference leaves open the simulator emits
    /// (docs/adr/0028); the defaults are the choices of docs/adr/0005.
    public var variants = ProtocolVariants()
    /// Orders accepted per user per `orderRateWindow` (Bitfinex base: 1000 per 5 min).
    public var orderRateLimit: Int = 1000
    /// Window of the order rate limit.
    public var orderRateWindow: Duration = .seconds(300)
    /// REST budget per endpoint (reference §8.4 conservative figure: 90/min public, 45/min auth).
    public var restPublicLimit = RateLimit(requests: 90, window: .seconds(60))
    /// REST budget per authenticated endpoint.
    public var restAuthLimit = RateLimit(requests: 45, window: .seconds(60))
    /// Source of UTC milliseconds for MTS fields (inject for reproducible timestamps).
    public var now: @Sendable () -> Int64 = { SimulatorConfiguration.wallClockMillis() }
    /// Initial number of raw orders per book side.
    public var initialBookDepth: Int = 120
    /// Trades kept per symbol for snapshots and REST history.
    public var tradeHistory: Int = 120
    /// Candles kept per symbol and timeframe.
    public var candleHistory: Int = 240

    /// Event-loop threads of a group owned by this simulator (shut down with it); 0 = NIO's shared
    /// singleton group. Benchmarks set 1 so the server's socket never shares a loop with an
    /// in-process client under test.
    public var dedicatedEventLoopThreads: Int = 0

    /// Creates a configuration with the defaults above.
    public init() {}

    /// Current UTC time in milliseconds from the system clock.
    package static func wallClockMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif
