/// How `bfxrun console` runs: interactive, `-c`, `--file` or a pipe.
public struct ConsoleOptions: Sendable {
    /// `-c "cmd; cmd"`: run these statements and exit.
    public var commands: String?
    /// `--file PATH`: run the script and exit.
    public var scriptPath: String?
    /// Output format; `nil` picks table on a terminal and plain otherwise.
    public var format: OutputFormat?
    /// History file (`nil` disables persistent history).
    public var historyPath: String?
    /// Maximum history entries kept.
    public var historySize: Int
    /// Version shown in the banner and `dump`.
    public var version: String
    /// Stop a script at the first failing command instead of running the rest.
    public var stopOnError: Bool

    /// The defaults run an interactive console: no `-c`/`--file`, automatic format, history in
    /// ``defaultHistoryPath`` (1000 entries), version `unknown`, and scripts that continue after a
    /// failing command.
    public init(commands: String? = nil, scriptPath: String? = nil, format: OutputFormat? = nil, historyPath: String? = ConsoleOptions.defaultHistoryPath, historySize: Int = 1_000, version: String = "unknown", stopOnError: Bool = false) {
        self.commands = commands
        self.scriptPath = scriptPath
        self.format = format
        self.historyPath = historyPath
        self.historySize = historySize
        self.version = version
        self.stopOnError = stopOnError
    }

    /// `$BFXRUN_HISTORY`, else `~/.bfxrun_history`, else no history.
    public static var defaultHistoryPath: String? {
        let environment = ProcessEnvironment.current
        if let explicit = environment["BFXRUN_HISTORY"], !explicit.isEmpty { return explicit }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.bfxrun_history"
    }
}
