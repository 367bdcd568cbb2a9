import Synchronization

/// Feeds a fixed list of lines (for `-c "cmd; cmd"` and tests).
public final class ScriptLineSource: ConsoleLineSource {
    // Mutex: the console may read from any task.
    private let lines: Mutex<[String]>

    /// Creates a source over `lines`, read first to last.
    public init(lines: [String]) {
        self.lines = Mutex(lines.reversed())
    }

    /// Returns the next line or `.end`.
    public func readLine(prompt: String) async -> LineReadResult {
        lines.withLock { remaining in
            remaining.popLast().map { .line($0) } ?? .end
        }
    }
}
