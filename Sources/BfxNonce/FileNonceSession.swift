import Foundation
import Synchronization

/// One key's open state file.
final class FileNonceSession: NonceStoreSession {
    private struct State {
        var opened = false
        var reserved: Int64 = 0
        var holder = ""
        var closed = false
    }

    let fd: Int32
    let path: String
    let keyID: String
    let block: Int64
    /// Only the manager's baton holder calls in, but the protocol is Sendable; the Mutex keeps the
    /// few mutable fields safe regardless.
    private let state = Mutex(State())

    init(fd: Int32, path: String, keyID: String, block: Int64) {
        self.fd = fd
        self.path = path
        self.keyID = keyID
        self.block = block
    }

    private func failure(_ what: String) -> NonceError {
        .store(kind: .file, keyID: keyID, message: "\(what) \(path): \(String(cString: strerror(errno)))")
    }

    func acquire(holder: String) async throws -> Int64 {
        try await lockExclusive()
        let record: FileNonceRecord
        switch FileNonceRecord.read(fd: fd) {
        case .success(let r): record = r
        case .failure(let e):
            flock(fd, LOCK_UN)
            throw NonceError.store(kind: .file, keyID: keyID, message: "\(path): \(e.message)")
        }
        return state.withLock { s in
            s.holder = holder
            s.reserved = record.reserved
            if !s.opened {
                // First use by this process: anything up to the reservation may have been
                // issued by a run whose unsynced `last` was lost, so start above it.
                s.opened = true
                return max(record.last, record.reserved)
            }
            return record.last
        }
    }

    private func lockExclusive() async throws {
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { return }
        guard errno == EWOULDBLOCK || errno == EINTR else { throw failure("flock") }
        // Contended: wait in a dedicated thread so no cooperative-pool thread blocks.
        let fd = self.fd
        let keyID = self.keyID
        let path = self.path
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let thread = Thread {
                var rc: Int32
                repeat { rc = flock(fd, LOCK_EX) } while rc != 0 && errno == EINTR
                if rc == 0 {
                    continuation.resume()
                } else {
                    continuation.resume(throwing: NonceError.store(
                        kind: .file, keyID: keyID, message: "flock \(path): \(String(cString: strerror(errno)))"))
                }
            }
            thread.start()
        }
    }

    func commit(_ nonce: Int64) async throws {
        let (reserved, holder, mustSync): (Int64, String, Bool) = state.withLock { s in
            if nonce >= s.reserved {
                let (sum, overflow) = nonce.addingReportingOverflow(block)
                s.reserved = overflow ? Int64.max : sum
                return (s.reserved, s.holder, true)
            }
            return (s.reserved, s.holder, false)
        }
        let bytes = FileNonceRecord(last: nonce, reserved: reserved, holder: holder).encoded()
        let written = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        guard written == bytes.count else { throw failure("write") }
        // Write-ahead: the reservation must be durable before any nonce inside it is sent.
        if mustSync && fdatasync(fd) != 0 { throw failure("fdatasync") }
    }

    func release() async {
        flock(fd, LOCK_UN)
    }

    func status() async -> NonceStoreStatus {
        FileNonceStore.inspect(path: path)
    }

    func close() async {
        let shouldClose = state.withLock { s in
            defer { s.closed = true }
            return !s.closed
        }
        if shouldClose { Foundation.close(fd) }
    }

    deinit {
        if !state.withLock({ $0.closed }) { Foundation.close(fd) }
    }
}
