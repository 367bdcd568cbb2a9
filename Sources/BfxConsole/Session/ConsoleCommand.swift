/// One console command: its documentation, completion and implementation, in one place.
///
/// `help`, `help CMD`, tab completion and docs/console.md are all generated from these values.
public struct ConsoleCommand: Sendable {
    /// Command name as typed.
    public var name: String
    /// Other accepted names.
    public var aliases: [String]
    /// Group shown by `help`.
    public var category: String
    /// Usage line(s), e.g. `book SYMBOL [DEPTH]`.
    public var usage: [String]
    /// One-line summary.
    public var summary: String
    /// Longer explanation shown by `help CMD`.
    public var details: String
    /// Subcommand words completed after the name (e.g. `new`, `cancel`).
    public var subcommands: [String]
    /// Options (with their argument placeholder) completed when a word starts with `-`.
    public var options: [String]
    /// Example invocations.
    public var examples: [String]
    /// Completes the word after `previous` (the words typed after the command name).
    public var complete: @Sendable (_ previous: [String], _ environment: CompletionEnvironment) -> [String]
    /// Runs the command.
    public var run: @Sendable (CommandContext) async throws -> ConsoleOutput

    /// Only `name`, `category`, `usage`, `summary` and `run` are required; the help texts and
    /// lists default to empty and `complete` to offering nothing. An error thrown by `run`
    /// (usually a ``ConsoleError``) is printed by the session and sets a non-zero exit status.
    public init(
        name: String,
        aliases: [String] = [],
        category: String,
        usage: [String],
        summary: String,
        details: String = "",
        subcommands: [String] = [],
        options: [String] = [],
        examples: [String] = [],
        complete: @escaping @Sendable (_ previous: [String], _ environment: CompletionEnvironment) -> [String] = { _, _ in [] },
        run: @escaping @Sendable (CommandContext) async throws -> ConsoleOutput
    ) {
        self.name = name
        self.aliases = aliases
        self.category = category
        self.usage = usage
        self.summary = summary
        self.details = details
        self.subcommands = subcommands
        self.options = options
        self.examples = examples
        self.complete = complete
        self.run = run
    }

    /// Option names without their placeholder (`--priority CLASS` → `--priority`).
    public var optionNames: [String] {
        options.compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    /// A usage error for this command.
    public func usageError(_ problem: String) -> ConsoleError {
        .usage("\(problem)\nusage: \(usage.joined(separator: "\n       "))")
    }
}
