import BfxProtocol
import NIOCore
import NIOPosix

/// The production ``UserDataTransport``: one NIO WebSocket connection per `connect()` to the
/// authenticated endpoint, opened with the module's `WebSocketConnector` (TCP, TLS for
/// `wss://`, upgrade, frame aggregation, ping/pong and close handling) and throttled by the
/// authenticated endpoint's connection budget (5 opens per 15 s by default).
///
/// It deliberately does not reconnect or authenticate: ``UserDataClient`` owns both, because
/// re-auth needs a fresh nonce and the outage buffer and reconciliation hang off the same
/// lifecycle (ADR 0014).
public struct WebSocketUserDataTransport: UserDataTransport {
    private let url: WebSocketURL
    private let connector: WebSocketConnector
    private let group: any EventLoopGroup
    private let limiter: ConnectionRateLimiter

    /// Creates a transport for `url` (`ws://` or `wss://`); with a `recorder`, every frame of its
    /// connections is recorded (authentication frames redacted).
    /// - Throws: ``UserDataError/invalidRequest(_:)`` when the URL cannot be parsed.
    public init(
        url: String,
        rateLimit: ConnectionRateLimit = .authenticatedEndpoint,
        connectTimeout: Duration = .seconds(10),
        maxMessageSize: Int = 16 << 20,
        clock: any BfxClock = SystemClock(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        recorder: FrameRecorder? = nil
    ) throws {
        do {
            self.url = try WebSocketURL(parsing: url)
        } catch {
            throw UserDataError.invalidRequest("\(error)")
        }
        self.connector = WebSocketConnector(maxMessageSize: maxMessageSize, connectTimeout: connectTimeout, recorder: recorder)
        self.group = eventLoopGroup
        self.limiter = ConnectionRateLimiter(limit: rateLimit, clock: ClientClock(clock))
    }

    /// Opens one connection (waits for the connection budget first).
    public func connect() async throws -> any UserDataConnection {
        try await limiter.acquire()
        let (frames, continuation) = AsyncThrowingStream.makeStream(of: String.self, throwing: (any Error).self)
        let channel = try await connector.connect(to: url, on: group.next()) { channel in
            try channel.pipeline.syncOperations.addHandler(UserDataFrameForwarder(continuation: continuation))
        }
        return WebSocketUserDataConnection(channel: channel, frames: frames)
    }
}

/// One NIO channel seen as a ``UserDataConnection``.
struct WebSocketUserDataConnection: UserDataConnection {
    let channel: any Channel
    let frames: AsyncThrowingStream<String, any Error>

    func send(_ text: String) async throws {
        guard channel.isActive else { throw UserDataError.notConnected }
        var buffer = channel.allocator.buffer(capacity: text.utf8.count)
        buffer.writeString(text)
        try await channel.writeAndFlush(buffer)
    }

    func close() async {
        try? await channel.close()
    }
}

/// Forwards each inbound message (a `ByteBuffer` from `WebSocketMessageHandler`) as a `String`
/// into the connection's frame stream and finishes the stream when the channel goes inactive.
final class UserDataFrameForwarder: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    private let continuation: AsyncThrowingStream<String, any Error>.Continuation

    init(continuation: AsyncThrowingStream<String, any Error>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = Self.unwrapInboundIn(data)
        continuation.yield(String(buffer: buffer))
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        continuation.finish(throwing: error)
        context.close(promise: nil)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        continuation.finish()
    }
}
