#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Where log lines go. The stderr sink serialises writes with a lock so lines from concurrent
/// tasks never interleave.
public struct LogSink: Sendable {
    /// Writes one complete line (without the trailing newline).
    public let write: @Sendable (String) -> Void

    /// Creates a sink from a closure.
    public init(write: @escaping @Sendable (String) -> Void) { self.write = write }

    /// Standard error (fd 2), one `write(2)` per line under a process-wide lock.
    public static let standardError = LogSink { line in
        stderrLock.withLock { _ in
            var bytes = Array((line + "\n").utf8)
            var offset = 0
            // Bounded: each iteration writes at least one byte or stops on error.
            while offset < bytes.count {
                let written = bytes.withUnsafeMutableBytes { buffer -> Int in
                    guard let base = buffer.baseAddress else { return -1 }
                    return systemWrite(2, base + offset, buffer.count - offset)
                }
                if written <= 0 { break }
                offset += written
            }
        }
    }
}

/// One process-wide lock for stderr so lines from concurrent handlers never interleave.
let stderrLock = Mutex<Void>(())

/// Secret values registered by the runtime; log lines that contain one print `***` instead.
/// A process-wide registry because swift-log handlers are created by a global factory.
public final class SecretRedactor: Sendable {
    /// The process-wide instance used by `StructuredLogHandler`.
    public static let shared = SecretRedactor()
    // Mutex: registration happens at config load, reads on every log line from any thread.
    private let secrets = Mutex<[String]>([])

    /// Registers a secret (values shorter than 4 characters are ignored to avoid mangling logs).
    public func register(_ secret: String) {
        guard secret.count >= 4 else { return }
        secrets.withLock { if !$0.contains(secret) { $0.append(secret) } }
    }

    /// `text` with every registered secret replaced by `***`.
    public func redact(_ text: String) -> String {
        let current = secrets.withLock { $0 }
        guard !current.isEmpty else { return text }
        var result = text
        for secret in current where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: "***")
        }
        return result
    }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif
