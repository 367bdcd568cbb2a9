/// Diagnostic state of a key in a store.
public struct NonceStoreStatus: Sendable, Codable, Equatable {
    /// The store kind.
    public var kind: NonceStoreKind
    /// The last nonce the store knows was issued.
    public var lastNonce: Int64?
    /// The persisted reservation (file store) — nonces up to here may have been issued.
    public var reservedUpTo: Int64?
    /// Where the state lives (path or database, without credentials).
    public var location: String
    /// Whether the lock is held by someone else right now, if it could be checked.
    public var lockHeld: Bool?
    /// Who holds or last held the lock (pid/host/label), if recorded.
    public var holder: String?
    /// Store-specific remarks (errors while reading, etc.).
    public var detail: String?

    /// Builds the status a store reports to `bfxrun nonce status` and the dashboard: `kind` the
    /// store type, `location` its path or host (never a password), the other values `nil` when the
    /// store does not know them.
    public init(kind: NonceStoreKind, lastNonce: Int64? = nil, reservedUpTo: Int64? = nil, location: String,
                lockHeld: Bool? = nil, holder: String? = nil, detail: String? = nil) {
        self.kind = kind
        self.lastNonce = lastNonce
        self.reservedUpTo = reservedUpTo
        self.location = location
        self.lockHeld = lockHeld
        self.holder = holder
        self.detail = detail
    }
}
