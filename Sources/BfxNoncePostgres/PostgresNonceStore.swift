import BfxNonce
import BfxProtocol
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// A nonce store in PostgreSQL, shared by processes on any number of hosts.
///
/// Each key has a row `bfx_nonces(key_id, last_nonce, holder, updated_at)` (the table is created
/// if missing) and a session-level advisory lock `pg_advisory_lock(fnv1a("bfxnonce:" + key))`.
/// A session keeps one dedicated connection per key: it takes the advisory lock, reads the
/// counter, writes the issued nonce (autocommit, so it is durable before the request is sent) and
/// unlocks only after the call reached the server. The server releases the lock if the holder's
/// connection dies, so a crashed process never blocks others.
public final class PostgresNonceStore: NonceStore {
    /// Connection settings (credentials are never printed).
    public let configuration: PostgresConnection.Configuration
    /// `host:port/database`, for diagnostics.
    public let location: String
    /// The table name.
    public let table: String
    private let logger: Logger

    /// Creates a store from a URL `postgres://user[:password]@host[:port]/database`.
    /// - Throws: `NonceError.store(kind:keyID:message:)` (of `BfxNonce`) when the URL is malformed.
    public init(url: String, table: String = "bfx_nonces", logger: Logger = Logger(label: "bfxkit.nonce.postgres")) throws {
        guard let parsed = URL(string: url), let scheme = parsed.scheme, scheme == "postgres" || scheme == "postgresql",
              let host = parsed.host, !host.isEmpty, let user = parsed.user, !user.isEmpty else {
            throw NonceError.store(kind: .postgres, keyID: "-",
                                   message: "expected postgres://user[:password]@host[:port]/database")
        }
        guard table.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), !table.isEmpty else {
            throw NonceError.store(kind: .postgres, keyID: "-", message: "invalid table name '\(table)'")
        }
        let database = parsed.path.hasPrefix("/") ? String(parsed.path.dropFirst()) : parsed.path
        let port = parsed.port ?? 5432
        configuration = PostgresConnection.Configuration(host: host, port: port, username: user,
                                                         password: parsed.password, database: database.isEmpty ? nil : database,
                                                         tls: .disable)
        location = "\(host):\(port)/\(database)"
        self.table = table
        self.logger = logger
    }

    /// `.postgres`.
    public var kind: NonceStoreKind { .postgres }

    /// The advisory-lock id of a key.
    public static func lockID(for keyID: String) -> Int64 {
        Int64(bitPattern: KeyFingerprint.fnv1a("bfxnonce:" + keyID))
    }

    private static let connectionIDs = Atomic<Int>(0)

    func connect(keyID: String) async throws -> PostgresConnection {
        do {
            let id = Self.connectionIDs.wrappingAdd(1, ordering: .relaxed).newValue
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
        let connection = try await connect(keyID: keyID ?? "*")
        defer { Task { try? await connection.close() } }
        var result: [String: NonceStoreStatus] = [:]
        do {
            let sql: PostgresQuery = if let keyID {
                "SELECT key_id, last_nonce, holder FROM \(unescaped: table) WHERE key_id = \(keyID)"
            } else {
                "SELECT key_id, last_nonce, holder FROM \(unescaped: table)"
            }
            let rows = try await connection.query(sql, logger: logger)
            for try await (key, last, holder) in rows.decode((String, Int64, String).self) {
                let held = try await Self.lockHeld(connection: connection, keyID: key, logger: logger)
                result[key] = NonceStoreStatus(kind: .postgres, lastNonce: max(0, last), location: location,
                                               lockHeld: held.held, holder: held.pid.map { "backend pid \($0); last issuer \(holder)" } ?? holder)
            }
        } catch {
            throw NonceError.store(kind: .postgres, keyID: keyID ?? "*", message: "inspect: \(String(reflecting: error))")
        }
        return result
    }

    static func lockHeld(connection: PostgresConnection, keyID: String, logger: Logger) async throws -> (held: Bool, pid: Int32?) {
        let id = UInt64(bitPattern: lockID(for: keyID))
        let classid = Int64(id >> 32)
        let objid = Int64(id & 0xFFFF_FFFF)
        let rows = try await connection.query("""
            SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
              AND classid::bigint = \(classid) AND objid::bigint = \(objid) AND objsubid = 1
            """, logger: logger)
        for try await pid in rows.decode(Int32.self) { return (true, pid) }
        return (false, nil)
    }
}
