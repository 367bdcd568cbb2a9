import BfxClient
/// One subscription, as the runtime reports it.
public struct ChannelInfo: Sendable, Hashable, Codable {
    /// Runtime-stable id (use it with `unsubscribe(id:)`).
    public var id: String
    /// The config connection (group) it belongs to.
    public var group: String
    /// The channel.
    public var spec: ChannelSpec
    /// Short form, e.g. `book:tBTCUSD:P0:F0:25`.
    public var name: String
    /// Pool connection id.
    public var connection: Int?
    /// Server channel id while subscribed.
    public var chanId: Int?
    /// Phase (`pending`, `subscribed`, `stale`, `failed`, ...).
    public var state: String
    /// Messages received.
    public var messages: Int
    /// Seconds since the last message.
    public var lastMessageAgeSeconds: Double?
    /// Book checksums (`cs` frames) that matched the local book since subscribing.
    public var checksumsVerified: Int
    /// Book checksums that did not match (each one resubscribes this channel, except the
    /// observed ones).
    public var checksumMismatches: Int
    /// Of those, mismatches only counted and reported under checksum policy `observe`.
    public var checksumMismatchesObserved: Int = 0
    /// Missing sequence numbers seen on this channel (needs `websocket.sequence: true`).
    public var sequenceGaps: Int
    /// Resubscriptions after integrity incidents.
    public var resyncs: Int
}
