/// How a failed signed call is classified by the ``NonceManager``.
public enum SignedCallFailure: Sendable, Equatable {
    /// `10114 nonce: small`: the server has seen a nonce ≥ the one sent. `serverFloor` is the
    /// server's last nonce when it can be inferred.
    case nonceTooSmall(serverFloor: Int64?)
    /// `ERR_RATE_LIMIT` / HTTP 429: back off (`retryAfter` when the server said how long).
    case rateLimited(retryAfter: Duration?)
    /// Transient (5xx, maintenance, network): may be retried with a fresh nonce.
    case retryable
    /// Will not succeed on retry (bad key 10100, permissions, invalid parameters).
    case fatal
    /// Any other error (counted as an error, not retried).
    case other

    /// A short stable name for metrics and logs.
    public var name: String {
        switch self {
        case .nonceTooSmall: "nonce_too_small"
        case .rateLimited: "rate_limited"
        case .retryable: "retryable"
        case .fatal: "fatal"
        case .other: "other"
        }
    }
}
