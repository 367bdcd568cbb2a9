import BfxProtocol

/// One issued nonce from the ring buffer.
public struct ConsoleNonceIssue: ConsoleRecord, Sendable, Equatable {
    /// Name of the API key the nonce was issued for (as configured, never the key itself).
    public var key: String
    /// The nonce value sent with the call (strictly increasing per key).
    public var nonce: Int64
    /// Caller label (endpoint or `ws-auth`).
    public var label: String
    /// Priority class of the call, e.g. `critical` or `normal`.
    public var priority: String
    /// Time spent queued.
    public var waitMilliseconds: Double
    /// Outcome (`ok`, `nonce-small`, `error: …`).
    public var outcome: String

    /// Built by a ``ConsoleBackend`` for each row it returns; each parameter sets the property of
    /// the same name, optional ones default to `nil` (unknown, shown as empty).
    public init(key: String, nonce: Int64, label: String, priority: String, waitMilliseconds: Double, outcome: String) {
        self.key = key
        self.nonce = nonce
        self.label = label
        self.priority = priority
        self.waitMilliseconds = waitMilliseconds
        self.outcome = outcome
    }

    /// Column names in display order.
    public static let columns: [String] = ["key", "nonce", "label", "priority", "wait_ms", "outcome"]

    /// The fields in display order.
    public var consoleFields: [JSONObject.Member] {
        [
            JSONObject.Member("key", .string(key)),
            JSONObject.Member("nonce", .int(nonce)),
            JSONObject.Member("label", .string(label)),
            JSONObject.Member("priority", .string(priority)),
            JSONObject.Member("wait_ms", .double(waitMilliseconds)),
            JSONObject.Member("outcome", .string(outcome)),
        ]
    }
}
