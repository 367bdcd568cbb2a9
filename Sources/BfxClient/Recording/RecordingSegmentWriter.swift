import BfxProtocol
import CZlib
import Foundation

/// The gzip file under a ``FrameRecorder``: appends lines to the active segment (`path`), makes
/// them durable with a zlib sync flush, and rotates by compressed size (`path` → `path.1` →
/// `path.2` …, the oldest beyond `maxSegments` deleted).
///
/// Each open appends a new gzip member (`gzopen` mode `ab`), so an existing file is never
/// rewritten, and a sync flush ends on a byte boundary: whatever is on disk decompresses up to
/// the last flush even if the process dies before the member's trailer (ADR 0025).
/// Not thread-safe: the recorder holds it behind its mutex.
struct RecordingSegmentWriter {
    let path: String
    let maxBytes: Int
    let maxSegments: Int
    let level: Int
    private var file: gzFile?
    /// Segments opened so far (the first one included).
    private(set) var segmentsOpened = 0
    /// Compressed bytes of finished segments plus the active one at its last flush.
    private(set) var compressedBytes: Int64 = 0
    private var activeCompressedAtOpen: Int64 = 0

    init(path: String, maxBytes: Int, maxSegments: Int, level: Int) throws(RecordingError) {
        self.path = path
        self.maxBytes = maxBytes
        self.maxSegments = maxSegments
        self.level = level
        try open()
    }

    private mutating func open() throws(RecordingError) {
        guard let f = gzopen(path, "ab\(max(1, min(9, level)))") else {
            throw RecordingError(path: path, reason: "cannot open for writing (errno \(errno))")
        }
        gzbuffer(f, 1 << 16)
        file = f
        segmentsOpened += 1
        activeCompressedAtOpen = Int64(gzoffset(f))
        var header = Array(RecordLine.header.utf8)
        header.append(0x0A)
        _ = write(header)
    }

    /// Hands `bytes` (whole lines) to zlib; `false` when zlib failed (the recorder then stops).
    @discardableResult
    mutating func write(_ bytes: [UInt8]) -> Bool {
        guard let file, !bytes.isEmpty else { return file != nil }
        let written = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
        return written == Int32(bytes.count)
    }

    /// Sync-flushes the active segment (everything written so far becomes decodable on disk)
    /// and rotates when it reached `maxBytes`.
    mutating func flush() throws(RecordingError) {
        guard let file else { return }
        guard gzflush(file, Z_SYNC_FLUSH) == Z_OK else { throw RecordingError(path: path, reason: "flush failed") }
        // The file's size (an appended file counts its earlier members too).
        if Int64(gzoffset(file)) >= Int64(maxBytes) { try rotate() }
    }

    /// Finishes the active segment (gzip trailer) and starts the next one.
    mutating func rotate() throws(RecordingError) {
        finish()
        let fm = FileManager.default
        if maxSegments > 1 {
            let oldest = "\(path).\(maxSegments - 1)"
            try? fm.removeItem(atPath: oldest)
            var k = maxSegments - 2
            while k >= 1 {
                if fm.fileExists(atPath: "\(path).\(k)") { try? fm.moveItem(atPath: "\(path).\(k)", toPath: "\(path).\(k + 1)") }
                k -= 1
            }
            do { try fm.moveItem(atPath: path, toPath: "\(path).1") } catch {
                throw RecordingError(path: path, reason: "rotation failed: \(error)")
            }
        } else {
            try? fm.removeItem(atPath: path)
        }
        try open()
    }

    /// Writes the gzip trailer and closes the active segment.
    mutating func finish() {
        guard let f = file else { return }
        gzflush(f, Z_SYNC_FLUSH)
        compressedBytes += Int64(gzoffset(f)) - activeCompressedAtOpen
        gzclose_w(f)
        file = nil
    }

    var isOpen: Bool { file != nil }
}
