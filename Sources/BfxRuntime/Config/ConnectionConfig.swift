/// One WebSocket connection and the channels it subscribes to. The pool may open more
/// connections when a list exceeds `websocket.max_subscriptions_per_connection`.
public struct ConnectionConfig: Sendable, Hashable, Encodable {
    /// Unique name.
    public var name: String
    /// Key name for an authenticated connection (user data, order inputs); nil = public.
    public var key: String?
    /// Channels to subscribe.
    public var channels: [ChannelSpec] = []

    /// Creates a connection config.
    public init(name: String, key: String? = nil, channels: [ChannelSpec] = []) {
        self.name = name
        self.key = key
        self.channels = channels
    }
}
