import BfxNonce
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// One key's dedicated connection. A section is one transaction (ADR 0024): `BEGIN` (before the
/// key is held), an `UPDATE … RETURNING` that takes the key's row lock and issues the nonce, the
/// signed call, then `COMMIT`. While the key is held the database sees one round trip (the
/// answer to the `UPDATE` travelling back, the `COMMIT` travelling there).
///
/// The issued nonce is also written with `setval` to the key's sequence: sequences are not
/// transactional, so a holder that dies mid-call (its transaction rolls back) still leaves the
/// nonce it may have sent behind, and the next holder issues above it.
final class PostgresNonceSession: NonceStoreSession {
    let store: PostgresNonceStore
    let keyID: String
    /// `'<sequence>'` as an SQL literal (a generated identifier: letters, digits, `_`).
    let sequenceLiteral: String
    let logger: Logger
    /// Replaced after a connection failure; only the manager's baton holder uses it, the Mutex
    /// makes the reference swap safe for `status()` callers.
    private let connection: Mutex<PostgresConnection?>
    /// Last value issued by this session, whether it holds the row lock, and the holder text (for cheap status).
    private let local = Mutex<(last: Int64?, locked: Bool, holder: String)>((nil, false, ""))

    init(store: PostgresNonceStore, keyID: String, connection: PostgresConnection, logger: Logger) {
        self.store = store
        self.keyID = keyID
        self.sequenceLiteral = "'\(store.sequenceName(for: keyID))'"
        self.logger = logger
        self.connection = Mutex(connection)
    }

    private func live() async throws -> PostgresConnection {
        if let c = connection.withLock({ $0 }), !c.isClosed { return c }
        let c = try await store.connect(keyID: keyID)
        connection.withLock { $0 = c }
        return c
    }

    private func drop(_ c: PostgresConnection) async {
        connection.withLock { if $0 === c { $0 = nil } }
        try? await c.close()
    }

    private func fail(_ what: String, _ error: any Error) -> NonceError {
        if let e = error as? NonceError { return e }
        return .store(kind: .postgres, keyID: keyID, message: "\(what): \(String(reflecting: error))")
    }

    /// Runs `query` on `c`, giving up after `limit`: a server behind a cut link never answers and
    /// TCP alone would take many minutes to notice, so the connection is closed (which fails the
    /// query) and the caller gets an error instead of hanging.
    private func rows(_ c: PostgresConnection, _ query: PostgresQuery, limit: Duration) async throws -> [Int64] {
        let logger = logger
        let result = try await withThrowingTaskGroup(of: [Int64]?.self) { group in
            group.addTask {
                var values: [Int64] = []
                for try await v in try await c.query(query, logger: logger).decode(Int64.self) { values.append(v) }
                return values
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = try await group.next() ?? nil
            if first == nil { try? await c.close() }
            group.cancelAll()
            return first
        }
        guard let result else {
            throw NonceError.store(kind: .postgres, keyID: keyID, message: "no answer from \(store.location) within \(limit)")
        }
        return result
    }

    /// Starts the section: `BEGIN`, then `query` (which takes the row lock) and returns its value.
    /// Nothing is held and nothing was sent while this fails, so when the connection is lost
    /// (server restart, network) it reconnects with backoff (100 ms doubling to 1 s) for up to
    /// `reconnectTimeout` instead of failing every queued call at once. A statement that fails
    /// on a live connection (e.g. `statement_timeout` while waiting for the lock) is not retried.
    private func lockedStatement(_ what: String, holder: String, _ query: PostgresQuery) async throws -> Int64 {
        let deadline = ContinuousClock.now + store.reconnectTimeout
        var backoff = Duration.milliseconds(100)
        while true {
            var connection: PostgresConnection?
            do {
                let c = try await live()
                connection = c
                _ = try await rows(c, "BEGIN", limit: store.ioTimeout)
                local.withLock { $0.locked = true; $0.holder = holder }
                guard let value = try await rows(c, query, limit: store.waitLimit).first else {
                    await release()
                    throw NonceError.store(kind: .postgres, keyID: keyID, message: "row missing in \(store.table)")
                }
                return value
            } catch {
                let lost = Self.connectionLost(error, connection)
                if !lost || ContinuousClock.now + backoff > deadline {
                    await release()
                    throw fail(what, error)
                }
                local.withLock { $0.locked = false }
                if let c = connection { await drop(c) }
                logger.warning("connection lost before the key was held; reconnecting",
                               metadata: ["key": "\(keyID)", "error": "\(String(reflecting: error))"])
                try await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(1))
            }
        }
    }

