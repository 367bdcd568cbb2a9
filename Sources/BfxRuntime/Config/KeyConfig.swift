/// One API key: credentials from the environment, the nonce store shared by every signed call
/// of that key, and authenticated-stream options.
public struct KeyConfig: Sendable, Hashable, Encodable {
    /// The name other sections refer to (`connections[].key`, `startup[].key`).
    public var name: String
    /// API key (`${ENV}` reference). Optional on the simulator (demo credentials are generated).
    public var apiKey: SecretValue?
    /// API secret (`${ENV}` reference). Optional on the simulator.
    public var apiSecret: SecretValue?
    /// Where the nonce high-water mark lives.
    public var nonceStore = NonceStoreConfig()
    /// Dead-man switch flag sent with WebSocket auth (`dms: 4` when true).
    public var deadManSwitch = false

    /// Creates a key config.
    public init(name: String) { self.name = name }

    enum CodingKeys: String, CodingKey {
        case name
        case apiKey = "api_key", apiSecret = "api_secret", nonceStore = "nonce_store", deadManSwitch = "dead_man_switch"
    }
}

/// The nonce store of one key.
public struct NonceStoreConfig: Sendable, Hashable, Encodable {
    /// Store kinds.
    public enum Kind: String, Sendable, Hashable, Encodable, CaseIterable {
        /// In process memory (default; one process per key).
        case memory
        /// A file with `flock` and a persisted high-water mark.
        case file
        /// A PostgreSQL row with an advisory lock (several processes/hosts).
        case postgres
    }

    /// The store kind.
    public var kind: Kind = .memory
    /// File path (kind `file`).
    public var path: String?
    /// PostgreSQL URL (kind `postgres`); masked in output when it came from the environment.
    public var url: SensitiveString?

    /// Creates a memory store config.
    public init() {}
}

/// A string that may contain a secret (a URL with a password, a webhook token): printed masked.
public struct SensitiveString: Sendable, Hashable, Encodable, CustomStringConvertible {
    /// The resolved value.
    public let value: String
    /// The text as written in the file (may contain `${VAR}` references).
    public let written: String

    /// Creates a sensitive string.
    public init(value: String, written: String) {
        self.value = value
        self.written = written
    }

    /// The masked form: the `${VAR}` text when it came from the environment, otherwise the value
    /// with any URL password replaced by `***`.
    public var masked: String {
        if written.contains("${") { return written }
        guard let scheme = value.range(of: "://"), let at = value[scheme.upperBound...].firstIndex(of: "@") else { return value }
        let userInfo = value[scheme.upperBound..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return value }
        return String(value[..<colon]) + ":***" + String(value[at...])
    }

    /// Masked.
    public var description: String { masked }

    /// Encodes masked.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(masked)
    }
}
