/// Errors thrown by ``NonceManager`` and the ``NonceStore`` implementations.
public enum NonceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The key already issued 2^53−1; no further nonce is valid. A new API key is needed.
    case ceilingExceeded(keyID: String, last: Int64)
    /// The class's queue for the key is full.
    case queueFull(keyID: String, priority: NoncePriority, limit: Int)
    /// The priority class is not configured.
    case unknownPriority(NoncePriority)
    /// The call's deadline passed while it was still queued; no nonce was consumed.
    case deadlineExceeded(keyID: String, label: String, waited: Duration)
    /// The manager was shut down.
    case shutDown
    /// A store could not be used (I/O, parse or database error), with context.
    case store(kind: NonceStoreKind, keyID: String, message: String)

    /// A human-readable description without secrets.
    public var description: String {
        switch self {
        case .ceilingExceeded(let key, let last):
            return "nonce ceiling 9007199254740991 reached for key \(key) (last \(last)); a new API key is required"
        case .queueFull(let key, let priority, let limit):
            return "signed-call queue full for key \(key), class \(priority) (limit \(limit))"
        case .unknownPriority(let priority):
            return "unknown priority class '\(priority)'"
        case .deadlineExceeded(let key, let label, let waited):
            return "deadline passed after \(waited) in the queue of key \(key) (\(label)); no nonce consumed"
        case .shutDown:
            return "nonce manager shut down"
        case .store(let kind, let key, let message):
            return "\(kind) nonce store, key \(key): \(message)"
        }
    }
}
