import Synchronization

/// The default store: the last nonce per key lives in process memory. Several managers in one
/// process that share an instance share the floor. No persistence: after a restart the floor is
/// the wall clock, which is safe only if the clock never went back.
public final class MemoryNonceStore: NonceStore {
    /// Shared between the sessions of this store (they may be used by several managers
    /// concurrently), hence the Mutex.
    private let floors: Mutex<[String: Int64]>

    /// Creates an empty in-memory store.
    public init() { floors = Mutex([:]) }

    /// `.memory`.
    public var kind: NonceStoreKind { .memory }

    /// Opens a session sharing this store's per-key floor.
    public func openSession(keyID: String) async throws -> any NonceStoreSession {
        MemorySession(store: self, keyID: keyID)
    }

    fileprivate func floor(_ key: String) -> Int64 { floors.withLock { $0[key] ?? 0 } }
    fileprivate func raise(_ key: String, _ value: Int64) {
        floors.withLock { f in if value > (f[key] ?? 0) { f[key] = value } }
    }

    private struct MemorySession: NonceStoreSession {
        let store: MemoryNonceStore
        let keyID: String
        func acquire(holder: String) async throws -> Int64 { store.floor(keyID) }
        func commit(_ nonce: Int64) async throws { store.raise(keyID, nonce) }
        func release() async {}
        func status() async -> NonceStoreStatus {
            let last = store.floor(keyID)
            return NonceStoreStatus(kind: .memory, lastNonce: last == 0 ? nil : last, location: "process memory")
        }
        func close() async {}
    }
}
