#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes to the process's stdout and stderr file descriptors, unbuffered per call.
public struct StandardOutputSink: ConsoleOutputSink {
    /// Writes straight to file descriptors 1 and 2; holds no state, so any number of copies may
    /// coexist.
    public init() {}

    /// Writes `text` to stdout.
    public func write(_ text: String) {
        Self.writeAll(text, to: 1)
    }

    /// Writes `text` to stderr.
    public func writeError(_ text: String) {
        Self.writeAll(text, to: 2)
    }

    private static func writeAll(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)  // var: withUnsafeMutableBytes below
        var offset = 0
        var attempts = 0
        // Bounded: a broken pipe or persistent EINTR ends the loop.
        while offset < bytes.count, attempts < 10_000 {
            attempts += 1
            let written = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return -1 }
                return systemWrite(fd, base + offset, buffer.count - offset)
            }
            if written > 0 {
                offset += written
            } else if written < 0, errno == EINTR || errno == EAGAIN {
                continue
            } else {
                return
            }
        }
    }
}

private func systemWrite(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, buffer, count)
    #else
    return Darwin.write(fd, buffer, count)
    #endif
}
