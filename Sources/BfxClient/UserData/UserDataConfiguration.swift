/// Settings of a ``UserDataClient``: what to authenticate with and for, timeouts, outage
/// buffering, reconciliation and reconnect behaviour. A plain value, so the runtime builds it
/// from YAML.
public struct UserDataConfiguration: Sendable {
    /// Whether market data shares the authenticated connection.
    public enum ConnectionSharing: String, Sendable, Hashable, CaseIterable {
        /// User data on its own authenticated connection (default), e.g. ``WebSocketUserDataTransport``.
        case separate
        /// One authenticated connection of a ``BfxClient`` carries the account (channel 0) and
        /// public subscriptions: use ``SharedUserDataTransport`` (ADR 0019, docs/user-data.md).
        case shared
    }

    /// Dead-man switch: `4` = cancel all account orders when this socket closes; `nil` = off.
    public var deadManSwitch: Int?
    /// Auth `filter` (e.g. `["trading", "wallet"]`); empty = everything.
    public var filter: [String]
    /// Auth `calc` flag (`1` asks the server to compute on-demand values).
    public var calc: Int?
    /// How long to wait for the `auth` response.
    public var authTimeout: Duration
    /// How long a request waits for its `n *-req` and order event once written.
    public var requestTimeout: Duration
    /// Hold order inputs issued while disconnected (`false`: fail them with `.notConnected`).
    public var bufferWhileDisconnected: Bool
    /// Maximum buffered inputs.
    public var outageBufferCapacity: Int
    /// Buffered inputs older than this are failed with `.expiredInOutageBuffer`, never sent.
    public var outageBufferMaxAge: Duration
    /// After auth, how long to wait for the snapshots (`os`, `ps`, `ws`) before reconciling
    /// with whatever arrived (REST fills the rest when a reconciliation source is configured).
    public var snapshotTimeout: Duration
    /// Snapshot types the reconnect sync waits for.
    public var expectedSnapshots: Set<String>
    /// Reconnect behaviour (shared type with the market-data client).
    public var reconnect: ReconnectPolicy
    /// Seed for reconnect jitter (`nil`: random).
    public var jitterSeed: UInt64?
    /// Number of most recent own trades kept in ``AccountState/recentTrades``.
    public var recentTradesCapacity: Int
    /// Number of own trade IDs remembered to report each fill once, even when a late `tu` (or a
    /// reconciliation row) arrives after its trade left ``AccountState/recentTrades``; oldest
    /// forgotten first (FIFO). At least `recentTradesCapacity` is used. 100,000 IDs ≈ 3 MB.
    public var seenTradeIDsCapacity: Int
    /// A connection that delivered nothing (not even a channel-0 `hb`, which Bitfinex sends after
    /// 15 s of silence) for this long is considered stalled and replaced; `nil` disables the check.
    public var heartbeatTimeout: Duration?
    /// Market data on the same connection or not.
    public var sharing: ConnectionSharing
    /// Capacity of the event stream buffer for slow consumers (oldest events dropped beyond it;
    /// the account state is never affected).
    public var eventBufferCapacity: Int

    /// A configuration; every parameter defaults to the value documented on its property
    /// (docs/user-data.md lists them), so `UserDataConfiguration()` is the production default.
    public init(
        deadManSwitch: Int? = nil,
        filter: [String] = [],
        calc: Int? = nil,
        authTimeout: Duration = .seconds(10),
        requestTimeout: Duration = .seconds(15),
        bufferWhileDisconnected: Bool = true,
        outageBufferCapacity: Int = 256,
        outageBufferMaxAge: Duration = .seconds(60),
        snapshotTimeout: Duration = .seconds(3),
        expectedSnapshots: Set<String> = ["os", "ps", "ws"],
        reconnect: ReconnectPolicy = .standard,
        jitterSeed: UInt64? = nil,
        recentTradesCapacity: Int = 1_000,
        heartbeatTimeout: Duration? = .seconds(20),
        sharing: ConnectionSharing = .separate,
        eventBufferCapacity: Int = 10_000,
        seenTradeIDsCapacity: Int = 100_000
    ) {
        self.heartbeatTimeout = heartbeatTimeout
        self.deadManSwitch = deadManSwitch
        self.filter = filter
        self.calc = calc
        self.authTimeout = authTimeout
        self.requestTimeout = requestTimeout
        self.bufferWhileDisconnected = bufferWhileDisconnected
        self.outageBufferCapacity = outageBufferCapacity
        self.outageBufferMaxAge = outageBufferMaxAge
        self.snapshotTimeout = snapshotTimeout
        self.expectedSnapshots = expectedSnapshots
        self.reconnect = reconnect
        self.jitterSeed = jitterSeed
        self.recentTradesCapacity = recentTradesCapacity
        self.seenTradeIDsCapacity = seenTradeIDsCapacity
        self.sharing = sharing
        self.eventBufferCapacity = eventBufferCapacity
    }

    /// Checks every value; returns one description per problem (empty when valid).
    public func validate() -> [String] {
        var problems = reconnect.validate().map { "reconnect: \($0)" }
        if let dms = deadManSwitch, dms != 4 { problems.append("deadManSwitch: only 4 is documented, got \(dms)") }
        if authTimeout <= .zero { problems.append("authTimeout must be > 0") }
        if requestTimeout <= .zero { problems.append("requestTimeout must be > 0") }
        if outageBufferCapacity < 0 { problems.append("outageBufferCapacity must be >= 0") }
        if outageBufferMaxAge <= .zero { problems.append("outageBufferMaxAge must be > 0") }
        if snapshotTimeout < .zero { problems.append("snapshotTimeout must be >= 0") }
        if recentTradesCapacity < 0 { problems.append("recentTradesCapacity must be >= 0") }
        if seenTradeIDsCapacity < 0 { problems.append("seenTradeIDsCapacity must be >= 0") }
        if let heartbeatTimeout, heartbeatTimeout <= .zero { problems.append("heartbeatTimeout must be > 0 or absent") }
        if eventBufferCapacity < 1 { problems.append("eventBufferCapacity must be >= 1") }
        return problems
    }
}
