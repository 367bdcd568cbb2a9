import BfxProtocol
import Logging
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing
@testable import BfxClient
import BfxTestSupport

/// Protocol handlers driven through `EmbeddedChannel`: no sockets, no sleeps.
@Suite struct ConnectionPipelineTests {
    struct Harness {
        let channel: EmbeddedChannel
        let supervisor: ConnectionSupervisor
        let environment: ClientEnvironment
        let events: AsyncStream<ClientEvent>
        let clock: ManualClock

        init(checksum: Bool = true, sequenceNumbers: Bool = true, checksumPolicy: ChecksumPolicy = .standard) throws {
            let channel = EmbeddedChannel()
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
            let clock = ManualClock()
            var configuration = BfxClientConfiguration(publicURL: "ws://127.0.0.1:1/ws/2")
            configuration.checksum = checksum
            configuration.sequenceNumbers = sequenceNumbers
            configuration.checksumPolicy = checksumPolicy
            let (stream, continuation) = AsyncStream.makeStream(of: ClientEvent.self)
            let (supervisor, environment) = try ConnectionSupervisor.forTesting(
                configuration: configuration, clock: clock, eventLoop: channel.embeddedEventLoop, timerMode: .manual, events: continuation
            )
            let generation = supervisor.adoptForTesting(channel)
            try channel.pipeline.syncOperations.addHandler(BfxFrameDecoderHandler(), name: "decoder")
            try channel.pipeline.syncOperations.addHandler(ConnectionRouterHandler(supervisor: supervisor, generation: generation), name: "router")
            self.channel = channel
            self.supervisor = supervisor
            self.environment = environment
            self.events = stream
            self.clock = clock
        }

        func receive(_ text: String) throws {
            try channel.writeInbound(ByteBuffer(string: text))
            channel.embeddedEventLoop.run()
        }

        /// Every outbound message written so far, as text.
        func sent() throws -> [String] {
            var out: [String] = []
            while let buffer = try channel.readOutbound(as: ByteBuffer.self) { out.append(String(buffer: buffer)) }
            return out
        }

        /// Simulates a lost socket and a fresh one (new decoder registry, new router generation).
        func reconnect() throws {
            _ = supervisor.detachForTesting()
            channel.embeddedEventLoop.run()
            try channel.pipeline.syncOperations.removeHandler(name: "router").wait()
            try channel.pipeline.syncOperations.removeHandler(name: "decoder").wait()
            let generation = supervisor.adoptForTesting(channel)
            try channel.pipeline.syncOperations.addHandler(BfxFrameDecoderHandler(), name: "decoder")
            try channel.pipeline.syncOperations.addHandler(ConnectionRouterHandler(supervisor: supervisor, generation: generation), name: "router")
        }

        func add(_ spec: ChannelSpec, id: Int) -> SubscriptionCore {
            let core = SubscriptionCore(id: SubscriptionID(rawValue: id), spec: spec, buffering: BufferingPolicy())
            supervisor.add(core)
            channel.embeddedEventLoop.run()
            return core
        }

