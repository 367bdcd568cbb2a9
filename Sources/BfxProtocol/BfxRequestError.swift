/// Invalid requests detected before sending.
public enum BfxRequestError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `ox_multi` accepts at most ``BfxRequest/maxMultiOps`` operations.
    case tooManyOperations(count: Int, max: Int)
    /// `calc` accepts at most ``BfxRequest/maxCalcRequests`` entries.
    case tooManyCalcRequests(count: Int, max: Int)
    /// A batch was empty.
    case emptyBatch
    /// Nonce must be in 1...9007199254740991.
    case invalidNonce(Int64)

    /// What was wrong and what is allowed.
    public var description: String {
        switch self {
        case let .tooManyOperations(c, m): return "ox_multi has \(c) operations; at most \(m) are allowed (split the batch)"
        case let .tooManyCalcRequests(c, m): return "calc has \(c) requests; at most \(m) are allowed per message"
        case .emptyBatch: return "a multi-operation batch must not be empty"
        case let .invalidNonce(n): return "nonce \(n) is outside 1...9007199254740991"
        }
    }
}
