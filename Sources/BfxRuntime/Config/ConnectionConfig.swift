import BfxClient
/// One WebSocket connection and the channels it subscribes to. The pool may open more
/// connections when a list exceeds `websocket.max_subscriptions_per_connection`.
public struct ConnectionConfig: Sendable, Hashable, Encodable {
    /// Unique name.
    public var name: String
    /// Key name for an authenticated connection (user data, order inputs); nil = public.
    public var key: String?
    /// Channels to subscribe.
    public var channels: [ChannelSpec] = []
    /// How the key's user-data stream connects (`user_data`; only with `key`).
    public var userData: UserDataMode = .separate

    /// `connections[].user_data`: where the key's account stream runs (ADR 0019).
    public enum UserDataMode: String, Sendable, Hashable, Encodable, CaseIterable {
        /// Its own authenticated connection; market data stays on the public pool.
        case separate
        /// One authenticated connection of the WebSocket pool carries the account and the
        /// public channels (they are placed on it first).
        case shared
    }

    enum CodingKeys: String, CodingKey { case name, key, channels, userData = "user_data" }

    /// `user_data` is written only for connections with a key (it is invalid without one).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encodeIfPresent(key, forKey: .key)
        try c.encode(channels, forKey: .channels)
        if key != nil { try c.encode(userData, forKey: .userData) }
    }

    /// Creates a connection config.
    public init(name: String, key: String? = nil, channels: [ChannelSpec] = [], userData: UserDataMode = .separate) {
        self.name = name
        self.key = key
        self.channels = channels
        self.userData = userData
    }
}
