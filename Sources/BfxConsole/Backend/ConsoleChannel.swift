import BfxProtocol

/// One subscription as `channels` lists it.
public struct ConsoleChannel: ConsoleRecord, Sendable, Equatable {
    /// Runtime-stable subscription id (used by `unsubscribe`).
    public var id: String
    /// Connection carrying it.
    public var connection: String
    /// Short form, e.g. `book:tBTCUSD:P0:F0:25`.
    public var spec: String
    /// Server channel id while subscribed.
    public var chanId: Int?
    /// Subscription state.
    public var state: String
    /// Messages received.
    public var messages: Int64
    /// Seconds since the last message.
    public var lastMessageAgeSeconds: Double?
    /// Book checksum mismatches.
    public var checksumMismatches: Int
    /// Sequence gaps detected.
    public var sequenceGaps: Int

    /// Built by a ``ConsoleBackend`` for each row it returns; each parameter sets the property of
    /// the same name, optional ones default to `nil` (unknown, shown as empty).
    public init(id: String, connection: String, spec: String, chanId: Int? = nil, state: String, messages: Int64, lastMessageAgeSeconds: Double? = nil, checksumMismatches: Int, sequenceGaps: Int) {
        self.id = id
        self.connection = connection
        self.spec = spec
        self.chanId = chanId
        self.state = state
        self.messages = messages
        self.lastMessageAgeSeconds = lastMessageAgeSeconds
        self.checksumMismatches = checksumMismatches
        self.sequenceGaps = sequenceGaps
    }

    /// Column names in display order.
    public static let columns: [String] = ["id", "connection", "spec", "chan_id", "state", "messages", "last_msg_age_s", "cs_mismatch", "seq_gaps"]

    /// The fields in display order.
    public var consoleFields: [JSONObject.Member] {
        [
            JSONObject.Member("id", .string(id)),
            JSONObject.Member("connection", .string(connection)),
            JSONObject.Member("spec", .string(spec)),
            JSONObject.Member("chan_id", chanId.map { .int($0) } ?? .null),
            JSONObject.Member("state", .string(state)),
            JSONObject.Member("messages", .int(messages)),
            JSONObject.Member("last_msg_age_s", lastMessageAgeSeconds.map { .double($0) } ?? .null),
            JSONObject.Member("cs_mismatch", .int(checksumMismatches)),
            JSONObject.Member("seq_gaps", .int(sequenceGaps)),
        ]
    }
}
