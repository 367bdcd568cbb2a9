/// Options of the embedded simulator (`endpoint: simulator`).
public struct SimulatorConfig: Sendable, Hashable, Encodable {
    /// Random seed of the generated markets (same seed = same markets).
    public var seed: UInt64 = 42
    /// Market events per second per symbol.
    public var rate = 20.0
    /// Extra latency added to every server message.
    public var latency = ConfigDuration(milliseconds: 0)
    /// Faults injected at fixed times after start.
    public var faults: [FaultStep] = []

    /// Defaults.
    public init() {}
}

/// One scheduled fault of a drill.
public struct FaultStep: Sendable, Hashable, Encodable {
    /// Fault names (see docs/configuration.md).
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Close every client connection.
        case drop
        /// Keep TCP open but send nothing for `duration`.
        case stall
        /// Send info 20051 (server restart; clients reconnect).
        case restart
        /// 20060, then 20061 after `duration`.
        case maintenance
        /// Send a wrong `cs` for `symbol` (or every book).
        case checksum
        /// Skip a sequence number.
        case sequenceGap = "sequence_gap"
        /// Send one malformed frame.
        case malformed
        /// Slow the server's reads of client frames for `duration`.
        case slowConsumer = "slow_consumer"
        /// Reject the next `count` signed calls with 10114 nonce: small.
        case nonce
        /// Answer the next `count` REST calls with 429 / ERR_RATE_LIMIT.
        case rateLimit = "rate_limit"
        /// Answer the next `count` REST calls with HTTP 500.
        case restError = "rest_error"
        /// Add `duration` of latency to every message.
        case latency
    }

    /// Time after start.
    public var at: ConfigDuration
    /// Which fault.
    public var fault: Kind
    /// Duration for stall / maintenance / slow_consumer / latency.
    public var duration: ConfigDuration?
    /// Count for nonce / rate_limit / rest_error.
    public var count: Int?
    /// Symbol for checksum.
    public var symbol: String?

    /// Creates a step.
    public init(at: ConfigDuration, fault: Kind, duration: ConfigDuration? = nil, count: Int? = nil, symbol: String? = nil) {
        self.at = at
        self.fault = fault
        self.duration = duration
        self.count = count
        self.symbol = symbol
    }
}
