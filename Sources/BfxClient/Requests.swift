import BfxProtocol
import NIOCore

/// Builds the outbound request messages of the public WebSocket as `ByteBuffer`s ready for
/// ``WebSocketMessageHandler``.
enum Requests {
    static func conf(flags: ConfFlags, allocator: ByteBufferAllocator) -> ByteBuffer {
        buffer(RequestEncoding.conf(flags: flags), allocator)
    }

    static func ping(cid: Int, allocator: ByteBufferAllocator) -> ByteBuffer {
        buffer(RequestEncoding.ping(cid: cid), allocator)
    }

    static func unsubscribe(chanId: Int, allocator: ByteBufferAllocator) -> ByteBuffer {
        buffer(RequestEncoding.unsubscribe(chanId: chanId), allocator)
    }

    /// `subscribe` with every parameter of `spec` and `subId`.
    static func subscribe(_ spec: ChannelSpec, subId: Int, allocator: ByteBufferAllocator) -> ByteBuffer {
        buffer(RequestEncoding.subscribe(spec, subId: subId), allocator)
    }

    private static func buffer(_ text: String, _ allocator: ByteBufferAllocator) -> ByteBuffer {
        var b = allocator.buffer(capacity: text.utf8.count)
        b.writeString(text)
        return b
    }
}
