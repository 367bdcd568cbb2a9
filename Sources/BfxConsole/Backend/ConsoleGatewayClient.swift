import BfxProtocol

/// One local client of the gateway (`gateway clients`).
public struct ConsoleGatewayClient: ConsoleRecord, Sendable, Equatable {
    /// Gateway-assigned id (`gateway kick ID`).
    public var id: Int
    /// Peer address.
    public var remote: String
    /// Subscribed channels, short form.
    public var channels: [String]
    /// Frames written to it.
    public var framesOut: Int
    /// Frames discarded on overflow.
    public var dropped: Int
    /// Frames queued, not yet written.
    public var queued: Int
    /// Age of its oldest unwritten frame, milliseconds.
    public var lagMilliseconds: Double
    /// Requests answered with an error event.
    public var errors: Int

    /// Built by a ``ConsoleBackend`` for each local client; each parameter sets the property of the same name.
    public init(id: Int, remote: String, channels: [String], framesOut: Int, dropped: Int, queued: Int,
                lagMilliseconds: Double, errors: Int) {
        self.id = id
        self.remote = remote
        self.channels = channels
        self.framesOut = framesOut
        self.dropped = dropped
        self.queued = queued
        self.lagMilliseconds = lagMilliseconds
        self.errors = errors
    }

    /// Column names in display order.
    public static let columns: [String] = ["id", "remote", "channels", "frames_out", "dropped", "queued", "lag_ms", "errors"]

    /// The fields in display order.
    public var consoleFields: [JSONObject.Member] {
        [
            JSONObject.Member("id", .int(id)),
            JSONObject.Member("remote", .string(remote)),
            JSONObject.Member("channels", .string(channels.joined(separator: " "))),
            JSONObject.Member("frames_out", .int(framesOut)),
            JSONObject.Member("dropped", .int(dropped)),
            JSONObject.Member("queued", .int(queued)),
            JSONObject.Member("lag_ms", .double(lagMilliseconds)),
            JSONObject.Member("errors", .int(errors)),
        ]
    }
}
