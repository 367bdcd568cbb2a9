/// `{"event":"conf","status":"OK","flags":N}`.
public struct ConfEvent: Sendable, Hashable {
    /// `OK` on success.
    public var status: String?
    /// The flags acknowledged.
    public var flags: ConfFlags?
    /// `true` if status is OK.
    public var isOK: Bool { status == "OK" }
    /// Creates a conf event.
    public init(status: String?, flags: ConfFlags?) {
        self.status = status
        self.flags = flags
    }
}
