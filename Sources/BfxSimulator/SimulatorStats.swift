/// A point-in-time view of the simulator's counters (`BfxSimulator.stats()`, `GET /_sim/state`).
public struct SimulatorStats: Sendable {
    /// Nonce statistics for one API key.
    public struct NonceStats: Sendable, Equatable {
        /// Nonces accepted (WS auth + REST).
        public var accepted: Int
        /// Nonces rejected for any reason (small, too large, injected, bad signature/key).
        public var rejected: Int
        /// Arrivals whose nonce was not above the key's last accepted nonce.
        public var outOfOrder: Int
        /// The last accepted nonce (0 when none).
        public var lastNonce: Int64
    }

    /// Open WebSocket connections.
    public var connections: Int
    /// Ids of the open connections (for `dropConnection`, `stall`...).
    public var connectionIds: [Int]
    /// Total WebSocket connections accepted since start.
    public var connectionsAccepted: Int
    /// WebSocket upgrades refused by a fault.
    public var connectionsRefused: Int
    /// Frames queued to clients since start.
    public var messagesSent: Int
    /// Market ticks executed.
    public var ticks: Int
    /// Per API key nonce statistics.
    public var nonces: [String: NonceStats]
    /// Faults injected, by `SimulatorFault.name`.
    public var faultsInjected: [String: Int]
    /// REST requests served, by outcome ("ok", "error", "rateLimited", "injected").
    public var restRequests: [String: Int]
    /// True while a maintenance window is active.
    public var maintenance: Bool
    /// Subscribe requests accepted since start, by channel (`book:tBTCUSD:P0:F0:25`,
    /// `book:tBTCUSD:R0:25`, `ticker:tBTCUSD`, `candles:trade:1m:tBTCUSD`, `status:KEY`).
    public var subscribesAccepted: [String: Int] = [:]
    /// Connections subscribed right now, by channel (same names).
    public var activeSubscriptions: [String: Int] = [:]
}
