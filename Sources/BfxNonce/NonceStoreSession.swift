/// One key's view of a store. Calls are made by the manager strictly in the order
/// `acquire` → (`commit` →)* `release`, one sequence at a time per key.
public protocol NonceStoreSession: Sendable {
    /// Takes the cross-process/host lock (if the store has one) and returns the floor: the
    /// highest nonce anyone may have issued for the key. The lock is held until ``release()``.
    func acquire(holder: String) async throws -> Int64
    /// Persists that `nonce` was issued or is the new floor (called while the lock is held,
    /// before sending; values never decrease).
    func commit(_ nonce: Int64) async throws
    /// Releases the lock taken by ``acquire(holder:)`` (after the call reached the server).
    func release() async
    /// A description of the store's state for diagnostics.
    func status() async -> NonceStoreStatus
    /// Closes files/connections.
    func close() async
}
