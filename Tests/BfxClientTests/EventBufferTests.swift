import NIOCore
import NIOPosix
import Testing
@testable import BfxClient

@Suite struct EventBufferTests {
    enum E: Sendable, Equatable {
        case value(Int)
        case overflow(Int)
    }

    @Test func coalescesLatestOnlyAndKeepsOrderAroundQueuedEvents() async {
        let buffer = EventBuffer<E>(capacity: 16, makeOverflow: { .overflow($0) })
        buffer.push(.value(1), policy: .coalesce)
        buffer.push(.value(2), policy: .coalesce)
        buffer.push(.value(100), policy: .queue)
        buffer.push(.value(3), policy: .coalesce)
        buffer.push(.value(4), policy: .coalesce)
        buffer.finish()
        var out: [E] = []
        while let e = await buffer.next() { out.append(e) }
        #expect(out == [.value(2), .value(100), .value(4)])
        #expect(buffer.stats.coalesced == 2)
    }

    @Test func boundedQueueDropsOldestAndReportsOverflow() async {
        let buffer = EventBuffer<E>(capacity: 4, makeOverflow: { .overflow($0) })
        for i in 0..<10 { buffer.push(.value(i), policy: .queue) }
        #expect(buffer.stats.depth == 4)
        buffer.finish()
        var out: [E] = []
        while let e = await buffer.next() { out.append(e) }
        #expect(out == [.overflow(6), .value(6), .value(7), .value(8), .value(9)])
    }

    @Test func memoryStaysBoundedWithAConsumerThatNeverReads() {
        let buffer = EventBuffer<E>(capacity: 64, makeOverflow: { .overflow($0) })
        for i in 0..<100_000 {
            buffer.push(.value(i), policy: i % 3 == 0 ? .queue : .coalesce)
        }
        #expect(buffer.stats.depth <= 64)
        #expect(buffer.stats.highWater <= 64)
    }

    @Test func parkedConsumerIsWokenAndCancellationEndsTheWait() async {
        let buffer = EventBuffer<E>(capacity: 8, makeOverflow: { .overflow($0) })
        let consumer = Task { await buffer.next() }
        // Give the consumer a chance to park; correctness does not depend on it.
        await Task.yield()
        buffer.push(.value(7), policy: .queue)
        #expect(await consumer.value == .value(7))
        let cancelled = Task { await buffer.next() }
        cancelled.cancel()
        #expect(await cancelled.value == nil)
    }
}

@Suite struct TradeDeduplicatorTests {
    @Test func admitsEachIdOnce() {
        var d = TradeDeduplicator(capacity: 16)
        let results = [d.admit(10), d.admit(10), d.admit(11)]
        #expect(results == [true, false, true])
        #expect(d.highestID == 11)
        let late = d.admit(9)  // late but unseen, within window
        #expect(late)
        #expect(d.highestID == 11)
    }

    @Test func memoryIsBoundedAndOldIdsBelowTheWindowAreRejected() {
        var d = TradeDeduplicator(capacity: 16)
        var admitted = 0
        for id in Int64(1)...100 where d.admit(id) { admitted += 1 }
        #expect(admitted == 100)
        let again = d.admit(50)
        #expect(!again)
        #expect(!d.contains(50))
        #expect(d.contains(100))
    }
}

@Suite struct WebSocketURLTests {
    @Test func parsesSchemesPortsAndPaths() throws {
        let a = try WebSocketURL(parsing: "wss://api-pub.bitfinex.com/ws/2")
        #expect(a.tls && a.host == "api-pub.bitfinex.com" && a.port == 443 && a.path == "/ws/2")
        let b = try WebSocketURL(parsing: "ws://127.0.0.1:8123/ws/2")
        #expect(!b.tls && b.host == "127.0.0.1" && b.port == 8123)
        let c = try WebSocketURL(parsing: "ws://[::1]:9000")
        #expect(c.host == "::1" && c.port == 9000 && c.path == "/")
        #expect(throws: WebSocketURL.ParseError.self) { try WebSocketURL(parsing: "http://x") }
        #expect(throws: WebSocketURL.ParseError.self) { try WebSocketURL(parsing: "ws://host:99999/") }
        #expect(throws: WebSocketURL.ParseError.self) { try WebSocketURL(parsing: "ws://:80/") }
    }
}

@Suite struct EventBufferEventLoopTests {
    /// Pushes on an event loop wake a parked consumer once, after the loop's current task: a
    /// burst of coalescible pushes arrives as one element (latest-only), queued ones in order.
    @Test func pushesOnAnEventLoopWakeTheConsumerOnceAfterTheBurst() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let buffer = EventBuffer<EventBufferTests.E>(capacity: 64, makeOverflow: { .overflow($0) }, merge: { _, new in new })
        let consumer = Task { () -> [EventBufferTests.E] in
            var out: [EventBufferTests.E] = []
            while let e = await buffer.next() { out.append(e) }
            return out
        }
        // let the consumer park (correctness does not depend on it)
        try await Task.sleep(for: .milliseconds(20))
        try await group.next().submit {
            for i in 0..<1_000 { buffer.push(.value(i), policy: .coalesce) }
            buffer.push(.value(-1), policy: .queue)
            buffer.push(.value(-2), policy: .queue)
        }.get()
        try await group.next().submit { buffer.finish() }.get()
        let got = await consumer.value
        #expect(got == [.value(999), .value(-1), .value(-2)])
        #expect(buffer.stats.coalesced == 999)
        try await group.shutdownGracefully()
    }
}
