/// An API secret. Its `description`, `debugDescription` and mirror never reveal the value, so
/// it is safe to log or dump structs containing it.
public struct BfxSecret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    let bytes: [UInt8]

    /// Wraps a secret string.
    public init(_ secret: String) {
        bytes = Array(secret.utf8)
    }

    /// Wraps secret bytes.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The secret's bytes, for modules that must look for it (the recorder's redaction).
    package var rawBytes: [UInt8] { bytes }

    /// `true` if the secret is empty.
    public var isEmpty: Bool { bytes.isEmpty }

    /// Always `BfxSecret(<redacted>)`.
    public var description: String { "BfxSecret(<redacted>)" }
    /// Always `BfxSecret(<redacted>)`.
    public var debugDescription: String { description }
    /// An empty mirror (`dump` shows nothing).
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// An API key and its secret. Descriptions show only a short key prefix.
public struct BfxCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The API key (public identifier).
    public var apiKey: String
    /// The API secret.
    public var secret: BfxSecret

    /// Pairs the public `apiKey` with its `secret`; the secret is only used for signing and never
    /// printed.
    public init(apiKey: String, secret: BfxSecret) {
        self.apiKey = apiKey
        self.secret = secret
    }

    /// Wraps `secret` in a ``BfxSecret`` (redacted in logs and descriptions); the strings are not
    /// validated here — a wrong key shows up as error 10100 at authentication.
    public init(apiKey: String, secret: String) {
        self.init(apiKey: apiKey, secret: BfxSecret(secret))
    }

    /// `BfxCredentials(apiKey: abcd…, secret: <redacted>)`.
    public var description: String { "BfxCredentials(apiKey: \(apiKey.prefix(4))…, secret: <redacted>)" }
    /// Same as ``description``.
    public var debugDescription: String { description }
    /// A mirror without the secret.
    public var customMirror: Mirror { Mirror(self, children: ["apiKey": "\(apiKey.prefix(4))…"]) }
}
