/// Trailing elements appended by the SEQ_ALL and TIMESTAMP flags.
public struct FrameMeta: Sendable, Hashable {
    /// Public sequence number (SEQ_ALL), shared by all channels of a connection.
    public var seq: Int64?
    /// Authenticated sequence number (channel 0 with SEQ_ALL).
    public var authSeq: Int64?
    /// Millisecond timestamp (TIMESTAMP flag).
    public var timestamp: Int64?
    /// All fields default to `nil`: `seq` and `authSeq` are present only with the SEQ_ALL `conf`
    /// flag, `timestamp` (ms) only with TIMESTAMP.
    public init(seq: Int64? = nil, authSeq: Int64? = nil, timestamp: Int64? = nil) {
        self.seq = seq
        self.authSeq = authSeq
        self.timestamp = timestamp
    }
    /// No trailing elements.
    public static let none = FrameMeta()

    /// Values at or above this are taken as ms timestamps, below as sequence numbers
    /// (the wire order of SEQ/TIMESTAMP when both are on is unverified, §11.3).
    public static let timestampThreshold: Int64 = 1_000_000_000_000
}
