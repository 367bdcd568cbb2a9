/// Everything a dashboard or console shows about a ``NonceManager``.
public struct NonceManagerSnapshot: Sendable, Codable, Equatable {
    /// Wall time of the snapshot, µs.
    public var timeMicros: UInt64
    /// Per-key state, sorted by key id.
    public var keys: [NonceKeySnapshot]
    /// Last measured clock skew (server − local), µs, if any.
    public var clockSkewMicros: Int64?
    /// Most recent issues, oldest first.
    public var recent: [NonceIssueRecord]
}
