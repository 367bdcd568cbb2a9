/// Connection flags sent with `{"event":"conf","flags":N}` (bitfinex-protocol.md §2.5).
/// Always send the complete bitmask once, right after open and before subscribing.
public struct ConfFlags: OptionSet, Sendable, Hashable {
    /// The raw bitmask.
    public let rawValue: Int64
    /// Creates flags from a raw bitmask.
    public init(rawValue: Int64) { self.rawValue = rawValue }

    /// All decimals as strings (8).
    public static let decimalsAsStrings = ConfFlags(rawValue: 8)
    /// All timestamps as date strings (32).
    public static let timesAsStrings = ConfFlags(rawValue: 32)
    /// Append a millisecond timestamp to every message (32768).
    public static let timestamp = ConfFlags(rawValue: 32768)
    /// Append sequence numbers to every message (65536).
    public static let sequenceAll = ConfFlags(rawValue: 65536)
    /// Send `[chanId,"cs",checksum]` after book changes (131072).
    public static let checksum = ConfFlags(rawValue: 131072)
    /// Batch book updates (536870912; semantics unverified, see §2.5).
    public static let bulkUpdates = ConfFlags(rawValue: 536_870_912)

    /// Alias using the Bitfinex name DEC_S.
    public static let DEC_S = decimalsAsStrings
    /// Alias using the Bitfinex name TIME_S.
    public static let TIME_S = timesAsStrings
    /// Alias using the Bitfinex name TIMESTAMP.
    public static let TIMESTAMP = timestamp
    /// Alias using the Bitfinex name SEQ_ALL.
    public static let SEQ_ALL = sequenceAll
    /// Alias using the Bitfinex name OB_CHECKSUM.
    public static let OB_CHECKSUM = checksum
    /// Alias using the Bitfinex name BULK_UPDATES.
    public static let BULK_UPDATES = bulkUpdates
}
