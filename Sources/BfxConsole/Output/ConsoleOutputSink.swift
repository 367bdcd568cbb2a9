/// Where the console writes results (`write`) and diagnostics (`writeError`).
public protocol ConsoleOutputSink: Sendable {
    /// Writes to the result stream (stdout).
    func write(_ text: String)
    /// Writes to the diagnostic stream (stderr).
    func writeError(_ text: String)
}
