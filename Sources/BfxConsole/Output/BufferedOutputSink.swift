import Synchronization

/// Collects output in memory (for tests and for embedding the console in another program).
public final class BufferedOutputSink: ConsoleOutputSink {
    // Mutex: commands may write from any task; the buffers are read after they finish.
    private let buffers = Mutex<(out: String, err: String)>(("", ""))

    /// Starts with empty ``output`` and ``errors``; both grow until ``reset()``.
    public init() {}

    /// Appends to the result buffer.
    public func write(_ text: String) {
        buffers.withLock { $0.out += text }
    }

    /// Appends to the diagnostic buffer.
    public func writeError(_ text: String) {
        buffers.withLock { $0.err += text }
    }

    /// Everything written with `write`.
    public var output: String { buffers.withLock { $0.out } }
    /// Everything written with `writeError`.
    public var errors: String { buffers.withLock { $0.err } }

    /// Clears both buffers.
    public func reset() {
        buffers.withLock { $0 = ("", "") }
    }
}
