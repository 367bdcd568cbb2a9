/// One pooled WebSocket connection, as the runtime reports it.
public struct ConnectionInfo: Sendable, Hashable, Codable {
    /// Pool connection id.
    public var id: Int
    /// `public` or `auth`.
    public var kind: String
    /// WebSocket URL the connection dials, e.g. `wss://api-pub.bitfinex.com/ws/2`.
    public var url: String
    /// `connecting`, `connected`, `reconnecting`, `closed`, ...
    public var state: String
    /// Subscriptions placed on it / live now.
    public var subscriptions: Int
    /// Live (confirmed) subscriptions.
    public var liveSubscriptions: Int
    /// Messages received.
    public var messages: Int
    /// Times it was opened (1 + reconnects).
    public var opens: Int
    /// Seconds since the last message.
    public var lastMessageAgeSeconds: Double?
    /// Why it last closed.
    public var lastCloseReason: String?
}
