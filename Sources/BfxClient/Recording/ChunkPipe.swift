import CZlib
import Dispatch

/// Decompresses one gzip segment on a second thread while the caller splits and checks the
/// previous chunk: `gzread` is about a fifth of `bfxrun replay --check`, and on two cores it
/// then runs beside the decoder instead of before it (docs/performance.md).
///
/// `@unchecked Sendable`: the chunk buffers are handed between the reading thread and the
/// consumer through the two semaphores only — a slot is written by the reader after `free`
/// was signalled for it and read by the consumer after `filled` was signalled for it, never both.
final class ChunkPipe: @unchecked Sendable {
    struct Chunk {
        let bytes: UnsafeRawBufferPointer
        let slot: Int
    }

    static let chunkSize = 1 << 20
    static let slotCount = 4
    private let storage: UnsafeMutableRawPointer
    /// Bytes in each slot (raw memory: each slot's length is written and read on opposite sides
    /// of a semaphore, never by both threads at once).
    private let lengths: UnsafeMutablePointer<Int>
    private let filled = DispatchSemaphore(value: 0)
    // Created at 0 and signalled once per slot in init: libdispatch traps when a semaphore is
    // disposed below its initial value, which an early stop (slots never given back) would do.
    private let free = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private let file: gzFile
    /// zlib's status at the end: `Z_OK` for a complete segment.
    private(set) var endCode: Int32 = Z_OK
    private(set) var failed = false
    private var stopRequested = false

    init(file: gzFile) {
        self.file = file
        storage = UnsafeMutableRawPointer.allocate(byteCount: ChunkPipe.chunkSize * ChunkPipe.slotCount, alignment: 16)
        lengths = UnsafeMutablePointer<Int>.allocate(capacity: ChunkPipe.slotCount)
        lengths.initialize(repeating: 0, count: ChunkPipe.slotCount)
        for _ in 0..<ChunkPipe.slotCount { free.signal() }
    }

    deinit {
        storage.deallocate()
        lengths.deallocate()
    }

    /// Starts the reading thread.
    func start() {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            var slot = 0
            // Bounded: each round reads at least one byte or ends.
            while true {
                free.wait()
                if stopRequested { lengths[slot] = 0; filled.signal(); break }
                let n = Int(gzread(file, storage + slot * ChunkPipe.chunkSize, UInt32(ChunkPipe.chunkSize)))
                if n <= 0 {
                    var code: Int32 = 0
                    _ = gzerror(file, &code)
                    endCode = code
                    failed = n < 0
                    lengths[slot] = 0
                    filled.signal()
                    break
                }
                lengths[slot] = n
                filled.signal()
                slot = (slot + 1) % ChunkPipe.slotCount
            }
            done.signal()
        }
    }

    /// The next chunk (empty at the end); call ``release(_:)`` when done with it.
    func next(slot: Int) -> Chunk {
        filled.wait()
        return Chunk(bytes: UnsafeRawBufferPointer(start: storage + slot * ChunkPipe.chunkSize, count: lengths[slot]), slot: slot)
    }

    /// Gives a chunk's slot back to the reader.
    func release(_ chunk: Chunk) { free.signal() }

    /// Stops the reader (after the consumer gave up early) and waits for it.
    func finish(early: Bool) {
        if early {
            stopRequested = true
            free.signal()
        }
        done.wait()
    }
}
