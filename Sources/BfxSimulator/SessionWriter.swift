import HummingbirdWebSocket
import NIOCore
import NIOWebSocket

/// Drains one connection's `SessionOutbox` onto the socket.
///
/// Fast path: every text frame queued since the last write is framed by hand (RFC 6455 server
/// frames: FIN+text opcode, 7/16/64-bit length, no mask) into ONE `ByteBuffer` and written with
/// one `writeAndFlush` from the `WebSocketFrameEncoder`'s context, i.e. past the encoder, straight
/// to the socket. The high-level `WebSocketOutboundWriter` offers only one frame per async call
/// and flushes each (one `writev` per frame dominated the profile; see ADR 0015). The write's
/// future completes when NIO has handed the bytes to the kernel, and the writer awaits it before
/// taking the next batch, so at most one batch is in NIO and the rest waits in the outbox, whose
/// size the unthrottled tick loop bounds (back-pressure from a slow reader reaches generation).
/// Control frames (pong, close) still go through Hummingbird's handler on the same event loop.
/// If the encoder is not in the pipeline (a future Hummingbird change), every frame falls back to
/// `outbound.write`.
struct SessionWriter {
    let outbox: SessionOutbox
    let outbound: WebSocketOutboundWriter
    let channel: any Channel
    let injectedLatency: InjectedLatency

    func run() async {
        let raw = await SessionWriter.encoderPresent(channel)
        var alive = true
        while let batch = await outbox.nextBatch() {
            var buffer = channel.allocator.buffer(capacity: 0)
            var frames = 0
            var index = 0
            while index < batch.count {
                switch batch[index] {
                case .text(let text, let queuedAt):
                    let latency = injectedLatency.latency
                    if latency > .zero {
                        // latency fault: each frame waits for its own due time (rare, not fast)
                        if frames > 0 { alive = await write(&buffer, raw: raw, alive: alive); outbox.written(frames); frames = 0 }
                        try? await ContinuousClock().sleep(until: queuedAt.advanced(by: latency))
                    }
                    if alive {
                        if raw { SessionWriter.appendFrame(text, to: &buffer) }
                        else { do { try await outbound.write(.text(text)) } catch { alive = false } }
                    }
                    frames += 1
                case .framed(let bytes, let count, let queuedAt):
                    let latency = injectedLatency.latency
                    if latency > .zero {
                        if frames > 0 { alive = await write(&buffer, raw: raw, alive: alive); outbox.written(frames); frames = 0 }
                        try? await ContinuousClock().sleep(until: queuedAt.advanced(by: latency))
                    }
                    if alive {
                        if raw {
                            if buffer.readableBytes == 0 { buffer = bytes } else { buffer.writeImmutableBuffer(bytes) }
                        } else {
                            alive = await SessionWriter.writeUnframed(bytes, to: outbound)
                        }
                    }
                    frames += count
                case .drop:
                    if frames > 0 { alive = await write(&buffer, raw: raw, alive: alive); outbox.written(frames); frames = 0 }
                    alive = false
                    channel.close(promise: nil)
                }
                index += 1
            }
            if frames > 0 { alive = await write(&buffer, raw: raw, alive: alive); outbox.written(frames) }
        }
    }

    /// Fallback without the encoder: splits pre-framed bytes back into text frames for
    /// Hummingbird's writer (one async write each).
    static func writeUnframed(_ bytes: ByteBuffer, to outbound: WebSocketOutboundWriter) async -> Bool {
        var rest = bytes
        while rest.readableBytes >= 2, let (_, b1) = rest.readMultipleIntegers(as: (UInt8, UInt8).self) {
            var length = Int(b1 & 0x7F)
            if length == 126 { length = Int(rest.readInteger(as: UInt16.self) ?? 0) }
            else if length == 127 { length = Int(rest.readInteger(as: UInt64.self) ?? 0) }
            guard let payload = rest.readSlice(length: length) else { return false }
            do { try await outbound.write(.text(String(buffer: payload))) } catch { return false }
        }
        return true
    }

    /// Writes and flushes the accumulated frames; returns false when the connection is gone.
    private func write(_ buffer: inout ByteBuffer, raw: Bool, alive: Bool) async -> Bool {
        // a fresh buffer afterwards: the written one may still be referenced by NIO
        defer { buffer = channel.allocator.buffer(capacity: 0) }
        guard raw, alive, buffer.readableBytes > 0 else { return alive }
        let bytes = buffer
        let channel = self.channel
        do {
            try await channel.eventLoop.flatSubmit {
                do {
                    let context = try channel.pipeline.syncOperations.context(handlerType: WebSocketFrameEncoder.self)
                    return context.writeAndFlush(NIOAny(bytes))
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }.get()
            return true
        } catch {
            return false
        }
    }

    /// Appends one unmasked final text frame.
    static func appendFrame(_ text: String, to buffer: inout ByteBuffer) {
        let length = text.utf8.count
        buffer.writeInteger(UInt8(0x81))
        if length < 126 {
            buffer.writeInteger(UInt8(length))
        } else if length <= 0xFFFF {
            buffer.writeInteger(UInt8(126))
            buffer.writeInteger(UInt16(length))
        } else {
            buffer.writeInteger(UInt8(127))
            buffer.writeInteger(UInt64(length))
        }
        buffer.writeString(text)
    }

    /// True when the connection's pipeline has the frame encoder the fast path writes behind.
    static func encoderPresent(_ channel: any Channel) async -> Bool {
        do {
            return try await channel.eventLoop.submit {
                (try? channel.pipeline.syncOperations.context(handlerType: WebSocketFrameEncoder.self)) != nil
            }.get()
        } catch {
            return false
        }
    }
}
