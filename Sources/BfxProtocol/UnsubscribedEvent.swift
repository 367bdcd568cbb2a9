/// `{"event":"unsubscribed","status":"OK","chanId":N}`.
public struct UnsubscribedEvent: Sendable, Hashable {
    /// `OK` on success.
    public var status: String?
    /// The channel removed.
    public var chanId: Int64
    /// Builds the server's `unsubscribed` confirmation for `chanId`; `status` is `OK` on success.
    public init(status: String?, chanId: Int64) {
        self.status = status
        self.chanId = chanId
    }
}
