import BfxProtocol

/// One WebSocket connection of the pool.
public struct ConsoleConnection: ConsoleRecord, Sendable, Equatable {
    /// Connection name (stable across reconnects).
    public var id: String
    /// `public` or `auth`.
    public var kind: String
    /// `connecting`, `connected`, `reconnecting`, `closed`.
    public var state: String
    /// Endpoint URL.
    public var url: String
    /// Channels on this connection.
    public var channels: Int
    /// Reconnects since start.
    public var reconnects: Int
    /// Messages received.
    public var messages: Int64
    /// Seconds since the last message, if any.
    public var lastMessageAgeSeconds: Double?

    /// Built by a ``ConsoleBackend`` for each row it returns; each parameter sets the property of
    /// the same name, optional ones default to `nil` (unknown, shown as empty).
    public init(id: String, kind: String, state: String, url: String, channels: Int, reconnects: Int, messages: Int64, lastMessageAgeSeconds: Double? = nil) {
        self.id = id
        self.kind = kind
        self.state = state
        self.url = url
        self.channels = channels
        self.reconnects = reconnects
        self.messages = messages
        self.lastMessageAgeSeconds = lastMessageAgeSeconds
    }

    /// Column names in display order.
    public static let columns: [String] = ["id", "kind", "state", "url", "channels", "reconnects", "messages", "last_msg_age_s"]

    /// The fields in display order.
    public var consoleFields: [JSONObject.Member] {
        [
            JSONObject.Member("id", .string(id)),
            JSONObject.Member("kind", .string(kind)),
            JSONObject.Member("state", .string(state)),
            JSONObject.Member("url", .string(url)),
            JSONObject.Member("channels", .int(channels)),
            JSONObject.Member("reconnects", .int(reconnects)),
            JSONObject.Member("messages", .int(messages)),
            JSONObject.Member("last_msg_age_s", lastMessageAgeSeconds.map { .double($0) } ?? .null),
        ]
    }
}
