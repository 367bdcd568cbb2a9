import NIOCore
import NIOPosix
import Synchronization

/// A minimal loopback WebSocket reader for measurements: sends the upgrade request (and optional
/// text frames), skips the HTTP response, then only walks RFC 6455 frame headers and counts text
/// frames — no JSON work, so the measured side is the server, not this reader. Client 0 of a run
/// can keep the raw byte stream (`capture`) for the bare fan-out baseline.
final class FrameCounter: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    let frames = Atomic<Int>(0)
    let bytes = Atomic<Int>(0)
    let lastFrameNanos = Atomic<UInt64>(0)
    let firstFrameNanos = Atomic<UInt64>(0)
    private let captured = Mutex<ByteBuffer?>(nil)
    private let capturing = Atomic<Bool>(false)
    private var handshakeDone = false
    private var headerScratch: [UInt8] = []
    private var skip = 0
    private var pendingHeader: [UInt8] = []
    private var httpTail: [UInt8] = []

    func startCapture() {
        captured.withLock { $0 = ByteBufferAllocator().buffer(capacity: 1 << 20) }
        capturing.store(true, ordering: .relaxed)
    }

    func stopCapture() -> ByteBuffer {
        capturing.store(false, ordering: .relaxed)
        return captured.withLock { $0 ?? ByteBuffer() }
    }

    func resetTimes() {
        firstFrameNanos.store(0, ordering: .relaxed)
        lastFrameNanos.store(0, ordering: .relaxed)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if !handshakeDone {
            // find the end of the HTTP response head
            let view = Array(buffer.readableBytesView)
            httpTail.append(contentsOf: view)
            guard let end = FrameCounter.headEnd(httpTail) else { return }
            handshakeDone = true
            let rest = Array(httpTail[end...])
            httpTail = []
            buffer = ByteBufferAllocator().buffer(bytes: rest)
        }
        if capturing.load(ordering: .relaxed) {
            captured.withLock { _ = $0?.writeImmutableBuffer(buffer) }
        }
        bytes.add(buffer.readableBytes, ordering: .relaxed)
        var counted = 0
        while buffer.readableBytes > 0 {
            if skip > 0 {
                let n = min(skip, buffer.readableBytes)
                buffer.moveReaderIndex(forwardBy: n)
                skip -= n
                continue
            }
            // collect a complete header (2, 4 or 10 bytes)
            pendingHeader.append(contentsOf: buffer.readBytes(length: 1)!)
            guard pendingHeader.count >= 2 else { continue }
            let len7 = Int(pendingHeader[1] & 0x7F)
            let need = len7 == 126 ? 4 : (len7 == 127 ? 10 : 2)
            while pendingHeader.count < need, buffer.readableBytes > 0 { pendingHeader.append(buffer.readInteger(as: UInt8.self)!) }
            guard pendingHeader.count == need else { continue }
            var length = len7
            if len7 == 126 { length = Int(pendingHeader[2]) << 8 | Int(pendingHeader[3]) }
            if len7 == 127 { length = pendingHeader[2..<10].reduce(0) { $0 << 8 | Int($1) } }
            if pendingHeader[0] & 0x0F == 0x1 { counted += 1 }
            pendingHeader.removeAll(keepingCapacity: true)
            skip = length
        }
        if counted > 0 {
            let now = DispatchTimeNanos.now()
            if firstFrameNanos.load(ordering: .relaxed) == 0 { firstFrameNanos.store(now, ordering: .relaxed) }
            lastFrameNanos.store(now, ordering: .relaxed)
            frames.add(counted, ordering: .relaxed)
        }
    }

    static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 3..<bytes.count where bytes[i - 3] == 13 && bytes[i - 2] == 10 && bytes[i - 1] == 13 && bytes[i] == 10 { return i + 1 }
        return nil
    }

    /// Connects to `ws://127.0.0.1:port/ws/2` and sends `texts` as masked client frames.
    static func connect(port: Int, texts: [String], group: any EventLoopGroup) async throws -> (FrameCounter, any Channel) {
        let counter = FrameCounter()
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in channel.pipeline.addHandler(counter) }
            .connect(host: "127.0.0.1", port: port).get()
        var out = ByteBufferAllocator().buffer(capacity: 1024)
        out.writeString("GET /ws/2 HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        for text in texts { maskedFrame(text, into: &out) }
        try await channel.writeAndFlush(out).get()
        return (counter, channel)
    }

    static func maskedFrame(_ text: String, into buffer: inout ByteBuffer) {
        let payload = Array(text.utf8)
        let mask: [UInt8] = [1, 2, 3, 4]
        buffer.writeInteger(UInt8(0x81))
        if payload.count < 126 { buffer.writeInteger(UInt8(0x80 | payload.count)) }
        else { buffer.writeInteger(UInt8(0x80 | 126)); buffer.writeInteger(UInt16(payload.count)) }
        buffer.writeBytes(mask)
        buffer.writeBytes(payload.enumerated().map { $0.element ^ mask[$0.offset & 3] })
    }
}

/// Monotonic nanoseconds.
enum DispatchTimeNanos {
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}

/// The connections the bare fan-out server accepted (shared by its per-connection handlers).
final class FanoutRegistry: Sendable {
    let channels = Mutex<[any Channel]>([])
    var count: Int { channels.withLock { $0.count } }
}

/// The ceiling: a bare NIO server that answers the upgrade and then writes the same pre-encoded
/// frames to every connected reader (64 KiB writes), measured with the same readers.
final class BareFanout: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    let registry: FanoutRegistry
    private var answered = false

    init(registry: FanoutRegistry) { self.registry = registry }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        answered = true
        var response = context.channel.allocator.buffer(capacity: 128)
        response.writeString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
        context.writeAndFlush(NIOAny(response), promise: nil)
        let channel = context.channel
        registry.channels.withLock { $0.append(channel) }
    }

    /// Starts the server; returns its port, channel and the registry of accepted connections.
    static func start(group: any EventLoopGroup) async throws -> (port: Int, server: any Channel, registry: FanoutRegistry) {
        let registry = FanoutRegistry()
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 512)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in channel.pipeline.addHandler(BareFanout(registry: registry)) }
            .bind(host: "127.0.0.1", port: 0).get()
        return (server.localAddress?.port ?? 0, server, registry)
    }

    /// Writes `stream` to every accepted connection in 64 KiB slices.
    static func send(_ stream: ByteBuffer, to registry: FanoutRegistry) async throws {
        let channels = registry.channels.withLock { $0 }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for channel in channels {
                group.addTask {
                    var rest = stream
                    while rest.readableBytes > 0 {
                        let slice = rest.readSlice(length: min(65_536, rest.readableBytes))!
                        channel.write(slice, promise: nil)
                    }
                    try await channel.writeAndFlush(ByteBuffer()).get()
                }
            }
            try await group.waitForAll()
        }
    }
}