    /// Whether `error` means the connection is gone (closed, reset, or the server shutting the
    /// session down: SQLSTATE class 57P operator intervention, 08 connection exception).
    private static func connectionLost(_ error: any Error, _ connection: PostgresConnection?) -> Bool {
        guard let connection, !connection.isClosed else { return true }
        guard let e = error as? PSQLError else { return false }
        if [.serverClosedConnection, .connectionError, .uncleanShutdown, .clientClosedConnection].contains(e.code) { return true }
        guard let state = e.serverInfo?[.sqlState] else { return false }
        return state.hasPrefix("57P") || state.hasPrefix("08")
    }

    /// Runs a statement inside the section's transaction; on failure the transaction is rolled back.
    private func inTransaction(_ c: PostgresConnection, _ what: String, _ query: PostgresQuery, limit: Duration) async throws -> Int64 {
        do {
            guard let value = try await rows(c, query, limit: limit).first else {
                throw NonceError.store(kind: .postgres, keyID: keyID, message: "row missing in \(store.table)")
            }
            return value
        } catch {
            await release()
            throw fail(what, error)
        }
    }

    func acquireIssuing(holder: String, candidate: Int64) async throws -> Int64? {
        // The UPDATE waits for the row lock; RETURNING is evaluated after it got the lock, so the
        // sequence is read then (not from before the wait).
        let nonce = try await lockedStatement("issue", holder: holder, """
            UPDATE \(unescaped: store.table) SET last_nonce = GREATEST(last_nonce + 1, \(candidate)),
              holder = \(holder), updated_at = now() WHERE key_id = \(keyID)
            RETURNING setval(\(unescaped: sequenceLiteral),
              GREATEST(last_nonce, COALESCE(pg_sequence_last_value(\(unescaped: sequenceLiteral)), 0) + 1))
            """)
        local.withLock { $0.last = max($0.last ?? 0, nonce) }
        return nonce
    }

    func acquire(holder: String) async throws -> Int64 {
        let floor = try await lockedStatement("lock counter", holder: holder, """
            UPDATE \(unescaped: store.table) SET holder = \(holder), updated_at = now() WHERE key_id = \(keyID)
            RETURNING GREATEST(last_nonce, COALESCE(pg_sequence_last_value(\(unescaped: sequenceLiteral)), 0))
            """)
        return max(0, floor)
    }

    func commit(_ nonce: Int64) async throws {
        let c = try await live()
        let holder = local.withLock { $0.holder }
        let value = Int64(clamping: nonce)
        _ = try await inTransaction(c, "update counter", """
            UPDATE \(unescaped: store.table) SET last_nonce = GREATEST(last_nonce, \(value)), holder = \(holder),
              updated_at = now() WHERE key_id = \(keyID)
            RETURNING setval(\(unescaped: sequenceLiteral),
              GREATEST(last_nonce, COALESCE(pg_sequence_last_value(\(unescaped: sequenceLiteral)), 0)))
            """, limit: store.ioTimeout)
        local.withLock { $0.last = max($0.last ?? 0, nonce) }
    }

    func release() async {
        let wasLocked = local.withLock { s in
            defer { s.locked = false }
            return s.locked
        }
        guard wasLocked, let c = connection.withLock({ $0 }), !c.isClosed else { return }
        do {
            // COMMIT also ends a transaction that failed (as a rollback).
            _ = try await rows(c, "COMMIT", limit: store.ioTimeout)
        } catch {
            // The row lock dies with the connection; drop it so the next section reconnects.
            logger.warning("COMMIT failed; closing connection", metadata: ["key": "\(keyID)"])
            await drop(c)
        }
    }

    /// Cheap, local view (no query, so a dashboard poll never waits behind a blocked lock);
    /// `PostgresNonceStore.inspect(keyID:)` reads the database.
    func status() async -> NonceStoreStatus {
        let (last, locked, holder) = local.withLock { ($0.last, $0.locked, $0.holder) }
        return NonceStoreStatus(kind: .postgres, lastNonce: last, location: store.location,
                                lockHeld: locked ? true : nil, holder: locked ? holder : nil,
                                detail: locked ? "held by this process" : nil)
    }

    func close() async {
        if let c = connection.withLock({ $0 }) { try? await c.close() }
    }
}
