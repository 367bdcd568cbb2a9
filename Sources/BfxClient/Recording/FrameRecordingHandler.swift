import BfxProtocol
import NIOCore

/// Passes every WebSocket message of one connection through unchanged and hands a copy to the
/// ``FrameRecorder``: inbound payloads as read (after ``WebSocketFrameReader``), outbound
/// payloads as written (before ``WebSocketMessageHandler`` frames them), an `open` record when
/// installed and a `close` record when the socket goes inactive. Installed by
/// `WebSocketConnector` only when a recorder is configured.
final class FrameRecordingHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let recorder: FrameRecorder
    private let connection: Int
    private var closed = false

    init(recorder: FrameRecorder, url: String) {
        self.recorder = recorder
        self.connection = recorder.connectionOpened(url: url)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = Self.unwrapInboundIn(data)
        buffer.withUnsafeReadableBytes { recorder.record(.inbound, connection: connection, payload: $0) }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let buffer = Self.unwrapOutboundIn(data)
        buffer.withUnsafeReadableBytes { recorder.record(.outbound, connection: connection, payload: $0) }
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        noteClosed()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        noteClosed()
    }

    private func noteClosed() {
        guard !closed else { return }
        closed = true
        recorder.record(.close, connection: connection, payload: UnsafeRawBufferPointer(start: nil, count: 0))
    }
}
