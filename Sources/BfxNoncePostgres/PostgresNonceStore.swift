import BfxNonce
import BfxProtocol
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// A nonce store in PostgreSQL, shared by processes on any number of hosts.
///
/// Each key has a row `bfx_nonces(key_id, last_nonce, holder, updated_at)` (the table is created
/// if missing) and a sequence `<table>_seq_<hash>` that records every issued nonce outside any
/// transaction. A session keeps one dedicated connection per key and runs each signed call as one
/// transaction: `UPDATE … RETURNING` takes the key's row lock and issues the nonce (above the row
/// and the sequence), the call runs, `COMMIT` releases the lock (ADR 0024). The server ends the
/// transaction — and so releases the lock — when the holder's connection dies, when it stays idle
/// in the transaction longer than `lockHoldTimeout`, or when TCP keepalives find its host gone.
public final class PostgresNonceStore: NonceStore {
    /// Connection settings (credentials are never printed).
    public let configuration: PostgresConnection.Configuration
    /// `host:port/database`, for diagnostics.
    public let location: String
    /// The table name.
    public let table: String
    /// How long a holder may keep the key between its statements (the server's
    /// `idle_in_transaction_session_timeout`): the bound after which a holder that hangs or whose
    /// host is cut off loses the key to the others. Must exceed the longest signed call.
    public let lockHoldTimeout: Duration
    /// How long a call may wait for the key's lock (the server's `statement_timeout`) before it fails.
    public let lockWaitTimeout: Duration
    /// Client-side limit for statements that never wait for the lock (`BEGIN`, `COMMIT`, DDL).
    let ioTimeout: Duration
    /// How long a call keeps reconnecting to a lost server before it fails (nothing held meanwhile).
    let reconnectTimeout: Duration = .seconds(30)
    /// Client-side limit for the statement that waits for the lock.
    var waitLimit: Duration { lockWaitTimeout + ioTimeout }
    private let logger: Logger

