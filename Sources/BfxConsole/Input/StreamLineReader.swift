import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads lines from a file descriptor (a pipe, a script file) without libedit.
///
/// Lines longer than `maxLineBytes` and lines that are not valid UTF-8 are reported as
/// `.invalid` and skipped, so binary or hostile input yields errors, never a crash or unbounded
/// memory. Blocking `read(2)` calls run on a private dispatch queue, never on the Swift
/// concurrency pool.
public final class StreamLineReader: ConsoleLineSource {
    private struct State {
        var buffer: [UInt8] = []
        var eof = false
        var linesRead = 0
    }

    private let fd: Int32
    private let maxLineBytes: Int
    private let maxLines: Int
    private let queue = DispatchQueue(label: "bfxkit.console.stdin")
    // Mutex: only the private queue touches the state, but the class must be Sendable.
    private let state = Mutex(State())

    /// Creates a reader over `fd` (not closed by the reader).
    public init(fileDescriptor fd: Int32, maxLineBytes: Int = 65_536, maxLines: Int = 10_000_000) {
        self.fd = fd
        self.maxLineBytes = maxLineBytes
        self.maxLines = maxLines
    }

    /// Reads the next line; the prompt is ignored (non-interactive input).
    public func readLine(prompt: String) async -> LineReadResult {
        await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: self.nextLine())
            }
        }
    }

    private func nextLine() -> LineReadResult {
        state.withLock { state in
            guard state.linesRead < maxLines else { return .end }
            var oversized = false
            var chunk = [UInt8](repeating: 0, count: 16_384)
            // Bounded: every iteration either finds a newline, reads more bytes or hits EOF/error.
            while true {
                if let newline = state.buffer.firstIndex(of: 0x0A) {
                    var line = Array(state.buffer[..<newline])
                    state.buffer.removeSubrange(...newline)
                    state.linesRead += 1
                    if oversized || line.count > maxLineBytes { return .invalid("line longer than \(maxLineBytes) bytes skipped") }
                    if line.last == 0x0D { line.removeLast() }
                    return decode(line)
                }
                if state.buffer.count > maxLineBytes {
                    oversized = true
                    state.buffer.removeAll(keepingCapacity: true)
                }
                if state.eof {
                    if state.buffer.isEmpty {
                        return oversized ? .invalid("line longer than \(maxLineBytes) bytes skipped") : .end
                    }
                    let line = state.buffer
                    state.buffer.removeAll()
                    state.linesRead += 1
                    if oversized || line.count > maxLineBytes { return .invalid("line longer than \(maxLineBytes) bytes skipped") }
                    return decode(line)
                }
                let count = chunk.withUnsafeMutableBytes { buffer -> Int in
                    guard let base = buffer.baseAddress else { return -1 }
                    return read(fd, base, buffer.count)
                }
                if count > 0 {
                    state.buffer.append(contentsOf: chunk[0..<count])
                } else if count < 0, errno == EINTR {
                    continue
                } else {
                    state.eof = true
                }
            }
        }
    }

    private func decode(_ bytes: [UInt8]) -> LineReadResult {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .invalid("input is not valid UTF-8 text (binary data?); line skipped")
        }
        return .line(text)
    }
}
