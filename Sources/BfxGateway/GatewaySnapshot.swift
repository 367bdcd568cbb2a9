/// The gateway's state at one moment: local clients, shared upstream channels, counters.
public struct GatewaySnapshot: Sendable, Hashable, Codable {
    /// One local connection.
    public struct Client: Sendable, Hashable, Codable {
        /// Gateway-assigned id (console `gateway kick ID`).
        public var id: Int
        /// Peer address.
        public var remote: String
        /// Connect time, Unix milliseconds.
        public var connectedAtMillis: Int64
        /// The connection's `conf` flags.
        public var flags: Int64
        /// Subscribed channels, short form (`book:tBTCUSD:P0:F0:25`), by chanId.
        public var channels: [String]
        /// Frames written to the client.
        public var framesOut: Int
        /// Frames received from the client.
        public var framesIn: Int
        /// Requests answered with an error event.
        public var errors: Int
        /// Frames discarded when its send buffer overflowed (then it was closed).
        public var dropped: Int
        /// Frames queued and not yet written.
        public var queued: Int
        /// Age of the oldest unwritten frame, milliseconds.
        public var lagMillis: Double
    }

    /// One shared upstream channel.
    public struct Channel: Sendable, Hashable, Codable {
        /// Short form of the channel.
        public var channel: String
        /// The chanId local clients see for it.
        public var chanId: Int64
        /// Local subscribers (including those waiting for the upstream confirmation).
        public var subscribers: Int
        /// True once upstream confirmed the subscription.
        public var live: Bool
        /// Packets fanned out to local clients.
        public var packets: Int
        /// Times local books/trades/candles were healed after an upstream resync or reconnect.
        public var healed: Int
        /// Upstream integrity events (checksum mismatch, sequence gap, stall) absorbed.
        public var integrityEvents: Int
        /// True while kept only by `linger` (no local subscriber).
        public var lingering: Bool
    }

    /// Local connections, by id.
    public var clients: [Client]
    /// Upstream channels, by chanId.
    public var channels: [Channel]
    /// True while upstream is in maintenance (forwarded as 20060/20061).
    public var maintenance: Bool
    /// Upstream subscriptions opened since start (one per distinct channel, reused while shared).
    public var upstreamSubscribes: Int
    /// Clients closed by `kick`.
    public var kicked: Int
    /// Clients closed because their send buffer overflowed.
    public var overflows: Int
}
