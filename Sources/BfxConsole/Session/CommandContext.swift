/// What a running command sees: its arguments, the backend and the session.
public struct CommandContext: Sendable {
    /// The command being run.
    public var command: ConsoleCommand
    /// Words after the command name, with global flags (`--json`, `--yes`, …) removed.
    public var arguments: [String]
    /// The backend the command reads from and acts on (a running runtime or a test fake).
    public var backend: any ConsoleBackend
    /// The session (format, registry, nested execution for `watch`).
    public var session: ConsoleSession
    /// Output format in effect for this command.
    public var format: OutputFormat
    /// `--yes` was given: skip confirmations.
    public var assumeYes: Bool

    /// Built by the session for one command invocation; `arguments` are the words after the command
    /// name, `assumeYes` reflects `--yes` (skip confirmations).
    public init(command: ConsoleCommand, arguments: [String], backend: any ConsoleBackend, session: ConsoleSession, format: OutputFormat, assumeYes: Bool) {
        self.command = command
        self.arguments = arguments
        self.backend = backend
        self.session = session
        self.format = format
        self.assumeYes = assumeYes
    }

    /// A reader over the arguments that reports usage errors for this command.
    public func reader() -> ArgumentReader {
        ArgumentReader(arguments, command: command)
    }

    /// Runs a backend call, converting its errors into `ConsoleError.failed`.
    public func call<T: Sendable>(_ body: () async throws -> T) async throws(ConsoleError) -> T {
        do {
            return try await body()
        } catch let error as ConsoleError {
            throw error
        } catch is CancellationError {
            throw .interrupted
        } catch {
            throw .failed(TerminalText.sanitized(String(describing: error)))
        }
    }

    /// Asks for confirmation before order entry against a live endpoint (unless `--yes`).
    public func confirmLiveOrder(_ summary: String) async throws(ConsoleError) {
        guard await backend.isLive(), !assumeYes else { return }
        try await session.confirm("LIVE endpoint: \(summary). Send?")
    }
}
