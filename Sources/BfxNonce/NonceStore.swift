/// Where the last nonce of each key lives and how issuers of one key exclude each other.
///
/// A ``NonceManager`` opens one ``NonceStoreSession`` per key. Within a process the manager
/// already serializes each key; the store adds exclusion between processes (file) or hosts
/// (PostgreSQL) and persistence.
public protocol NonceStore: Sendable {
    /// The store's kind.
    var kind: NonceStoreKind { get }
    /// Opens the per-key session (creates files/rows as needed).
    func openSession(keyID: String) async throws -> any NonceStoreSession
}
