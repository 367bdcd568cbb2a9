/// One key's view of a store. Calls are made by the manager strictly in the order
/// `acquire` → (`commit` →)* `release`, one sequence at a time per key.
public protocol NonceStoreSession: Sendable {
    /// Takes the cross-process/host lock (if the store has one) and returns the floor: the
    /// highest nonce anyone may have issued for the key. The lock is held until ``release()``.
    func acquire(holder: String) async throws -> Int64
    /// Persists that `nonce` was issued or is the new floor (called while the lock is held,
    /// before sending; values never decrease).
    func commit(_ nonce: Int64) async throws
    /// Takes the lock and issues the section's first nonce in one step, for stores that do this
    /// cheaper than ``acquire(holder:)`` followed by ``commit(_:)`` (PostgreSQL: one statement).
    /// Returns a nonce that is at least `candidate` and above every nonce issued for the key
    /// before, already persisted; `nil` when the store does not support it (then nothing is locked
    /// and the manager calls ``acquire(holder:)``). ``release()`` ends the section either way.
    func acquireIssuing(holder: String, candidate: Int64) async throws -> Int64?
    /// Releases the lock taken by ``acquire(holder:)`` (after the call reached the server).
    func release() async
    /// A description of the store's state for diagnostics.
    func status() async -> NonceStoreStatus
    /// Closes files/connections.
    func close() async
}

extension NonceStoreSession {
    /// Not supported: the manager takes the lock with ``acquire(holder:)`` and persists with ``commit(_:)``.
    public func acquireIssuing(holder: String, candidate: Int64) async throws -> Int64? { nil }
}