        /// Handshake: info → conf (expected flags) → conf OK → subscribes.
        func handshake() throws -> [String] {
            let conf = try sent()
            #expect(conf == [#"{"event":"conf","flags":196608}"#])
            try receive(#"{"event":"info","version":2,"serverId":"x","platform":{"status":1}}"#)
            try receive(#"{"event":"conf","status":"OK","flags":196608}"#)
            return try sent()
        }
    }

    static func drain(_ core: SubscriptionCore) async -> [SubscriptionEvent] {
        core.buffer.finish()
        var out: [SubscriptionEvent] = []
        while let e = await core.nextEvent() { out.append(e) }
        return out
    }

    static func checksum(bids: [(String, Int, String)], asks: [(String, Int, String)]) -> Int32 {
        var book = OrderBook()
        for (p, c, a) in bids + asks {
            book.apply(BookEntry(price: WireNumber(p)!, count: Int64(c), amount: WireNumber(a)!))
        }
        return book.checksum()
    }

    @Test func handshakeSendsCompleteConfBeforeSubscribingWithAllParameters() throws {
        let h = try Harness()
        _ = h.add(.book("tBTCUSD", precision: .p1, frequency: .f1, length: 100), id: 7)
        _ = h.add(.candles("trade:1m:tBTCUSD"), id: 8)
        // conf goes out as soon as the socket is up, before anything else.
        let conf = try h.sent()
        #expect(conf == [#"{"event":"conf","flags":196608}"#])
        try h.receive(#"{"event":"info","version":2,"serverId":"x","platform":{"status":1}}"#)
        #expect(try h.sent().isEmpty)
        // Nothing is subscribed before the conf acknowledgement.
        try h.receive(#"{"event":"conf","status":"OK","flags":196608}"#)
        let subs = try h.sent()
        #expect(subs == [
            #"{"event":"subscribe","channel":"book","symbol":"tBTCUSD","prec":"P1","freq":"F1","len":"100","subId":7}"#,
            #"{"event":"subscribe","channel":"candles","key":"trade:1m:tBTCUSD","subId":8}"#,
        ])
        #expect(h.supervisor.state == .open)
    }

    @Test func bookIsMaintainedAndChecksumVerified() async throws {
        let h = try Harness()
        let core = h.add(.book("tBTCUSD"), id: 1)
        _ = try h.handshake()
        try h.receive(#"{"event":"subscribed","channel":"book","chanId":42,"symbol":"tBTCUSD","prec":"P0","freq":"F0","len":"25","subId":1,"pair":"BTCUSD"}"#)
        try h.receive(#"[42,[[100,1,2],[101,2,-3]],1]"#)
        try h.receive(#"[42,[100.5,1,0.7],2]"#)
        let good = Self.checksum(bids: [("100", 1, "2"), ("100.5", 1, "0.7")], asks: [("101", 2, "-3")])
        try h.receive("[42,\"cs\",\(good),3]")
        #expect(try h.sent().isEmpty)
        let book = try #require(core.currentBook())
        #expect(book.bids.map(\.price.text) == ["100.5", "100"])
        #expect(book.asks.map(\.amount.text) == ["-3"])
        #expect(core.verifiedChecksums == 1)
        #expect(core.isLive)
        let events = await Self.drain(core)
        guard case .subscribed(42, 1, false) = events.first else {
            Issue.record("expected subscribed first, got \(events)")
            return
        }
        // Snapshot + update coalesced into one book event carrying the current book.
        let bookEvents = events.compactMap { e -> BookEvent? in if case .book(let b) = e { return b } else { return nil } }
        #expect(bookEvents.count == 1)
        #expect(bookEvents.first?.isSnapshot == true)
        #expect(bookEvents.first?.updates == 2)
    }

    @Test func checksumMismatchResubscribesOnlyThatChannel() async throws {
        let h = try Harness()
        let bad = h.add(.book("tBTCUSD"), id: 1)
        let other = h.add(.book("tETHUSD"), id: 2)
        _ = try h.handshake()
        try h.receive(#"{"event":"subscribed","channel":"book","chanId":10,"symbol":"tBTCUSD","prec":"P0","freq":"F0","len":"25","subId":1}"#)
        try h.receive(#"{"event":"subscribed","channel":"book","chanId":11,"symbol":"tETHUSD","prec":"P0","freq":"F0","len":"25","subId":2}"#)
        try h.receive(#"[10,[[100,1,2]],1]"#)
        try h.receive(#"[11,[[200,1,2]],2]"#)
        try h.receive(#"[10,"cs",12345,3]"#)
        #expect(try h.sent() == [#"{"event":"unsubscribe","chanId":10}"#])
        #expect(!bad.isLive)
        #expect(other.isLive)
        // Data for the old chanId while unsubscribing is ignored.
        try h.receive(#"[10,[100,0,1],4]"#)
        try h.receive(#"{"event":"unsubscribed","status":"OK","chanId":10}"#)
        #expect(try h.sent() == [#"{"event":"subscribe","channel":"book","symbol":"tBTCUSD","prec":"P0","freq":"F0","len":"25","subId":1}"#])
        try h.receive(#"{"event":"subscribed","channel":"book","chanId":12,"symbol":"tBTCUSD","prec":"P0","freq":"F0","len":"25","subId":1}"#)
        try h.receive(#"[12,[[99,1,5]],5]"#)
        #expect(bad.isLive)
        #expect(bad.currentBook()?.bids.map(\.price.text) == ["99"])
        #expect(h.environment.integrityCounters.checksumMismatches == 1)
        #expect(h.environment.integrityCounters.resubscriptions == 1)
        let events = await Self.drain(bad)
        #expect(events.contains { if case .integrity(let i) = $0, case .checksumMismatch(12345, _) = i.kind { return true } else { return false } })
        #expect(events.contains { if case .stale(.resync) = $0 { return true } else { return false } })
        #expect(events.contains { if case .subscribed(12, 1, true) = $0 { return true } else { return false } })
    }

    @Test func sequenceGapResyncsTheChannelThatRevealedIt() throws {
        let h = try Harness()
        let core = h.add(.book("tBTCUSD"), id: 1)
        _ = try h.handshake()
        try h.receive(#"{"event":"subscribed","channel":"book","chanId":10,"symbol":"tBTCUSD","prec":"P0","freq":"F0","len":"25","subId":1}"#)
        try h.receive(#"[10,[[100,1,2]],1]"#)
        try h.receive(#"[10,"hb",2]"#)
        try h.receive(#"[10,[101,1,-2],4]"#)
        #expect(try h.sent() == [#"{"event":"unsubscribe","chanId":10}"#])
        #expect(h.environment.integrityCounters.sequenceGaps == 1)
        #expect(!core.isLive)
    }

    @Test func tradesAreDeliveredOnceAndGapsAfterAnOutageReported() async throws {
        let h = try Harness()
        let core = h.add(.trades("tBTCUSD"), id: 1)
        _ = try h.handshake()
        try h.receive(#"{"event":"subscribed","channel":"trades","chanId":5,"symbol":"tBTCUSD","pair":"BTCUSD","subId":1}"#)
        try h.receive(#"[5,[[3,1000,1,100],[2,999,-1,100],[1,998,1,100]],1]"#)
        try h.receive(#"[5,"te",[4,1001,0.5,101],2]"#)
        try h.receive(#"[5,"tu",[4,1001,0.5,101],3]"#)
        try h.receive(#"[5,"tu",[5,1002,0.5,101],4]"#)  // te never seen: delivered from tu
        try h.receive(#"[5,"te",[5,1002,0.5,101],5]"#)  // late te after tu: duplicate
        #expect(h.environment.integrityCounters.duplicateTradesDropped == 2)
        // Outage: the socket closes, a new one opens; the snapshot no longer reaches trade 5.
        try h.reconnect()
        h.clock.advance(by: .seconds(3))
        let subs = try h.handshake()
        #expect(subs == [#"{"event":"subscribe","channel":"trades","symbol":"tBTCUSD","subId":1}"#])
        try h.receive(#"{"event":"subscribed","channel":"trades","chanId":9,"symbol":"tBTCUSD","pair":"BTCUSD","subId":1}"#)
        try h.receive(#"[9,[[9,1010,1,100],[8,1009,-1,100],[7,1008,1,100]],1]"#)
        try h.receive(#"[9,"te",[10,1011,1,100],2]"#)
        let events = await Self.drain(core)
        let delivered = events.flatMap { e -> [Int64] in
            switch e {
            case .tradeSnapshot(let ts): return ts.map(\.id)
            case .trade(let t): return [t.id]
            default: return []
            }
        }
        #expect(delivered == [1, 2, 3, 4, 5, 7, 8, 9, 10])
        let gaps = events.compactMap { e -> IntegrityEvent? in if case .integrity(let i) = e { return i } else { return nil } }
        #expect(gaps.count == 1)
        #expect(gaps.first?.kind == .tradeGap(lastSeenID: 5, firstRecoveredID: 7, outage: .seconds(3)))
        #expect(events.contains { if case .stale(.disconnected) = $0 { return true } else { return false } })
    }

    @Test func maintenanceMarksStaleAndResumeResubscribesEverything() async throws {
        let h = try Harness()
        let core = h.add(.book("tBTCUSD"), id: 1)
        let ticker = h.add(.ticker("tBTCUSD"), id: 2)
        _ = try h.handshake()
        try h.receive(#"{"event":"subscribed","channel":"book","chanId":10,"symbol":"tBTCUSD","prec":"P0","freq":"F0","len":"25","subId":1}"#)
        try h.receive(#"{"event":"subscribed","channel":"ticker","chanId":11,"symbol":"tBTCUSD","subId":2}"#)
        try h.receive(#"[10,[[100,1,2]],1]"#)
        #expect(core.isLive && ticker.isLive)
        try h.receive(#"{"event":"info","code":20060,"msg":"Entering maintenance mode"}"#)
        #expect(h.supervisor.state == .maintenance)
        #expect(!core.isLive && !ticker.isLive)
        #expect(try h.sent().isEmpty)
        try h.receive(#"{"event":"info","code":20061,"msg":"Maintenance ended"}"#)
        #expect(try h.sent() == [#"{"event":"unsubscribe","chanId":10}"#, #"{"event":"unsubscribe","chanId":11}"#])
        try h.receive(#"{"event":"unsubscribed","status":"OK","chanId":10}"#)
        try h.receive(#"{"event":"unsubscribed","status":"OK","chanId":11}"#)
        #expect(try h.sent().count == 2)
        try h.receive(#"{"event":"subscribed","channel":"book","chanId":20,"symbol":"tBTCUSD","prec":"P0","freq":"F0","len":"25","subId":1}"#)
        try h.receive(#"[20,[[100,1,3]],2]"#)
        #expect(core.isLive)
        #expect(core.currentBook()?.bids.first?.amount.text == "3")
    }

    @Test func serverRestartClosesTheSocket() throws {
        let h = try Harness()
        _ = h.add(.ticker("tBTCUSD"), id: 1)
        _ = try h.handshake()
        try h.receive(#"{"event":"info","code":20051,"msg":"Stopping. Please try to reconnect"}"#)
        #expect(!h.channel.isActive)
        #expect(h.supervisor.detachForTesting() == .serverRestart)
    }

    @Test func malformedFrameIsReportedAndTheChannelResynced() throws {
        let h = try Harness()
        let core = h.add(.book("tBTCUSD"), id: 1)
        _ = try h.handshake()
        try h.receive(#"{"event":"subscribed","channel":"book","chanId":10,"symbol":"tBTCUSD","prec":"P0","freq":"F0","len":"25","subId":1}"#)
        try h.receive(#"[10,[[100,1,2]],1]"#)
        try h.receive(#"[10,[100,1,"#)
        #expect(h.environment.integrityCounters.malformedFrames == 1)
        #expect(try h.sent() == [#"{"event":"unsubscribe","chanId":10}"#])
        #expect(!core.isLive)
        #expect(h.channel.isActive)
    }

    @Test func silentConnectionIsClosedAsStalledAndPingsAreSent() throws {
        let h = try Harness()
        _ = h.add(.ticker("tBTCUSD"), id: 1)
        _ = try h.handshake()
        try h.receive(#"{"event":"subscribed","channel":"ticker","chanId":11,"symbol":"tBTCUSD","subId":1}"#)
        h.clock.advance(by: .seconds(10))
        h.supervisor.checkLiveness()
        #expect(try h.sent() == [#"{"event":"ping","cid":1}"#])
        try h.receive(#"{"event":"pong","ts":1,"cid":1}"#)
        h.clock.advance(by: .seconds(19))
        h.supervisor.checkLiveness()
        // Connection alive (pong) but the ticker channel silent for 29 s: only it is resubscribed.
        #expect(try h.sent().contains(#"{"event":"unsubscribe","chanId":11}"#))
        #expect(h.channel.isActive)
        h.clock.advance(by: .seconds(21))
        h.supervisor.checkLiveness()
        #expect(!h.channel.isActive)
        #expect(h.supervisor.detachForTesting() == .stalled)
    }
}

@Suite struct WebSocketMessageHandlerTests {
    @Test func unwrapsTextAnswersPingsAndMasksOutbound() throws {
        let channel = EmbeddedChannel(handler: WebSocketMessageHandler())
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try channel.writeInbound(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: "[1,\"hb\"]")))
        let text = try #require(try channel.readInbound(as: ByteBuffer.self))
        #expect(String(buffer: text) == "[1,\"hb\"]")
        try channel.writeInbound(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer(string: "p")))
        let pong = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        #expect(pong.opcode == .pong)
        #expect(pong.maskKey != nil)
        #expect(pong.data == ByteBuffer(string: "p"))  // the frame encoder applies the mask
        try channel.writeOutbound(ByteBuffer(string: "{}"))
        let out = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        #expect(out.opcode == .text && out.maskKey != nil && out.data == ByteBuffer(string: "{}"))
        try channel.writeInbound(WebSocketFrame(fin: true, opcode: .connectionClose, data: ByteBuffer(bytes: [0x03, 0xE8])))
        let close = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        #expect(close.opcode == .connectionClose)
        #expect(!channel.isActive)
    }

    @Test func decoderHandlerReportsMalformedFramesWithTheirChannel() throws {
        #expect(BfxFrameDecoderHandler.leadingChanId(ByteBuffer(string: "[1234,[1,2")) == 1234)
        #expect(BfxFrameDecoderHandler.leadingChanId(ByteBuffer(string: "{\"event\"")) == nil)
    }
}

@Suite struct WebSocketFrameReaderTests {
    /// A server frame: FIN/opcode byte, 7/16-bit length, optional mask (applied here).
    static func frame(_ payload: [UInt8], opcode: UInt8 = 0x1, fin: Bool = true, mask: [UInt8]? = nil) -> [UInt8] {
        var out: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        let maskBit: UInt8 = mask == nil ? 0 : 0x80
        if payload.count < 126 {
            out.append(maskBit | UInt8(payload.count))
        } else {
            out.append(maskBit | 126)
            out.append(UInt8(payload.count >> 8))
            out.append(UInt8(payload.count & 0xFF))
        }
        if let mask {
            out += mask
            out += payload.enumerated().map { $0.element ^ mask[$0.offset & 3] }
        } else {
            out += payload
        }
        return out
    }

    @Test func splitsReassemblesUnmasksAndAnswersControlFrames() throws {
        let channel = EmbeddedChannel(handler: WebSocketFrameReader(maxFrameSize: 1 << 16, maxMessageSize: 1 << 16))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: 300)
        var stream = Self.frame(Array("[1,\"hb\"]".utf8))
        stream += Self.frame(long)
        stream += Self.frame(Array("masked".utf8), mask: [1, 2, 3, 4])
        stream += Self.frame(Array("frag".utf8), fin: false)
        stream += Self.frame(Array("p".utf8), opcode: 0x9)  // ping inside a fragmented message
        stream += Self.frame(Array("mented".utf8), opcode: 0x0)
        // delivered in awkward pieces: 1 byte, then 3, then the rest
        try channel.writeInbound(ByteBuffer(bytes: stream[0..<1]))
        try channel.writeInbound(ByteBuffer(bytes: stream[1..<4]))
        try channel.writeInbound(ByteBuffer(bytes: stream[4...]))
        var got: [String] = []
        while let b = try channel.readInbound(as: ByteBuffer.self) { got.append(String(buffer: b)) }
        #expect(got == ["[1,\"hb\"]", String(repeating: "x", count: 300), "masked", "fragmented"])
        let pong = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        #expect(pong.opcode == .pong && pong.maskKey != nil && pong.data == ByteBuffer(string: "p"))
        try channel.writeInbound(ByteBuffer(bytes: Self.frame([0x03, 0xE8], opcode: 0x8)))
        let close = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        #expect(close.opcode == .connectionClose && close.data == ByteBuffer(bytes: [0x03, 0xE8]))
        #expect(!channel.isActive)
    }

    @Test func oversizedFrameIsAnError() throws {
        let channel = EmbeddedChannel(handler: WebSocketFrameReader(maxFrameSize: 100, maxMessageSize: 100))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        #expect(throws: WebSocketReadError.self) {
            try channel.writeInbound(ByteBuffer(bytes: Self.frame([UInt8](repeating: 0x20, count: 200))))
        }
    }
}
