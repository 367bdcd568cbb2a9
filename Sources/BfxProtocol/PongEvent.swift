/// `{"event":"pong","ts":N,"cid":N}`.
public struct PongEvent: Sendable, Hashable {
    /// Server time, ms.
    public var ts: Int64?
    /// The echoed ping cid.
    public var cid: Int64?
    /// Creates a pong event.
    public init(ts: Int64?, cid: Int64?) {
        self.ts = ts
        self.cid = cid
    }
}
