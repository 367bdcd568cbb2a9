/// One sample of everything alert rules can look at. Counters are monotonic totals since start;
/// the engine turns them into per-window counts.
public struct AlertInputs: Sendable, Hashable, Codable {
    /// Reconnects of all connections.
    public var reconnects = 0
    /// Book checksum mismatches.
    public var checksumMismatches = 0
    /// Sequence-number gaps detected on any channel (only counted with `websocket.sequence: true`).
    public var sequenceGaps = 0
    /// Nonce / signed-call errors.
    public var nonceErrors = 0
    /// Rate-limit answers (HTTP 429, `ERR_RATE_LIMIT`) and local limiter waits, all keys.
    public var rateLimitHits = 0
    /// Channel messages received.
    public var messages = 0
    /// Longest current silence of a subscribed channel (seconds).
    public var heartbeatGapSeconds = 0.0
    /// Deepest nonce queue now.
    public var queueDepth = 0
    /// Longest current wait in a nonce queue (seconds).
    public var queueWaitSeconds = 0.0

    /// All zero.
    public init() {}
}
