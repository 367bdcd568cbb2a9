import BfxProtocol

/// Nonce statistics of one API key.
public struct ConsoleNonceStats: ConsoleRecord, Sendable, Equatable {
    /// Key name from the config (never the key itself).
    public var key: String
    /// Store kind and state (`memory`, `file:/path`, `postgres`).
    public var store: String
    /// Last issued nonce.
    public var lastNonce: Int64?
    /// Nonces issued since start.
    public var issued: Int64
    /// Recent issue rate.
    public var issuedPerSecond: Double
    /// Failed signed calls (any error kind).
    public var errors: Int64
    /// `10114 nonce: small` rejections (each followed by a floor raise and one retry).
    public var nonceRejected: Int64
    /// Calls waiting in the key's dispatch queue.
    public var queueDepth: Int
    /// Fraction of the 2^53 range still unused.
    public var headroom: Double?

    /// Built by a ``ConsoleBackend`` for each row it returns; each parameter sets the property of
    /// the same name, optional ones default to `nil` (unknown, shown as empty).
    public init(key: String, store: String, lastNonce: Int64? = nil, issued: Int64, issuedPerSecond: Double, errors: Int64, nonceRejected: Int64, queueDepth: Int, headroom: Double? = nil) {
        self.key = key
        self.store = store
        self.lastNonce = lastNonce
        self.issued = issued
        self.issuedPerSecond = issuedPerSecond
        self.errors = errors
        self.nonceRejected = nonceRejected
        self.queueDepth = queueDepth
        self.headroom = headroom
    }

    /// Column names in display order.
    public static let columns: [String] = ["key", "store", "last_nonce", "issued", "issued_per_s", "errors", "nonce_small", "queue_depth", "headroom"]

    /// The fields in display order.
    public var consoleFields: [JSONObject.Member] {
        [
            JSONObject.Member("key", .string(key)),
            JSONObject.Member("store", .string(store)),
            JSONObject.Member("last_nonce", lastNonce.map { .int($0) } ?? .null),
            JSONObject.Member("issued", .int(issued)),
            JSONObject.Member("issued_per_s", .double(issuedPerSecond)),
            JSONObject.Member("errors", .int(errors)),
            JSONObject.Member("nonce_small", .int(nonceRejected)),
            JSONObject.Member("queue_depth", .int(queueDepth)),
            JSONObject.Member("headroom", headroom.map { .double($0) } ?? .null),
        ]
    }
}
