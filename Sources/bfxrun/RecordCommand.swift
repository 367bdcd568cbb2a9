import ArgumentParser
import BfxRuntime

/// `bfxrun record CONFIG --out FILE`: the runtime with every WebSocket frame recorded
/// (docs/recording.md).
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Run a configuration and record every WebSocket frame to a compressed file.",
        discussion: """
        Runs CONFIG like `bfxrun run` and writes every frame received and sent, with receive
        timestamps and connection ids, to FILE (gzip, one record per line; rotated as FILE.1, FILE.2
        … by the `recording:` section's max_bytes/max_files). Authentication frames, signatures and
        API keys are never written. Check the file with `bfxrun replay FILE --check`; attach it to a
        bug report (docs/troubleshooting.md). Stops on SIGINT/SIGTERM or after --duration.
        """
    )

    @Argument(help: "The YAML configuration file (see docs/configuration.md).")
    var config: String

    @Option(help: "The recording file (overrides recording.path).")
    var out: String

    @Option(help: "Stop gracefully after this many seconds.")
    var duration: Double?

    @Option(help: "Print a summary every N seconds (0 disables; default 0).")
    var summaryInterval: Double = 0

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (overrides logging.level).")
    var logLevel: LoggingConfig.Level?

    func validate() throws {
        if let duration, duration <= 0 { throw ValidationError("--duration must be > 0 seconds, got \(duration)") }
        if out.isEmpty { throw ValidationError("--out needs a file path") }
        if summaryInterval < 0 { throw ValidationError("--summary-interval must be >= 0") }
    }

    func run() async throws {
        var options = RunOptions(configPath: config)
        options.duration = duration
        options.summaryInterval = summaryInterval
        options.logLevel = logLevel
        options.recordingPath = out
        options.installBackends = Backends.install
        let code = await RuntimeHost.run(options)
        if code != 0 { throw ExitCode(code) }
    }
}
