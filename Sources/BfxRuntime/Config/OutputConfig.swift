/// Headless output on stdout.
public struct OutputConfig: Sendable, Hashable, Encodable {
    /// Print a compact summary every interval; 0 = only when stdout is a terminal (every 5 s).
    public var summaryInterval = ConfigDuration(milliseconds: 0)
    /// Book levels per side in the summary.
    public var bookDepth = 3
    /// Trades per symbol in the summary.
    public var trades = 3

    /// The values an empty `output:` section means.
    public init() {}

    enum CodingKeys: String, CodingKey { case summaryInterval = "summary_interval", bookDepth = "book_depth", trades }
}

/// Graceful shutdown bounds.
public struct ShutdownConfig: Sendable, Hashable, Encodable {
    /// Maximum time to drain queued signed calls before closing.
    public var drainTimeout = ConfigDuration.seconds(5)
    /// Maximum time each later teardown step (user-data streams, gateway, WebSocket client, nonce
    /// store, servers, simulator) is waited for; a step that overruns is logged and left behind,
    /// so the process still exits.
    public var stepTimeout = ConfigDuration.seconds(10)

    /// The values an empty `shutdown:` section means (drain queued signed calls for up to 5 s,
    /// then at most 10 s per teardown step).
    public init() {}

    enum CodingKeys: String, CodingKey { case drainTimeout = "drain_timeout", stepTimeout = "step_timeout" }
}