    /// Creates a store from a URL `postgres://user[:password]@host[:port]/database`.
    /// - Parameters:
    ///   - url: `postgres://user[:password]@host[:port]/database` (TLS is not used).
    ///   - table: table name (letters, digits, `_`; at most 40 characters).
    ///   - lockHoldTimeout: see ``lockHoldTimeout`` (default 20 s, above the REST client's 15 s request timeout).
    ///   - lockWaitTimeout: see ``lockWaitTimeout`` (default 60 s).
    ///   - logger: where connection problems and reconnects are logged.
    /// - Throws: `NonceError.store(kind:keyID:message:)` (of `BfxNonce`) when the URL or table is malformed.
    public init(url: String, table: String = "bfx_nonces", lockHoldTimeout: Duration = .seconds(20),
                lockWaitTimeout: Duration = .seconds(60), logger: Logger = Logger(label: "bfxkit.nonce.postgres")) throws {
        guard let parsed = URL(string: url), let scheme = parsed.scheme, scheme == "postgres" || scheme == "postgresql",
              let host = parsed.host, !host.isEmpty, let user = parsed.user, !user.isEmpty else {
            throw NonceError.store(kind: .postgres, keyID: "-",
                                   message: "expected postgres://user[:password]@host[:port]/database")
        }
        // The per-key sequence name appends 21 characters; PostgreSQL truncates names at 63.
        guard table.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), !table.isEmpty, table.count <= 40 else {
            throw NonceError.store(kind: .postgres, keyID: "-",
                                   message: "invalid table name '\(table)' (letters, digits and _, at most 40 characters)")
        }
        let database = parsed.path.hasPrefix("/") ? String(parsed.path.dropFirst()) : parsed.path
        let port = parsed.port ?? 5432
        var configuration = PostgresConnection.Configuration(host: host, port: port, username: user,
                                                             password: parsed.password, database: database.isEmpty ? nil : database,
                                                             tls: .disable)
        let millis = { (d: Duration) in String(max(1, d.nanosecondsClamped / 1_000_000)) }
        // Sent in the startup packet: no extra round trip. The keepalives and tcp_user_timeout let
        // the server notice a vanished client host within ~11 s even when it is not in a transaction.
        configuration.options.additionalStartupParameters = [
            ("idle_in_transaction_session_timeout", millis(lockHoldTimeout)),
            ("statement_timeout", millis(lockWaitTimeout)),
            ("tcp_keepalives_idle", "5"), ("tcp_keepalives_interval", "2"), ("tcp_keepalives_count", "3"),
            ("tcp_user_timeout", "10000"),
        ]
        self.configuration = configuration
        location = "\(host):\(port)/\(database)"
        self.table = table
        self.lockHoldTimeout = lockHoldTimeout
        self.lockWaitTimeout = lockWaitTimeout
        self.ioTimeout = .seconds(10)
        self.logger = logger
    }

    /// `.postgres`.
    public var kind: NonceStoreKind { .postgres }

    /// The 64-bit hash of a key id: names its sequence and `application_name`.
    public static func lockID(for keyID: String) -> Int64 {
        Int64(bitPattern: KeyFingerprint.fnv1a("bfxnonce:" + keyID))
    }

    /// The name of the key's sequence: the table name, `_seq_` and the key's 64-bit hash in hex.
    func sequenceName(for keyID: String) -> String {
        let hex = String(UInt64(bitPattern: Self.lockID(for: keyID)), radix: 16)
        return "\(table)_seq_" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// `application_name` of a key's sessions, so `inspect` can find the holder.
    func applicationName(for keyID: String) -> String {
        "bfxnonce:" + String(UInt64(bitPattern: Self.lockID(for: keyID)), radix: 16)
    }

    private static let connectionIDs = Atomic<Int>(0)

    func connect(keyID: String) async throws -> PostgresConnection {
        do {
            let id = Self.connectionIDs.wrappingAdd(1, ordering: .relaxed).newValue
            var configuration = configuration
            configuration.options.additionalStartupParameters.append(("application_name", applicationName(for: keyID)))
            return try await PostgresConnection.connect(configuration: configuration, id: id, logger: logger)
        } catch {
            throw NonceError.store(kind: .postgres, keyID: keyID, message: "connect \(location): \(String(reflecting: error))")
        }
    }

    /// Opens a dedicated connection for the key and makes sure the table and row exist.
    public func openSession(keyID: String) async throws -> any NonceStoreSession {
        let connection = try await connect(keyID: keyID)
        let session = PostgresNonceSession(store: self, keyID: keyID, connection: connection, logger: logger)
        do {
            // Serialize DDL between concurrent first openers (CREATE TABLE IF NOT EXISTS races).
            let ddlLock = Self.lockID(for: "#ddl")
            try await connection.query("SELECT pg_advisory_lock(\(ddlLock))", logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: """
                CREATE TABLE IF NOT EXISTS \(table) (
                    key_id TEXT PRIMARY KEY,
                    last_nonce BIGINT NOT NULL DEFAULT 0,
                    holder TEXT NOT NULL DEFAULT '',
                    updated_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """), logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL:
                "CREATE SEQUENCE IF NOT EXISTS \(sequenceName(for: keyID)) AS bigint MINVALUE 0 START WITH 0"), logger: logger)
            try await connection.query("INSERT INTO \(unescaped: table) (key_id) VALUES (\(keyID)) ON CONFLICT DO NOTHING",
                                       logger: logger)
            try await connection.query("SELECT pg_advisory_unlock(\(ddlLock))", logger: logger)
        } catch {
            try? await connection.close()
            throw NonceError.store(kind: .postgres, keyID: keyID, message: "prepare table: \(String(reflecting: error))")
        }
        return session
    }

    /// Reads a key's state with a fresh connection (for `bfxrun nonce status`).
    public func inspect(keyID: String?) async throws -> [String: NonceStoreStatus] {
        let connection = try await connect(keyID: "#inspect")
        defer { Task { try? await connection.close() } }
        var result: [String: NonceStoreStatus] = [:]
        do {
            let sql: PostgresQuery = if let keyID {
                "SELECT key_id, last_nonce, holder FROM \(unescaped: table) WHERE key_id = \(keyID)"
            } else {
                "SELECT key_id, last_nonce, holder FROM \(unescaped: table)"
            }
            let rows = try await connection.query(sql, logger: logger)
            var found: [(String, Int64, String)] = []
            for try await row in rows.decode((String, Int64, String).self) { found.append(row) }
            for (key, last, holder) in found {
                let reserved = try await reservedNonce(connection: connection, keyID: key)
                let held = try await lockHolder(connection: connection, keyID: key)
                result[key] = NonceStoreStatus(kind: .postgres, lastNonce: max(0, last, reserved), location: location,
                                               lockHeld: held != nil, holder: held.map { "backend pid \($0); last issuer \(holder)" } ?? holder)
            }
        } catch {
            throw NonceError.store(kind: .postgres, keyID: keyID ?? "*", message: "inspect: \(String(reflecting: error))")
        }
        return result
    }

    /// The value of the key's sequence (0 if it does not exist yet).
    private func reservedNonce(connection: PostgresConnection, keyID: String) async throws -> Int64 {
        let rows = try await connection.query(
            "SELECT COALESCE(pg_sequence_last_value(to_regclass(\(sequenceName(for: keyID)))), 0)::bigint", logger: logger)
        for try await value in rows.decode(Int64.self) { return value }
        return 0
    }

    /// The backend pid holding the key's row lock: a session of the key with a transaction id that
    /// is not itself waiting for a lock.
    private func lockHolder(connection: PostgresConnection, keyID: String) async throws -> Int32? {
        let rows = try await connection.query("""
            SELECT pid FROM pg_stat_activity WHERE application_name = \(applicationName(for: keyID))
              AND backend_xid IS NOT NULL AND wait_event_type IS DISTINCT FROM 'Lock'
            """, logger: logger)
        for try await pid in rows.decode(Int32.self) { return pid }
        return nil
    }
}
