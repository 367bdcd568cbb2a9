/// One alert rule: a signal, a threshold with hysteresis, and what to do when it fires.
public struct AlertRuleConfig: Sendable, Hashable, Encodable {
    /// The measured signal.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Reconnects (all connections) within `window`.
        case reconnects
        /// Longest silence of any subscribed channel, in seconds.
        case heartbeatGap = "heartbeat_gap"
        /// Book checksum mismatches within `window` (all books, observed ones included).
        case checksumMismatch = "checksum_mismatch"
        /// Book checksum mismatches within `window` that were only counted and reported, not
        /// resynced (books under `websocket.checksum_policy` mode `observe`).
        case checksumMismatchObserved = "checksum_mismatch_observed"
        /// Sequence gaps within `window`.
        case sequenceGap = "sequence_gap"
        /// Nonce errors (10114 and other signed-call failures) within `window`.
        case nonceErrors = "nonce_errors"
        /// Deepest nonce queue (calls waiting) right now.
        case queueDepth = "queue_depth"
        /// Longest current wait in a nonce queue, in seconds.
        case queueWait = "queue_wait"
        /// Messages per second over `window` FALLING BELOW the threshold.
        case messageRateDrop = "message_rate_drop"
        /// Rate-limit hits (429, ERR_RATE_LIMIT, local limiter waits) within `window`.
        case rateLimitHits = "rate_limit_hits"

        /// True when the alert fires on low values.
        public var firesBelow: Bool { self == .messageRateDrop }
    }

    /// What to do when an alert fires.
    public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
        /// Log at warning (resolve at notice).
        case log
        /// Emit a `RuntimeEvent.notice` (shown by the console).
        case console
        /// POST JSON to `webhook_url`.
        case webhook
        /// Stop the runtime gracefully and exit with `exit_code`.
        case exit
    }

    /// Unique rule name.
    public var name: String
    /// Signal.
    public var kind: Kind
    /// Fire when the value reaches (or, for `message_rate_drop`, falls below) this.
    public var threshold: Double
    /// Counting window for count/rate kinds.
    public var window = ConfigDuration.seconds(60)
    /// Resolve when the value is back below (above, for rate drops) this; default = threshold.
    public var clear: Double?
    /// The value must stay cleared this long before the alert resolves (hysteresis in time).
    public var clearAfter = ConfigDuration(milliseconds: 0)
    /// Actions when firing (resolution is logged/notified for `log`/`console`/`webhook`).
    public var actions: [Action] = [.log, .console]
    /// Webhook URL (required with `webhook`).
    public var webhookURL: SensitiveString?
    /// Exit status with the `exit` action.
    public var exitCode = 5

    /// Creates a rule.
    public init(name: String, kind: Kind, threshold: Double) {
        self.name = name
        self.kind = kind
        self.threshold = threshold
    }

    enum CodingKeys: String, CodingKey {
        case name, kind, threshold, window, clear
        case clearAfter = "clear_after", actions, webhookURL = "webhook_url", exitCode = "exit_code"
    }

    /// The value that resolves the alert.
    public var clearLevel: Double { clear ?? threshold }
}
