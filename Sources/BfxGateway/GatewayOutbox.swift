import BfxProtocol
import NIOCore
import Synchronization

/// The outbound side of one local connection: bounded, pre-framed, drained by one writer task.
///
/// Producers (channel feeds, the session) append complete RFC 6455 text frames to one open
/// `ByteBuffer` under a lock; the writer takes the whole buffer and writes it with one flush. The
/// per-connection trailer (`SEQ_ALL` sequence number, `TIMESTAMP`) is appended here, under the
/// same lock that orders the frames, so a local client's sequence numbers are gap-free in the
/// order it receives packets. A client that does not drain its outbox lets it grow to `limit`
/// frames; the next frame marks it overflowed and the writer closes the connection (ADR 0022):
/// a slow client costs only itself, never the feed or the other clients.
final class GatewayOutbox: Sendable {
    enum Batch {
        /// Framed bytes holding `frames` frames; `queuedAtNanos` is when the first was queued.
        case frames(ByteBuffer, count: Int, queuedAtNanos: UInt64)
        /// The limit was exceeded: close with 1008, `dropped` frames discarded.
        case overflow(dropped: Int)
        /// Close the connection with this code and reason (kick, shutdown).
        case close(code: UInt16, reason: String)
    }

    private struct State: ~Copyable {
        var buffer: ByteBuffer?
        var frames = 0
        var queuedAtNanos: UInt64 = 0
        var waiter: CheckedContinuation<Void, Never>?
        var finished = false
        var overflowed = false
        var closeRequest: (UInt16, String)?
        var seq: Int64 = 0
    }

    private static let allocator = ByteBufferAllocator()
    let limit: Int
    private let state = Mutex(State())
    private let framesOut = Atomic<Int>(0)
    private let dropped = Atomic<Int>(0)
    private let pendingFrames = Atomic<Int>(0)
    private let oldestQueued = Atomic<UInt64>(0)
    /// The `conf` flags: read for every packet of every client, so an atomic, not the lock.
    private let flagBits = Atomic<Int64>(0)

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    // MARK: flags (per local connection)

    /// The connection's `conf` flags (a later `conf` replaces them).
    var flags: ConfFlags { ConfFlags(rawValue: flagBits.load(ordering: .relaxed)) }

    /// Replaces the flags.
    func setFlags(_ flags: Int64) { flagBits.store(flags, ordering: .relaxed) }

    // MARK: producers

    /// Queues a channel packet: `prefix` is `[CHAN_ID,…` without the closing bracket; the
    /// connection's trailer (`,SEQ` with SEQ_ALL, `,MTS` with TIMESTAMP) and `]` are added here.
    /// Returns false when the connection is finished or overflowed.
    @discardableResult
    func sendPacket(_ prefix: [UInt8], wallMillis: Int64, nowNanos: UInt64) -> Bool {
        sendPackets(CollectionOfOne(prefix), wallMillis: wallMillis, nowNanos: nowNanos)
    }

    /// Queues several channel packets under one lock and one writer wake-up (the packets one
    /// upstream event produced for this client, e.g. a book diff and its `cs`).
    @discardableResult
    func sendPackets(_ prefixes: some Collection<[UInt8]>, wallMillis: Int64, nowNanos: UInt64) -> Bool {
        let bits = flagBits.load(ordering: .relaxed)
        let wantsSeq = bits & ConfFlags.sequenceAll.rawValue != 0
        let wantsTime = bits & ConfFlags.timestamp.rawValue != 0
        let timeDigits = wantsTime ? GatewayOutbox.digitCount(wallMillis) : 0
        let (accepted, waiter) = state.withLock { s -> (Bool, CheckedContinuation<Void, Never>?) in
            guard !s.finished, !s.overflowed else { return (false, nil) }
            for prefix in prefixes {
                guard s.frames < limit else { return overflow(&s) }
                // no allocation per frame: the trailer's digits are written straight into the buffer
                var seq: Int64 = 0
                var length = prefix.count + 1
                if wantsSeq {
                    s.seq += 1
                    seq = s.seq
                    length += 1 + GatewayOutbox.digitCount(seq)
                }
                if wantsTime { length += 1 + timeDigits }
                append(&s, length: length, nowNanos: nowNanos) { buffer in
                    buffer.writeBytes(prefix)
                    if wantsSeq { buffer.writeInteger(UInt8(ascii: ",")); GatewayOutbox.writeDecimal(seq, to: &buffer) }
                    if wantsTime { buffer.writeInteger(UInt8(ascii: ",")); GatewayOutbox.writeDecimal(wallMillis, to: &buffer) }
                    buffer.writeInteger(UInt8(ascii: "]"))
                }
            }
            return (true, takeWaiter(&s))
        }
        waiter?.resume()
        return accepted
    }

    /// Decimal digits of a non-negative value (1 for 0).
    static func digitCount(_ value: Int64) -> Int {
        var v = max(0, value)
        var n = 1
        while v >= 10 { v /= 10; n += 1 }
        return n
    }

    /// Writes a non-negative value in decimal without an intermediate string.
    static func writeDecimal(_ value: Int64, to buffer: inout ByteBuffer) {
        let v = max(0, value)
        let n = digitCount(v)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: n) { raw in
            var rest = v
            for i in stride(from: n - 1, through: 0, by: -1) {
                raw[i] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            return n
        }
    }

