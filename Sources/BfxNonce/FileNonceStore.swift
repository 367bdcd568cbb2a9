import Foundation
import Synchronization

/// A nonce store in a directory of small state files, one per key, shared by every process on
/// the host that uses the same directory.
///
/// - Exclusion: `flock(LOCK_EX)` on the key's state file, taken before the nonce is issued and
///   held until the call reached the server, so processes on one key serialize their sends. The
///   kernel drops the lock when a holder dies (even by `kill -9`), so a crash never blocks others.
/// - Persistence: the file holds the last issued nonce (rewritten on every issue, no fsync) and a
///   *reservation* high-water mark that is written and `fdatasync`ed ahead of use, in blocks of
///   ``reservationBlockMicros``. A session's first acquire starts above the reservation, so neither
///   a restart, a host crash that lost unsynced writes, nor a wall clock stepped back can reuse a
///   nonce, while only about one fsync per block is paid.
public final class FileNonceStore: NonceStore {
    /// The directory holding `<key>.nonce` files.
    public let directory: String
    /// How far ahead (in µs of nonce space) a reservation reaches; default 1 s.
    public let reservationBlockMicros: UInt64

    /// Creates a store in `directory` (created if missing).
    public init(directory: String, reservationBlockMicros: UInt64 = 1_000 * 1_000) {
        self.directory = directory
        self.reservationBlockMicros = max(1, reservationBlockMicros)
    }

    /// `.file`.
    public var kind: NonceStoreKind { .file }

    /// The state file path used for `keyID`.
    public func path(for keyID: String) -> String {
        directory + "/" + Self.fileName(for: keyID)
    }

    /// Opens (creating if needed) the key's state file.
    public func openSession(keyID: String) async throws -> any NonceStoreSession {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw NonceError.store(kind: .file, keyID: keyID, message: "cannot create \(directory): \(error)")
        }
        let path = path(for: keyID)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw NonceError.store(kind: .file, keyID: keyID, message: "open \(path): \(String(cString: strerror(errno)))")
        }
        return FileNonceSession(fd: fd, path: path, keyID: keyID, block: Int64(clamping: reservationBlockMicros))
    }

    /// Reads a state file without taking part in the protocol (for `bfxrun nonce status`):
    /// checks with a non-blocking shared `flock` whether someone holds the lock.
    public static func inspect(path: String) -> NonceStoreStatus {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            return NonceStoreStatus(kind: .file, location: path, detail: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var held: Bool?
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            held = false
            flock(fd, LOCK_UN)
        } else if errno == EWOULDBLOCK {
            held = true
        }
        switch FileNonceRecord.read(fd: fd) {
        case .success(let record):
            return NonceStoreStatus(kind: .file, lastNonce: record.last, reservedUpTo: record.reserved, location: path,
                                    lockHeld: held, holder: record.holder.isEmpty ? nil : record.holder)
        case .failure(let error):
            return NonceStoreStatus(kind: .file, location: path, lockHeld: held, detail: error.message)
        }
    }

    /// `[A-Za-z0-9._-]` kept; anything else replaced and a hash appended to keep names distinct.
    static func fileName(for keyID: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        let cleaned = String(keyID.map { allowed.contains($0) ? $0 : "_" })
        if cleaned == keyID && !keyID.isEmpty && !keyID.hasPrefix(".") { return keyID + ".nonce" }
        return "_" + cleaned + "-" + KeyFingerprint.fnv1aHex(keyID) + ".nonce"
    }
}
