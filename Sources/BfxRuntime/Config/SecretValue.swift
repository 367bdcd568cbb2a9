/// A credential taken from the environment. Its value is never printed: `description`, dumps and
/// the effective config show only the `${VAR}` reference it came from.
public struct SecretValue: Sendable, Hashable, Encodable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The environment variable name.
    public let variable: String
    /// The reference as written in the file, e.g. `${BFX_API_KEY}`.
    public let reference: String
    /// The resolved secret. Only pass it to signing code.
    public let value: String

    /// Creates a secret.
    public init(variable: String, reference: String, value: String) {
        self.variable = variable
        self.reference = reference
        self.value = value
    }

    /// Masked: `*** (${VAR})`.
    public var description: String { "*** (\(reference))" }
    /// Masked, like `description`.
    public var debugDescription: String { description }

    /// Encodes as the reference, so the effective config can be re-loaded but shows no secret.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(reference)
    }
}
