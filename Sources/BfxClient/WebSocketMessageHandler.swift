import NIOCore
import NIOWebSocket

/// Turns reassembled WebSocket frames into text message bytes and back.
///
/// Inbound: text/binary frame payloads are forwarded as `ByteBuffer` (unmasked, no copy); a
/// `ping` is answered with `pong`; a `close` is answered and the channel closed. Outbound: each
/// `ByteBuffer` becomes one masked text frame (clients must mask, RFC 6455 §5.3).
///
/// Sits after `NIOWebSocketFrameAggregator`, which already joined continuation frames.
final class WebSocketMessageHandler: ChannelDuplexHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = WebSocketFrame

    private var closeSent = false
    /// False when ``WebSocketFrameReader`` does the inbound side (the connector's pipeline): then
    /// inbound data (already message payloads) passes through untouched.
    private let parsesInbound: Bool

    init(parsesInbound: Bool = true) {
        self.parsesInbound = parsesInbound
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard parsesInbound else {
            context.fireChannelRead(data)
            return
        }
        let frame = Self.unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary:
            var payload = frame.data
            if let maskKey = frame.maskKey {
                // Servers must not mask, but unmasking is cheap and keeps us lenient.
                payload.webSocketUnmask(maskKey)
            }
            context.fireChannelRead(Self.wrapInboundOut(payload))
        case .ping:
            var payload = frame.data
            if let maskKey = frame.maskKey { payload.webSocketUnmask(maskKey) }
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: payload)
            context.writeAndFlush(Self.wrapOutboundOut(pong), promise: nil)
        case .pong:
            break
        case .connectionClose:
            if !closeSent {
                closeSent = true
                var payload = frame.data
                if let maskKey = frame.maskKey { payload.webSocketUnmask(maskKey) }
                let code = payload.readSlice(length: min(2, payload.readableBytes)) ?? ByteBuffer()
                let reply = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: code)
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                context.writeAndFlush(Self.wrapOutboundOut(reply)).whenComplete { _ in
                    bound.value.close(promise: nil)
                }
            } else {
                context.close(promise: nil)
            }
        default:
            // Unknown opcode: a protocol violation; the error handler upstream closes on errors,
            // here we simply ignore it rather than trap.
            break
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let payload = Self.unwrapOutboundIn(data)
        let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: payload)
        context.write(Self.wrapOutboundOut(frame), promise: promise)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        // Send a polite close frame first (best effort), then close the socket.
        if mode == .all, !closeSent, context.channel.isActive {
            closeSent = true
            var data = context.channel.allocator.buffer(capacity: 2)
            data.write(webSocketErrorCode: .normalClosure)
            let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: data)
            context.writeAndFlush(Self.wrapOutboundOut(frame), promise: nil)
        }
        context.close(mode: mode, promise: promise)
    }
}
