/// The kind of a ``NonceStore``.
public enum NonceStoreKind: String, Sendable, Codable, CaseIterable {
    /// In-process only (``MemoryNonceStore``).
    case memory
    /// A file with `flock` and a persisted high-water mark (``FileNonceStore``).
    case file
    /// A PostgreSQL counter row and advisory lock (`PostgresNonceStore` in `BfxNoncePostgres`).
    case postgres
}
