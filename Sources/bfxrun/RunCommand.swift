import ArgumentParser
import BfxRuntime

/// `bfxrun run CONFIG` (also `bfxrun CONFIG`): the headless runtime.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a configuration headless (the default command: `bfxrun CONFIG`).",
        discussion: """
        Structured logs go to stderr; a compact summary of books, trades, tickers and nonce stats goes to
        stdout every --summary-interval seconds (default: every 5 s when stdout is a terminal).
        SIGINT/SIGTERM shut down gracefully (exit 0); SIGHUP reloads the configuration.
        Exit codes: 0 ok, 1 invalid config, 3 authentication rejected, 4 fatal runtime error,
        5 alert with action `exit` (or the rule's exit_code), 64 usage. See docs/operations.md.
        """
    )

    @Argument(help: "The YAML configuration file (see docs/configuration.md).")
    var config: String

    @Option(help: "Stop gracefully after this many seconds.")
    var duration: Double?

    @Flag(help: "Connect, take one snapshot of everything, print a summary and exit.")
    var once = false

    @Flag(help: "With --once: print the snapshot as JSON.")
    var json = false

    @Option(help: "Print a summary every N seconds (0 disables).")
    var summaryInterval: Double?

    @Option(help: "Log format on stderr: text or json (overrides logging.format).")
    var logFormat: LoggingConfig.Format?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (overrides logging.level).")
    var logLevel: LoggingConfig.Level?

    @Option(help: "Metrics/dashboard listen address HOST:PORT (overrides metrics.listen).")
    var listen: String?

    func validate() throws {
        if let duration, duration <= 0 { throw ValidationError("--duration must be > 0 seconds, got \(duration)") }
        if let summaryInterval, summaryInterval < 0 { throw ValidationError("--summary-interval must be >= 0") }
        if json && !once { throw ValidationError("--json only applies with --once") }
    }

    func run() async throws {
        var options = RunOptions(configPath: config)
        options.duration = duration
        options.once = once
        options.json = json
        options.summaryInterval = summaryInterval
        options.logFormat = logFormat
        options.logLevel = logLevel
        options.listen = listen
        options.installBackends = Backends.install
        let code = await RuntimeHost.run(options)
        if code != 0 { throw ExitCode(code) }
    }
}

extension LoggingConfig.Format: ExpressibleByArgument {}
extension LoggingConfig.Level: ExpressibleByArgument {}
