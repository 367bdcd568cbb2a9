import BfxProtocol

/// One priority class of a key's dispatch queue.
public struct ConsoleQueue: ConsoleRecord, Sendable, Equatable {
    /// Name of the API key whose queue this is (as configured, never the key itself).
    public var key: String
    /// Priority class of this queue, e.g. `critical` or `normal`.
    public var priority: String
    /// Waiting calls.
    public var depth: Int
    /// Queue limit.
    public var limit: Int?
    /// Age of the oldest waiting call.
    public var oldestWaitMilliseconds: Double?

    /// Built by a ``ConsoleBackend`` for each row it returns; each parameter sets the property of
    /// the same name, optional ones default to `nil` (unknown, shown as empty).
    public init(key: String, priority: String, depth: Int, limit: Int? = nil, oldestWaitMilliseconds: Double? = nil) {
        self.key = key
        self.priority = priority
        self.depth = depth
        self.limit = limit
        self.oldestWaitMilliseconds = oldestWaitMilliseconds
    }

    /// Column names in display order.
    public static let columns: [String] = ["key", "priority", "depth", "limit", "oldest_wait_ms"]

    /// The fields in display order.
    public var consoleFields: [JSONObject.Member] {
        [
            JSONObject.Member("key", .string(key)),
            JSONObject.Member("priority", .string(priority)),
            JSONObject.Member("depth", .int(depth)),
            JSONObject.Member("limit", limit.map { .int($0) } ?? .null),
            JSONObject.Member("oldest_wait_ms", oldestWaitMilliseconds.map { .double($0) } ?? .null),
        ]
    }
}
