/// Which trade message: `te` (executed, immediate) or `tu` (updated, after DB write).
public enum TradeEventKind: String, Sendable, Hashable {
    /// `te` / `fte`.
    case executed = "te"
    /// `tu` / `ftu`.
    case updated = "tu"
}
