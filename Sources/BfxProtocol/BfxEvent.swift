/// A JSON-object (event) frame from the server.
public enum BfxEvent: Sendable, Hashable {
    /// `info`: version/platform status on connect, or an info code (20051/20060/20061).
    case info(InfoEvent)
    /// `conf` acknowledgement.
    case conf(ConfEvent)
    /// `subscribed` (the decoder registers the channel automatically).
    case subscribed(SubscribedEvent)
    /// `unsubscribed` (the decoder unregisters the channel automatically).
    case unsubscribed(UnsubscribedEvent)
    /// `error` with code and message.
    case error(ErrorEvent)
    /// `auth` result (OK or FAILED).
    case auth(AuthEvent)
    /// The answer to a `ping`: echoes its `cid` and carries the server time (liveness probe).
    case pong(PongEvent)
    /// An event name this version does not know (kept verbatim).
    case unknown(name: String, JSONObject)
}
