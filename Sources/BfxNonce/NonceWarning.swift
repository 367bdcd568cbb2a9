/// A threshold crossing reported by the ``NonceManager`` (also logged at `warning`).
public enum NonceWarning: Sendable, Equatable, CustomStringConvertible {
    /// A key's queue holds more calls than ``NonceWarningThresholds/queueDepth``.
    case queueDepth(keyID: String, depth: Int, threshold: Int)
    /// A call waited longer than ``NonceWarningThresholds/queueWait``.
    case queueWait(keyID: String, label: String, waited: Duration, threshold: Duration)
    /// The error rate over the recent window exceeded ``NonceWarningThresholds/errorRate``.
    case errorRate(keyID: String, rate: Double, threshold: Double)
    /// The server rejected a nonce as too small (recovery follows).
    case nonceRejected(keyID: String, nonce: Int64, label: String)
    /// Local wall clock differs from the server's by more than ``NonceWarningThresholds/clockSkew``
    /// (`skewMicros` = server − local).
    case clockSkew(skewMicros: Int64, threshold: Duration)
    /// A nonce was issued above ``NonceWarningThresholds/nonceCeilingWarning``.
    case nearCeiling(keyID: String, nonce: Int64, remaining: Int64)

    /// A short stable kind name.
    public var kind: String {
        switch self {
        case .queueDepth: "queue_depth"
        case .queueWait: "queue_wait"
        case .errorRate: "error_rate"
        case .nonceRejected: "nonce_rejected"
        case .clockSkew: "clock_skew"
        case .nearCeiling: "near_ceiling"
        }
    }

    /// A one-line description.
    public var description: String {
        switch self {
        case .queueDepth(let key, let depth, let threshold):
            "key \(key): \(depth) signed calls queued (threshold \(threshold))"
        case .queueWait(let key, let label, let waited, let threshold):
            "key \(key): \(label) waited \(waited) in the queue (threshold \(threshold))"
        case .errorRate(let key, let rate, let threshold):
            "key \(key): error rate \(Int(rate * 100))% over recent calls (threshold \(Int(threshold * 100))%)"
        case .nonceRejected(let key, let nonce, let label):
            "key \(key): nonce \(nonce) rejected as too small (\(label)); raising floor and retrying once"
        case .clockSkew(let skew, let threshold):
            "clock skew vs server \(skew) µs (threshold \(threshold))"
        case .nearCeiling(let key, let nonce, let remaining):
            "key \(key): nonce \(nonce) is \(remaining) below the 2^53-1 ceiling"
        }
    }
}
