/// Where the console reads its commands from: libedit, a pipe, a file or a test.
public protocol ConsoleLineSource: Sendable {
    /// Reads the next line, showing `prompt` if interactive.
    func readLine(prompt: String) async -> LineReadResult
}