    /// Queues an event object (`info`, `subscribed`, `error`, …): no trailer.
    @discardableResult
    func sendEvent(_ text: String, nowNanos: UInt64) -> Bool {
        let (accepted, waiter) = state.withLock { s -> (Bool, CheckedContinuation<Void, Never>?) in
            guard !s.finished, !s.overflowed else { return (false, nil) }
            guard s.frames < limit else { return overflow(&s) }
            append(&s, length: text.utf8.count, nowNanos: nowNanos) { buffer in buffer.writeString(text) }
            return (true, takeWaiter(&s))
        }
        waiter?.resume()
        return accepted
    }

    /// Asks the writer to close the connection with `code` after what is queued.
    func requestClose(code: UInt16, reason: String) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.closeRequest == nil { s.closeRequest = (code, reason) }
            return takeWaiter(&s)
        }
        waiter?.resume()
    }

    /// No more frames are accepted; the writer ends after draining.
    func finish() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.finished = true
            return takeWaiter(&s)
        }
        waiter?.resume()
    }

    // MARK: writer

    /// The next batch, waiting while there is nothing; nil once finished and drained.
    func nextBatch() async -> Batch? {
        while true {
            let taken = state.withLock { s -> Batch?? in
                if s.overflowed {
                    let lost = s.frames
                    s.buffer = nil
                    s.frames = 0
                    s.finished = true
                    return .some(.overflow(dropped: lost))
                }
                if let buffer = s.buffer, s.frames > 0 {
                    let batch = Batch.frames(buffer, count: s.frames, queuedAtNanos: s.queuedAtNanos)
                    s.buffer = nil
                    s.frames = 0
                    return .some(batch)
                }
                if let (code, reason) = s.closeRequest {
                    s.closeRequest = nil
                    s.finished = true
                    return .some(.close(code: code, reason: reason))
                }
                return s.finished ? .some(nil) : nil
            }
            if let taken {
                switch taken {
                case .frames(_, let count, let at)?:
                    pendingFrames.store(count, ordering: .relaxed)
                    oldestQueued.store(at, ordering: .relaxed)
                case .overflow(let lost)?:
                    dropped.add(lost, ordering: .relaxed)
                    pendingFrames.store(0, ordering: .relaxed)
                default:
                    pendingFrames.store(0, ordering: .relaxed)
                }
                return taken
            }
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if s.frames > 0 || s.finished || s.overflowed || s.closeRequest != nil { return true }
                    s.waiter = c
                    return false
                }
                if resumeNow { c.resume() }
            }
        }
    }

    /// Marks a batch of `count` frames as written.
    func written(_ count: Int) {
        framesOut.add(count, ordering: .relaxed)
        pendingFrames.store(0, ordering: .relaxed)
    }

    // MARK: counters

    /// Frames handed to the socket so far.
    var sent: Int { framesOut.load(ordering: .relaxed) }
    /// Frames discarded when the outbox overflowed.
    var droppedFrames: Int { dropped.load(ordering: .relaxed) }
    /// Frames queued and not yet written (queued + in the writer's current batch).
    var queued: Int { state.withLock { $0.frames } + pendingFrames.load(ordering: .relaxed) }
    /// Age of the oldest unwritten frame, or zero.
    func lagNanos(now: UInt64) -> UInt64 {
        let (frames, since) = state.withLock { ($0.frames, $0.queuedAtNanos) }
        let inFlight = pendingFrames.load(ordering: .relaxed)
        let oldest = inFlight > 0 ? oldestQueued.load(ordering: .relaxed) : (frames > 0 ? since : now)
        return now > oldest ? now - oldest : 0
    }

    // MARK: internals

    private func overflow(_ s: inout State) -> (Bool, CheckedContinuation<Void, Never>?) {
        s.overflowed = true
        return (false, takeWaiter(&s))
    }

    private func takeWaiter(_ s: inout State) -> CheckedContinuation<Void, Never>? {
        let w = s.waiter
        s.waiter = nil
        return w
    }

    /// Appends one unmasked final text frame of `length` payload bytes written by `body`.
    private func append(_ s: inout State, length: Int, nowNanos: UInt64, _ body: (inout ByteBuffer) -> Void) {
        if s.buffer == nil || s.frames == 0 { s.queuedAtNanos = nowNanos }
        var buffer = s.buffer ?? GatewayOutbox.allocator.buffer(capacity: max(4_096, length + 10))
        s.buffer = nil
        GatewayOutbox.writeHeader(opcode: 0x81, length: length, to: &buffer)
        body(&buffer)
        s.buffer = buffer
        s.frames += 1
    }

    /// The RFC 6455 header of an unmasked server frame (FIN + `opcode`, 7/16/64-bit length).
    static func writeHeader(opcode: UInt8, length: Int, to buffer: inout ByteBuffer) {
        if length < 126 {
            buffer.writeMultipleIntegers(opcode, UInt8(length))
        } else if length <= 0xFFFF {
            buffer.writeMultipleIntegers(opcode, UInt8(126), UInt16(length))
        } else {
            buffer.writeMultipleIntegers(opcode, UInt8(127), UInt64(length))
        }
    }

    /// A close frame with `code` and `reason` (truncated to fit a control frame).
    static func closeFrame(code: UInt16, reason: String) -> ByteBuffer {
        let text = Array(reason.utf8.prefix(120))
        var buffer = allocator.buffer(capacity: text.count + 4)
        writeHeader(opcode: 0x88, length: text.count + 2, to: &buffer)
        buffer.writeInteger(code)
        buffer.writeBytes(text)
        return buffer
    }
}
