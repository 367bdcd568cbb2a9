import BfxClient

/// One sample of everything alert rules can look at. Counters are monotonic totals since start;
/// the engine turns them into per-window counts.
package struct AlertInputs: Sendable, Hashable, Codable {
    /// Reconnects of all connections.
    package var reconnects = 0
    /// Book checksum mismatches.
    package var checksumMismatches = 0
    /// Of those, the ones only counted and reported (checksum policy `observe`, within its window).
    package var checksumMismatchesObserved = 0
    /// Sequence-number gaps detected on any channel (only counted with `websocket.sequence: true`).
    package var sequenceGaps = 0
    /// Nonce / signed-call errors.
    package var nonceErrors = 0
    /// Rate-limit answers (HTTP 429, `ERR_RATE_LIMIT`) and local limiter waits, all keys.
    package var rateLimitHits = 0
    /// Channel messages received.
    package var messages = 0
    /// Longest current silence of a subscribed channel (seconds).
    package var heartbeatGapSeconds = 0.0
    /// Deepest nonce queue now.
    package var queueDepth = 0
    /// Longest current wait in a nonce queue (seconds).
    package var queueWaitSeconds = 0.0

    /// All zero.
    package init() {}

    /// The WebSocket client's counters (reconnects, checksum mismatches, sequence gaps); the
    /// rest zero.
    package init(client: IntegrityCounters) {
        reconnects = client.reconnects
        checksumMismatches = client.checksumMismatches
        checksumMismatchesObserved = client.checksumMismatchesObserved
        sequenceGaps = client.sequenceGaps
    }
}
