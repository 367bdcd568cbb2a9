import ArgumentParser
import BfxConsole
import BfxConsoleRuntime
import BfxProtocol

/// `bfxrun console CONFIG`: the interactive libedit console (or script mode) on a runtime.
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Interactive console on a runtime: inspect state, make signed calls, inject faults, dump diagnostics.",
        discussion: """
            Interactive (libedit: history in ~/.bfxrun_history, Tab completion, Ctrl-C cancels the running \
            command, Ctrl-D exits) when stdin is a terminal; otherwise commands are read line by line from \
            stdin. In script mode (-c, --file, pipe) the exit status is that of the last failing command: \
            1 command failed, 2 usage/syntax error, 130 interrupted, 0 if all succeeded. Config errors exit 1, \
            start failures 3 (auth) or 4. See docs/console.md.
            """
    )

    @Argument(help: "The YAML configuration file.")
    var config: String

    @Option(name: .customShort("c"), help: "Run these commands (separated by ';') and exit.")
    var commands: String?

    @Option(name: .customLong("file"), help: "Run the commands in this script file and exit.")
    var file: String?

    @Option(help: "Output format: table, plain, json or ndjson (default: table on a terminal, plain otherwise).")
    var format: String?

    @Flag(help: "Shorthand for --format json.")
    var json = false

    @Flag(help: "Shorthand for --format ndjson.")
    var ndjson = false

    @Option(help: "History file (default: $BFXRUN_HISTORY or ~/.bfxrun_history).")
    var history: String?

    @Option(help: "Maximum history entries kept.")
    var historySize = 1_000

    @Flag(help: "Do not read or write a history file.")
    var noHistory = false

    @Flag(help: "Stop a script at the first failing command.")
    var stopOnError = false

    @Option(help: "Runtime log level (default: error interactively, the config's level in script mode).")
    var logLevel: String?

    @Option(help: "Log format: text or json.")
    var logFormat: String?

    func validate() throws {
        if commands != nil && file != nil { throw ValidationError("use either -c or --file, not both") }
        if let format, OutputFormat(rawValue: format) == nil {
            throw ValidationError("--format must be one of: table, plain, json, ndjson")
        }
        if json && ndjson { throw ValidationError("use either --json or --ndjson") }
        if !(1...1_000_000).contains(historySize) { throw ValidationError("--history-size must be in 1...1000000") }
        if let logLevel, !["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel) {
            throw ValidationError("--log-level must be one of: trace, debug, info, notice, warning, error, critical")
        }
        if let logFormat, !["text", "json"].contains(logFormat) { throw ValidationError("--log-format must be text or json") }
    }

    func run() async throws {
        let chosen: OutputFormat? = json ? .json : ndjson ? .ndjson : format.flatMap(OutputFormat.init(rawValue:))
        let options = ConsoleOptions(
            commands: commands, scriptPath: file, format: chosen,
            historyPath: noHistory ? nil : (history ?? ConsoleOptions.defaultHistoryPath),
            historySize: historySize, version: BfxkitVersion.string, stopOnError: stopOnError
        )
        let status = await ConsoleHost.run(configPath: config, options: options, logLevel: logLevel, logFormat: logFormat,
                                           installBackends: Backends.install)
        if status != 0 { throw ExitCode(status) }
    }
}
