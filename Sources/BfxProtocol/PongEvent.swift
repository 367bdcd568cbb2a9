/// `{"event":"pong","ts":N,"cid":N}`.
public struct PongEvent: Sendable, Hashable {
    /// Server time, ms.
    public var ts: Int64?
    /// The echoed ping cid.
    public var cid: Int64?
    /// Builds the reply to a `ping`: `ts` is the server time in milliseconds and `cid` echoes the
    /// ping's client id (either `nil` when absent).
    public init(ts: Int64?, cid: Int64?) {
        self.ts = ts
        self.cid = cid
    }
}
