import BfxNonce
import BfxProtocol
import Foundation

/// The result of a stress run, with the simulator's own view of nonce order.
public struct NonceStressReport: Sendable, Codable, Equatable {
    /// The options (secret omitted).
    public var processes: Int
    /// Tasks per process.
    public var tasks: Int
    /// Calls per task.
    public var calls: Int
    /// Store kind.
    public var store: NonceStoreKind
    /// Calls attempted in total.
    public var total: Int
    /// Succeeded calls.
    public var succeeded: Int
    /// Failed calls.
    public var failed: Int
    /// Client-side nonce rejections (10114) counted by the managers.
    public var clientNonceRejections: Int
    /// Wall time, seconds.
    public var seconds: Double
    /// Signed calls per second (succeeded / seconds).
    public var callsPerSecond: Double
    /// Nonces the simulator accepted during the run.
    public var serverAccepted: Int
    /// Nonces the simulator rejected during the run.
    public var serverRejected: Int
    /// Arrivals whose nonce was not above the previous one (simulator side).
    public var serverOutOfOrder: Int
    /// Per worker results.
    public var workers: [NonceStressWorkerResult]
    /// First error text seen, if any.
    public var firstError: String?
}
