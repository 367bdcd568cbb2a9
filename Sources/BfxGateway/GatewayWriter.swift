import BfxProtocol
import Logging
import NIOCore
import NIOWebSocket

/// Drains one local client's ``GatewayOutbox`` onto its socket: each batch (every frame queued
/// since the last write) is written with one `writeAndFlush` past Hummingbird's frame encoder,
/// as the simulator's writer does (ADR 0015): the high-level writer costs one async call and one
/// flush per frame. The write future is awaited before the next batch, so at most one batch is
/// in NIO and the rest waits — bounded — in the outbox.
struct GatewayWriter {
    let outbox: GatewayOutbox
    let channel: any Channel
    let logger: Logger
    let onOverflow: @Sendable (Int) async -> Void
    let probe: GatewayLatencyProbe
    let clock: any BfxClock

    func run() async {
        var alive = true
        while let batch = await outbox.nextBatch() {
            switch batch {
            case .frames(let bytes, let count, let queuedAt):
                if alive { alive = await write(bytes) }
                outbox.written(count)
                if probe.isRecording { probe.add(clock.monotonicNanos() &- queuedAt) }
            case .overflow(let dropped):
                logger.warning("gateway client too slow: send buffer overflow, closing (1008)",
                               metadata: ["dropped": "\(dropped)", "limit": "\(outbox.limit)"])
                await onOverflow(dropped)
                await close(code: 1008, reason: "send buffer overflow")
                return
            case .close(let code, let reason):
                await close(code: code, reason: reason)
                return
            }
        }
    }

    /// Sends a close frame (best effort: a client that does not read will not get it) and
    /// closes the TCP connection.
    private func close(code: UInt16, reason: String) async {
        let frame = GatewayOutbox.closeFrame(code: code, reason: reason)
        let channel = self.channel
        try? await channel.eventLoop.flatSubmit {
            let written: EventLoopFuture<Void>
            if let context = try? channel.pipeline.syncOperations.context(handlerType: WebSocketFrameEncoder.self) {
                written = context.writeAndFlush(NIOAny(frame))
            } else {
                written = channel.eventLoop.makeSucceededVoidFuture()
            }
            // do not wait for a peer that does not read: close right after queueing the frame
            written.whenComplete { _ in channel.close(promise: nil) }
            channel.eventLoop.scheduleTask(in: .milliseconds(200)) { channel.close(promise: nil) }
            return channel.eventLoop.makeSucceededVoidFuture()
        }.get()
    }

    private func write(_ bytes: ByteBuffer) async -> Bool {
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
}
