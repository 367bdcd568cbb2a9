/// Identifies one subscription for its whole life (across reconnects and resyncs). Its raw value
/// is also sent as the Bitfinex `subId`, so `subscribed` responses are matched unambiguously.
public struct SubscriptionID: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The numeric id (unique within one ``BfxClient``).
    public let rawValue: Int
    /// Wraps a raw id.
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// Orders by creation.
    public static func < (lhs: SubscriptionID, rhs: SubscriptionID) -> Bool { lhs.rawValue < rhs.rawValue }
    /// `sub#N`.
    public var description: String { "sub#\(rawValue)" }
}
