import BfxNonce
import BfxProtocol
import Foundation

/// What one worker process (or the in-process run) did.
public struct NonceStressWorkerResult: Sendable, Codable, Equatable {
    /// Calls that succeeded.
    public var succeeded: Int
    /// Calls that failed (after the manager's own retry).
    public var failed: Int
    /// Nonce rejections seen by the manager (each retried once).
    public var nonceRejected: Int
    /// Wall time of the worker's run, seconds.
    public var seconds: Double
    /// First error text, if any.
    public var firstError: String?
    /// Calls of unknown outcome after which the lane was held for the quarantine.
    public var quarantined: Int = 0
}
