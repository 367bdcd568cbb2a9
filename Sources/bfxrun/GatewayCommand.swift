import ArgumentParser
import BfxRuntime

/// `bfxrun gateway CONFIG`: the runtime with its `gateway:` section required — a
/// Bitfinex-compatible local endpoint (docs/gateway.md).
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Serve a Bitfinex-compatible local endpoint that shares one verified upstream.",
        discussion: """
        Local programs in any language (bitfinex-api-py, ccxt, Node, Swift) change only their host:
        ws://HOST:PORT/ws/2 and http://HOST:PORT/v2/... (gateway.listen). The configuration needs a
        `gateway:` section; its other sections (endpoint, websocket, rate_limits, metrics, connections)
        work as in `bfxrun run`. Logs go to stderr; SIGINT/SIGTERM shut down gracefully. Exit codes as
        `bfxrun run` (docs/operations.md). See docs/gateway.md.
        """
    )

    @Argument(help: "The YAML configuration file with a `gateway:` section.")
    var config: String

    @Option(help: "Gateway listen address HOST:PORT (overrides gateway.listen; non-loopback needs gateway.tls; port 0 = any free port).")
    var listen: String?

    @Option(help: "Metrics/dashboard listen address HOST:PORT (overrides metrics.listen).")
    var metricsListen: String?

    @Option(help: "Stop gracefully after this many seconds.")
    var duration: Double?

    @Option(help: "Print a summary every N seconds (0 disables; default 0).")
    var summaryInterval: Double = 0

    @Option(help: "Log format on stderr: text or json (overrides logging.format).")
    var logFormat: LoggingConfig.Format?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (overrides logging.level).")
    var logLevel: LoggingConfig.Level?

    func validate() throws {
        if let duration, duration <= 0 { throw ValidationError("--duration must be > 0 seconds, got \(duration)") }
        if summaryInterval < 0 { throw ValidationError("--summary-interval must be >= 0") }
    }

    func run() async throws {
        var options = RunOptions(configPath: config)
        options.duration = duration
        options.summaryInterval = summaryInterval
        options.logFormat = logFormat
        options.logLevel = logLevel
        options.listen = metricsListen
        options.gatewayListen = listen
        options.requireGateway = true
        options.installBackends = Backends.install
        let code = await RuntimeHost.run(options)
        if code != 0 { throw ExitCode(code) }
    }
}
