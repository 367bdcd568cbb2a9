import BfxProtocol
import CZlib
import Foundation

/// Reads a recording written by ``FrameRecorder``: the rotated segments oldest first
/// (`path.N` … `path.1`), then `path`, decompressed in 1 MiB chunks and split into lines.
///
/// Crash-safe reading: a segment that ends in the middle of a gzip member (the writer died
/// before its trailer) or in the middle of a line is read up to its last complete line, and
/// ``truncatedSegments`` counts it; corrupt bytes stop that segment the same way. Plain
/// (uncompressed) text files are read as they are.
public struct RecordingReader {
    /// The files read, oldest first.
    public let segments: [String]
    /// Segments that ended early (no gzip trailer, a partial last line, or corrupt data).
    public private(set) var truncatedSegments = 0
    /// Lines that were not records (neither comments nor `t=… c=… d=…`).
    public private(set) var malformedLines = 0

    /// The segments of the recording at `path`.
    /// - Throws: ``RecordingError`` when `path` does not exist.
    public init(path: String) throws(RecordingError) {
        let fm = FileManager.default
        guard fm.fileExists(atPath: path) else { throw RecordingError(path: path, reason: "no such file") }
        var rotated: [String] = []
        var k = 1
        while k < 10_000, fm.fileExists(atPath: "\(path).\(k)") {
            rotated.append("\(path).\(k)")
            k += 1
        }
        self.segments = rotated.reversed() + [path]
    }

    /// Calls `body` with every record in order (the line's bytes without `\n`, parsed). Returns
    /// the number of records.
    /// - Throws: ``RecordingError`` when a segment cannot be opened.
    @discardableResult
    public mutating func forEachRecord(_ body: (RecordLineView, UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        var count = 0
        let chunk = ChunkPipe.chunkSize
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk * 2, alignment: 16)
        defer { buffer.deallocate() }
        for segment in segments {
            guard let file = gzopen(segment, "rb") else { throw RecordingError(path: segment, reason: "cannot open for reading") }
            defer { gzclose_r(file) }
            gzbuffer(file, 1 << 18)
            // Decompression runs on a second thread, one chunk ahead of the splitting below.
            let pipe = ChunkPipe(file: file)
            pipe.start()
            var completed = false
            defer { pipe.finish(early: !completed) }
            var carried = 0  // bytes of an incomplete line kept at the start of the buffer
            var slot = 0
            // Bounded: each round consumes one non-empty chunk or stops.
            while true {
                let next = pipe.next(slot: slot)
                slot = (slot + 1) % ChunkPipe.slotCount
                let n = next.bytes.count
                if n == 0 {
                    pipe.release(next)
                    if pipe.failed || pipe.endCode != Z_OK || carried > 0 { truncatedSegments += 1 }
                    break
                }
                if let source = next.bytes.baseAddress { (buffer + carried).copyMemory(from: source, byteCount: n) }
                pipe.release(next)
                let total = carried + n
                let bytes = UnsafeRawBufferPointer(start: buffer, count: total)
                var start = 0
                while start < total {
                    guard let nl = memchr(buffer + start, 0x0A, total - start) else { break }
                    let end = buffer.distance(to: nl)
                    let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
                    if let view = RecordLineView.parse(line) {
                        count += 1
                        try body(view, line)
                    } else if !line.isEmpty && line.first != UInt8(ascii: "#") {
                        malformedLines += 1
                    }
                    start = end + 1
                }
                carried = total - start
                if carried > 0 {
                    if carried >= chunk {
                        // A line longer than the chunk: not a record this reader can hold.
                        malformedLines += 1
                        carried = 0
                    } else if start > 0 {
                        buffer.copyMemory(from: buffer + start, byteCount: carried)
                    }
                }
            }
            completed = true
        }
        return count
    }
}
