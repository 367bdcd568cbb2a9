import BfxProtocol

/// One signed REST call through the gateway (`gateway log`): no secret, no signature.
public struct ConsoleGatewayCall: ConsoleRecord, Sendable, Equatable {
    /// Arrival, Unix milliseconds.
    public var atMillis: Int64
    /// Local key name.
    public var localKey: String
    /// Upstream key name.
    public var account: String
    /// Path after `/v2/`.
    public var path: String
    /// Nonce it was re-signed with, if forwarded.
    public var upstreamNonce: Int64?
    /// HTTP status returned.
    public var status: Int
    /// `forwarded`, `rate_limited` or the refusal.
    public var outcome: String
    /// Arrival to answer, milliseconds.
    public var latencyMilliseconds: Double

    /// Built by a ``ConsoleBackend`` for each audit entry; each parameter sets the property of the same name.
    public init(atMillis: Int64, localKey: String, account: String, path: String, upstreamNonce: Int64?, status: Int,
                outcome: String, latencyMilliseconds: Double) {
        self.atMillis = atMillis
        self.localKey = localKey
        self.account = account
        self.path = path
        self.upstreamNonce = upstreamNonce
        self.status = status
        self.outcome = outcome
        self.latencyMilliseconds = latencyMilliseconds
    }

    /// Column names in display order.
    public static let columns: [String] = ["at_ms", "local_key", "account", "path", "nonce", "status", "outcome", "ms"]

    /// The fields in display order.
    public var consoleFields: [JSONObject.Member] {
        [
            JSONObject.Member("at_ms", .number(WireNumber(atMillis))),
            JSONObject.Member("local_key", .string(localKey)),
            JSONObject.Member("account", .string(account)),
            JSONObject.Member("path", .string(path)),
            JSONObject.Member("nonce", upstreamNonce.map { .number(WireNumber($0)) } ?? .null),
            JSONObject.Member("status", .int(status)),
            JSONObject.Member("outcome", .string(outcome)),
            JSONObject.Member("ms", .double(latencyMilliseconds)),
        ]
    }
}
