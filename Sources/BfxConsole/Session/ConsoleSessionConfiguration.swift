import Foundation

/// How a `ConsoleSession` behaves; the defaults suit tests and scripts.
public struct ConsoleSessionConfiguration: Sendable {
    /// Initial output format.
    public var format: OutputFormat
    /// Whether stdout is a terminal (then `watch` clears the screen between refreshes in table format).
    public var outputIsTerminal: Bool
    /// Sleeps between `watch` iterations; injected so tests run in virtual time.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// Asks a yes/no question (interactive mode); `nil` in script mode, where live order entry
    /// then requires `--yes`.
    public var confirm: (@Sendable (String) async -> Bool)?
    /// Tokenizer limits.
    public var tokenizer: CommandTokenizer
    /// Version string put into `dump`.
    public var version: String
    /// Wall clock for `dump` timestamps (milliseconds since 1970); injected for tests.
    public var now: @Sendable () -> Int64
    /// Upper bound of `watch` iterations when `-c` is not given.
    public var maxWatchIterations: Int

    /// The defaults suit scripts and tests: table output, not a terminal, real sleeps, no
    /// confirmation prompt (live orders then need `--yes`), version `unknown`, the wall clock, at
    /// most 1 000 000 `watch` iterations.
    public init(
        format: OutputFormat = .table,
        outputIsTerminal: Bool = false,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        confirm: (@Sendable (String) async -> Bool)? = nil,
        tokenizer: CommandTokenizer = CommandTokenizer(),
        version: String = "unknown",
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) },
        maxWatchIterations: Int = 1_000_000
    ) {
        self.format = format
        self.outputIsTerminal = outputIsTerminal
        self.sleep = sleep
        self.confirm = confirm
        self.tokenizer = tokenizer
        self.version = version
        self.now = now
        self.maxWatchIterations = maxWatchIterations
    }
}
