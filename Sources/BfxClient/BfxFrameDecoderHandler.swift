import BfxProtocol
import NIOCore

/// Decodes each WebSocket text message into a typed ``BfxProtocol/Frame`` with the connection's
/// ``BfxProtocol/FrameDecoder`` (which keeps the chanId → channel-kind registry of this socket).
///
/// A message that does not decode is not fatal: it is reported downstream as a
/// ``MalformedFrameError`` through `errorCaught` (with the chanId if one can be read from the
/// prefix) and the connection carries on.
///
/// Hot path: when the pipeline holds a ``ConnectionRouterHandler`` (always installed right after
/// this handler) each decoded frame is handed to it by a direct call on the same event loop
/// instead of `fireChannelRead`: wrapping a `Frame` in `NIOAny` boxes and copies it (an
/// allocation plus an outlined enum copy per message, ~15 % of the client's loop in the
/// profile, see docs/performance.md). Without a router the frame goes down the pipeline as usual.
final class BfxFrameDecoderHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = Frame

    private var decoder = FrameDecoder()
    /// The router that directly follows (resolved on the first message).
    private var router: ConnectionRouterHandler?
    private var routerResolved = false

    init() {}

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = Self.unwrapInboundIn(data)
        if !routerResolved {
            routerResolved = true
            router = try? context.pipeline.syncOperations.handler(type: ConnectionRouterHandler.self)
        }
        let result: Result<Frame, FrameDecodingError> = buffer.withUnsafeReadableBytes { bytes in
            Result { () throws(FrameDecodingError) -> Frame in try decoder.decode(bytes) }
        }
        switch consume result {
        case .success(let frame):
            if let router {
                router.receive(frame)
            } else {
                context.fireChannelRead(Self.wrapInboundOut(frame))
            }
        case .failure(let error):
            context.fireErrorCaught(MalformedFrameError(underlying: error, chanId: Self.leadingChanId(buffer)))
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        router = nil
    }
}

extension BfxFrameDecoderHandler {
    /// Reads `chanId` from a frame that starts like `[123,` (best effort; `nil` otherwise).
    static func leadingChanId(_ buffer: ByteBuffer) -> Int64? {
        buffer.withUnsafeReadableBytes { FrameDecoder.leadingChanId($0) }
    }
}

/// A WebSocket message that could not be decoded (the connection stays up).
struct MalformedFrameError: Error, CustomStringConvertible {
    /// The decoder's error, with the offending bytes.
    let underlying: FrameDecodingError
    /// The channel it appears to belong to, if its prefix was readable.
    let chanId: Int64?
    var description: String { "malformed frame (chanId \(chanId.map(String.init) ?? "?")): \(underlying)" }
}
