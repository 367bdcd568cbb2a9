/// `{"event":"conf","status":"OK","flags":N}`.
public struct ConfEvent: Sendable, Hashable {
    /// `OK` on success.
    public var status: String?
    /// The flags acknowledged.
    public var flags: ConfFlags?
    /// `true` if status is OK.
    public var isOK: Bool { status == "OK" }
    /// Builds the server's reply to a `conf` request: `status` is `OK` on success (`nil` when
    /// absent), `flags` the flags the server accepted.
    public init(status: String?, flags: ConfFlags?) {
        self.status = status
        self.flags = flags
    }
}
