import BfxProtocol

/// Lets the nonce manager classify server errors of signed calls (10114, rate limit, fatal) itself.
extension BfxAPIError: SignedCallFailureClassifiable {
    /// Maps the protocol's error category onto the nonce manager's classes: 10114 →
    /// `nonceTooSmall`, `ERR_RATE_LIMIT` → `rateLimited` (60 s), retryable/lifecycle → `retryable`,
    /// everything else (bad key 10100, permissions, params) → `fatal`.
    public var signedCallFailure: SignedCallFailure {
        switch category {
        case .nonce: .nonceTooSmall(serverFloor: nil)
        case .rateLimited: .rateLimited(retryAfter: .seconds(60))
        case .retryable, .lifecycle: .retryable
        case .fatal: .fatal
        }
    }
}
