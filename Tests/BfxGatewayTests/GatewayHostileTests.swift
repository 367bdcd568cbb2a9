import BfxClient
import BfxProtocol
import BfxTestSupport
import NIOCore
import NIOPosix
import Testing
@testable import BfxGateway

extension GatewayIntegrationTests {
    /// Hostile local input costs only the sender: fuzzed frames, a 1 MB frame, a subscribe
    /// flood, a client that never reads. A well-behaved client meanwhile keeps its feed.
    @Suite struct HostileLocalClients {
        @Test func fuzzAndFloodGetErrorEventsAndOthersAreUnaffected() async throws {
            try await GatewayFixture.with({ $0.requestsPerSecond = 20 }) { fx in
                let good = try await openLocal(fx)
                let goodChan = try await good.subscribe("{\"event\":\"subscribe\",\"channel\":\"trades\",\"symbol\":\"tBTCUSD\"}")
                let bad = try await openLocal(fx)
                var rng = SplitMix64(seed: 5)
                let pieces = ["{", "}", "[", "]", "\"event\"", ":", ",", "\"subscribe\"", "\"channel\"", "0", "-1", "1e999", "null", "\"\\u0000\"", "\"chanId\"", "\"book\""]
                for _ in 0..<300 {
                    var text = ""
                    for _ in 0..<(1 + rng.next() % 12) { text += pieces[Int(rng.next() % UInt64(pieces.count))] }
                    bad.send(text)
                }
                for i in 0..<1_000 { bad.send("{\"event\":\"subscribe\",\"channel\":\"ticker\",\"symbol\":\"tBTCUSD\",\"subId\":\(i)}") }
                // 1,300 requests against a bucket of 200 (20/s × 10 s): the excess is refused with 11010
                try await waitFor("the flood met the per-client request limit") {
                    bad.all.contains { $0.contains("11010") }
                }
                try await waitFor("every request answered") {
                    bad.all.filter { $0.contains("\"event\":\"error\"") }.count >= 1_000
                }
                #expect(!bad.isClosed, "malformed input never closes the socket")
                good.markAll()
                try await fx.stepUntil("the good client still gets trades") { good.pending.contains { $0.hasPrefix("[\(goodChan),\"te\"") } }
                await bad.close()
                await good.close()
            }
        }

        @Test func anOversizedFrameClosesOnlyThatClient() async throws {
            try await GatewayFixture.with { fx in
                let good = try await openLocal(fx)
                let bad = try await openLocal(fx)
                bad.send("{\"event\":\"ping\",\"pad\":\"" + String(repeating: "x", count: 1 << 20) + "\"}")
                try await bad.expectClosed(timeout: .seconds(10))
                good.send("{\"event\":\"ping\",\"cid\":9}")
                _ = try await good.expect("pong") { $0["event"]?.string == "pong" && $0["cid"]?.int == 9 }
                #expect(!good.isClosed)
                await good.close()
            }
        }

        @Test func aClientThatNeverReadsIsClosedWhenItsBufferOverflows() async throws {
            try await GatewayFixture.with({ $0.sendBuffer = 64 }) { fx in
                let good = try await openLocal(fx)
                let goodChan = try await good.subscribe("{\"event\":\"subscribe\",\"channel\":\"book\",\"symbol\":\"tBTCUSD\",\"prec\":\"R0\",\"len\":\"100\"}")
                // every book and trade channel of the simulator's six symbols: enough bytes per tick
                // that the kernel buffers (autotuned up to a few MB) fill quickly
                var requests: [String] = []
                for symbol in ["tBTCUSD", "tETHUSD", "tXRPBTC", "tETHBTC", "fUSD", "fBTC"] {
                    requests.append("{\"event\":\"subscribe\",\"channel\":\"book\",\"symbol\":\"\(symbol)\",\"prec\":\"R0\",\"len\":\"100\"}")
                    requests.append("{\"event\":\"subscribe\",\"channel\":\"book\",\"symbol\":\"\(symbol)\",\"prec\":\"P0\",\"len\":\"250\"}")
                    requests.append("{\"event\":\"subscribe\",\"channel\":\"trades\",\"symbol\":\"\(symbol)\"}")
                }
                let stalled = try await NonReadingClient.connect(port: fx.gateway.port, subscribe: requests)
                defer { stalled.close() }
                try await waitFor("the non-reading client is subscribed") {
                    await fx.gateway.snapshot().clients.contains { $0.channels.count == 18 }
                }
                // Bounded: 2,000 rounds of 200 ticks and 3 minutes at most (a loaded machine — the
                // whole suite in parallel — drains the gateway slowly; alone it takes a few rounds).
                let deadline = ContinuousClock.now + .seconds(180)
                for _ in 0..<2_000 where await fx.gateway.snapshot().overflows == 0 && ContinuousClock.now < deadline {
                    await fx.simulator.step(200)
                    _ = await eventually(timeout: .milliseconds(50)) { await fx.gateway.snapshot().overflows > 0 }
                }
                #expect(await fx.gateway.snapshot().overflows == 1)
                #expect(await fx.gateway.snapshot().clients.count == 1)
                good.markAll()
                try await fx.stepUntil("the good client is unaffected") { good.pending.contains { $0.hasPrefix("[\(goodChan),") } }
                #expect(!good.isClosed)
                await good.close()
            }
        }
    }
}

/// A WebSocket client that sends its handshake and requests, then never reads (tiny receive
/// buffer, no auto-read): what a hung bot looks like to the gateway.
struct NonReadingClient {
    let channel: any Channel

    static func connect(port: Int, subscribe: [String]) async throws -> NonReadingClient {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.autoRead, value: false)
            .channelOption(.socketOption(.so_rcvbuf), value: 4_096)
            .connect(host: "127.0.0.1", port: port).get()
        var bytes = ByteBuffer(string: "GET /ws/2 HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        for text in subscribe { append(text, to: &bytes) }
        try await channel.writeAndFlush(bytes).get()
        return NonReadingClient(channel: channel)
    }

    /// A masked client text frame (RFC 6455 requires client frames to be masked).
    private static func append(_ text: String, to buffer: inout ByteBuffer) {
        let payload = Array(text.utf8)
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        buffer.writeInteger(UInt8(0x81))
        if payload.count < 126 { buffer.writeInteger(UInt8(0x80 | payload.count)) }
        else { buffer.writeInteger(UInt8(0x80 | 126)); buffer.writeInteger(UInt16(payload.count)) }
        buffer.writeBytes(mask)
        buffer.writeBytes(payload.enumerated().map { $0.element ^ mask[$0.offset % 4] })
    }

    func close() { channel.close(promise: nil) }
}
