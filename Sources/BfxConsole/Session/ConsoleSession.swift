/// Executes console lines: tokenizes, dispatches to the registry, renders and tracks status.
///
/// One session per console. An actor because `format`, the quit flag and the status are changed
/// by commands while other tasks (the prompt, `watch`) read them.
public actor ConsoleSession {
    /// Global flags accepted by every command and removed before dispatch.
    package static let globalFlags: [String: OutputFormat?] = [
        "--json": .json, "--ndjson": .ndjson, "--table": .table, "--plain": .plain, "--yes": nil, "-y": nil,
    ]

    /// The backend every command of this session reads from and acts on.
    public nonisolated let backend: any ConsoleBackend
    /// The command registry.
    public nonisolated let registry: CommandRegistry
    /// Where results go.
    public nonisolated let sink: any ConsoleOutputSink
    /// Behaviour settings.
    public nonisolated let configuration: ConsoleSessionConfiguration

    /// Current output format (`format` changes it).
    public private(set) var format: OutputFormat
    /// Set by `quit`.
    public private(set) var quitRequested = false
    /// Exit status of the last failing command (0 if none failed): the script-mode exit status.
    public private(set) var lastFailureStatus: Int32 = 0
    /// Number of commands executed.
    public private(set) var commandsRun = 0
    private var completionCache = ConsoleCompletionData()

    /// `registry` defaults to ``CommandRegistry/standard`` (every built-in command); output goes to
    /// `sink` in the format of `configuration`, whose defaults suit scripts and tests.
    public init(backend: any ConsoleBackend, registry: CommandRegistry = .standard, sink: any ConsoleOutputSink, configuration: ConsoleSessionConfiguration = ConsoleSessionConfiguration()) {
        self.backend = backend
        self.registry = registry
        self.sink = sink
        self.configuration = configuration
        self.format = configuration.format
    }

    /// Executes one input line (possibly several `;`-separated statements). Returns the status of
    /// the line: 0, or the status of its last failing statement. Never throws.
    @discardableResult
    public func execute(line: String) async -> Int32 {
        let statements: [[String]]
        do {
            statements = try configuration.tokenizer.statements(line)
        } catch {
            return report(.syntax(error))
        }
        var status: Int32 = 0
        for words in statements {
            if quitRequested { break }
            let result = await execute(words: words)
            if result != 0 { status = result }
            if result == ConsoleError.interrupted.exitStatus { break }
        }
        return status
    }

    /// Executes one tokenized statement, writes its output and returns its status.
    @discardableResult
    public func execute(words: [String]) async -> Int32 {
        commandsRun += 1
        do {
            let (output, format) = try await run(words: words)
            if Task.isCancelled { throw ConsoleError.interrupted }
            sink.write(OutputRenderer.render(output, format: format))
            return 0
        } catch let error as ConsoleError {
            return report(error)
        } catch is CancellationError {
            return report(.interrupted)
        } catch {
            return report(.failed(TerminalText.sanitized(String(describing: error))))
        }
    }

    /// Reports an input problem found before tokenizing (binary data, over-long line).
    @discardableResult
    package func reportInvalidInput(_ message: String) -> Int32 {
        report(.invalidInput(message))
    }

    /// Runs a statement and returns its output without printing it (used by `watch`).
    public func run(words: [String]) async throws -> (ConsoleOutput, OutputFormat) {
        var format = self.format
        var assumeYes = false
        var arguments: [String] = []
        for word in words {
            if let entry = Self.globalFlags[word] {
                if let chosen = entry { format = chosen } else { assumeYes = true }
            } else {
                arguments.append(word)
            }
        }
        guard let name = arguments.first else {
            throw ConsoleError.usage("empty command")
        }
        guard let command = registry.command(named: name) else {
            throw ConsoleError.unknownCommand(name, suggestion: registry.suggestion(for: name))
        }
        let context = CommandContext(
            command: command,
            arguments: Array(arguments.dropFirst()),
            backend: backend,
            session: self,
            format: format,
            assumeYes: assumeYes
        )
        let output = try await command.run(context)
        return (output, format)
    }

    /// Sets the default output format.
    public func setFormat(_ format: OutputFormat) {
        self.format = format
    }

    /// Marks the session as finished (the REPL or script loop stops after this line).
    public func requestQuit() {
        quitRequested = true
    }

    /// Asks the operator to confirm; throws when declined or when nobody can answer.
    public func confirm(_ question: String) async throws(ConsoleError) {
        guard let ask = configuration.confirm else {
            throw .confirmationRequired("\(question) — cannot ask in non-interactive mode; repeat with --yes")
        }
        guard await ask(question) else { throw .declined }
    }

    /// Refreshes the completion names from the backend (called before each prompt).
    public func refreshCompletionData() async -> ConsoleCompletionData {
        completionCache = await backend.completionData()
        return completionCache
    }

    /// The completer for the current names.
    package func completer() -> ConsoleCompleter {
        ConsoleCompleter(registry: registry, data: completionCache, tokenizer: configuration.tokenizer)
    }

    /// Writes a diagnostic line to stderr.
    public nonisolated func notice(_ text: String) {
        sink.writeError(text.hasSuffix("\n") ? text : text + "\n")
    }

    private func report(_ error: ConsoleError) -> Int32 {
        let status = error.exitStatus
        lastFailureStatus = status
        sink.writeError("error: \(error)\n")
        return status
    }
}
