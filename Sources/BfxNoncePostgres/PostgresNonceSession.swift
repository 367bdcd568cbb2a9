import BfxNonce
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// One key's dedicated connection.
final class PostgresNonceSession: NonceStoreSession {
    let store: PostgresNonceStore
    let keyID: String
    let lockID: Int64
    let logger: Logger
    /// Replaced after a connection failure; only the manager's baton holder uses it, the Mutex
    /// makes the reference swap safe for `status()` callers.
    private let connection: Mutex<PostgresConnection?>
    private let holder = Mutex("")
    /// Last value committed by this session and whether it holds the lock (for cheap status).
    private let local = Mutex<(last: Int64?, locked: Bool)>((nil, false))

    init(store: PostgresNonceStore, keyID: String, connection: PostgresConnection, logger: Logger) {
        self.store = store
        self.keyID = keyID
        self.lockID = PostgresNonceStore.lockID(for: keyID)
        self.logger = logger
        self.connection = Mutex(connection)
    }

    private func live() async throws -> PostgresConnection {
        if let c = connection.withLock({ $0 }), !c.isClosed { return c }
        let c = try await store.connect(keyID: keyID)
        connection.withLock { $0 = c }
        return c
    }

    private func fail(_ what: String, _ error: any Error) -> NonceError {
        .store(kind: .postgres, keyID: keyID, message: "\(what): \(String(reflecting: error))")
    }

    func acquire(holder: String) async throws -> Int64 {
        let c = try await live()
        self.holder.withLock { $0 = holder }
        do {
            try await c.query("SELECT pg_advisory_lock(\(lockID))", logger: logger)
            local.withLock { $0.locked = true }
        } catch {
            throw fail("pg_advisory_lock", error)
        }
        do {
            let rows = try await c.query("SELECT last_nonce FROM \(unescaped: store.table) WHERE key_id = \(keyID)",
                                         logger: logger)
            var last: Int64?
            for try await value in rows.decode(Int64.self) { last = value }
            guard let last else {
                throw NonceError.store(kind: .postgres, keyID: keyID, message: "row missing in \(store.table)")
            }
            return max(0, last)
        } catch {
            await release()
            if let e = error as? NonceError { throw e }
            throw fail("read counter", error)
        }
    }

    func commit(_ nonce: Int64) async throws {
        let c = try await live()
        let holder = holder.withLock { $0 }
        do {
            let value = Int64(clamping: nonce)
            try await c.query("""
                UPDATE \(unescaped: store.table) SET last_nonce = GREATEST(last_nonce, \(value)), holder = \(holder),
                  updated_at = now() WHERE key_id = \(keyID)
                """, logger: logger)
        } catch {
            throw fail("update counter", error)
        }
        local.withLock { $0.last = max($0.last ?? 0, nonce) }
    }

    func release() async {
        local.withLock { $0.locked = false }
        guard let c = connection.withLock({ $0 }), !c.isClosed else { return }
        do {
            try await c.query("SELECT pg_advisory_unlock(\(lockID))", logger: logger)
        } catch {
            // The lock dies with the connection; drop it so the next acquire reconnects.
            logger.warning("pg_advisory_unlock failed; closing connection", metadata: ["key": "\(keyID)"])
            try? await c.close()
        }
    }

    /// Cheap, local view (no query, so a dashboard poll never waits behind a blocked lock);
    /// `PostgresNonceStore.inspect(keyID:)` reads the database.
    func status() async -> NonceStoreStatus {
        let (last, locked) = local.withLock { ($0.last, $0.locked) }
        return NonceStoreStatus(kind: .postgres, lastNonce: last, location: store.location,
                                lockHeld: locked ? true : nil, holder: locked ? holder.withLock { $0 } : nil,
                                detail: locked ? "held by this process" : nil)
    }

    func close() async {
        if let c = connection.withLock({ $0 }) { try? await c.close() }
    }
}
