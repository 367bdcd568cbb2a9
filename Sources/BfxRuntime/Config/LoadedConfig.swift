/// A configuration that passed validation, with its masked effective form.
public struct LoadedConfig: Sendable {
    /// The typed configuration.
    public var config: RuntimeConfig
    /// The file it came from.
    public var file: String
    /// The effective configuration (every default filled in) as YAML, secrets masked as `${VAR}`.
    public var maskedYAML: String
    /// Schema paths of every key the loader knows (e.g. `connections[].channels[].prec`).
    public var knownKeyPaths: Set<String>
}
