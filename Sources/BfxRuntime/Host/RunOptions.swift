/// Command-line options of `bfxrun run` (argument parsing lives in the executable).
public struct RunOptions: Sendable {
    /// Config file.
    public var configPath: String
    /// Stop after this many seconds.
    public var duration: Double?
    /// Connect, take one snapshot of everything, print it, exit.
    public var once = false
    /// Print the summary as JSON (with `--once`).
    public var json = false
    /// Summary interval override (seconds; 0 disables).
    public var summaryInterval: Double?
    /// Log format override.
    public var logFormat: LoggingConfig.Format?
    /// Log level override.
    public var logLevel: LoggingConfig.Level?
    /// `metrics.listen` override.
    public var listen: String?
    /// `gateway.listen` override (`bfxrun gateway --listen`).
    public var gatewayListen: String?
    /// `recording.path` override (`bfxrun record --out`): records even without a `recording:` section.
    public var recordingPath: String?
    /// Refuse a configuration without a `gateway:` section (`bfxrun gateway`).
    public var requireGateway = false
    /// Called once the configuration is loaded, before the runtime starts: the program installs
    /// its log handler and metrics backend (the library never does) and returns the backend the
    /// runtime records its own series with and serves at `/metrics`. Nil (tests): no bootstrap.
    public var installBackends: (@Sendable (RuntimeConfig) -> MetricsBackend?)?
    /// Wait at most this long for data in `--once` mode.
    public var onceTimeout: Double = 10

    /// Options for running `configPath`; every other option starts unset (the config decides).
    public init(configPath: String) { self.configPath = configPath }
}
