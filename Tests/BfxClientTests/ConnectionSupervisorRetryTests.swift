import Testing
@testable import BfxClient

/// The supervisor performs what the channel machines decide: retry timers on the injected clock
/// re-send requests after exactly their backoff, and exhausted retries fail the subscription or
/// replace the socket. Manual clock, testing channel, no sockets, no sleeping.
@Suite struct ConnectionSupervisorRetryTests {
    /// 100 ms then 200 ms, no jitter; the third error gives up.
    static let retry = ReconnectPolicy(initialDelay: .milliseconds(100), multiplier: 2, maxDelay: .seconds(1), jitter: .none, maxAttempts: 2)
    static let subscribe = #"{"event":"subscribe","channel":"book","symbol":"tBTCUSD","prec":"P0","freq":"F0","len":"25","subId":1}"#

    static func book() -> SubscriptionCore {
        SubscriptionCore(id: SubscriptionID(rawValue: 1), spec: .book("tBTCUSD"), buffering: BufferingPolicy())
    }

    /// Handshake, then the book subscribed on the acknowledged connection.
    static func openWithBook(_ core: SubscriptionCore) async throws -> AsyncSupervisorHarness {
        let h = try await AsyncSupervisorHarness(subscribeRetry: retry)
        #expect(try await h.nextSent() == #"{"event":"conf","flags":196608}"#)
        try await h.add(core)
        try await h.receive(#"{"event":"conf","status":"OK","flags":196608}"#)
        #expect(try await h.nextSent() == subscribe)
        return h
    }

    /// Waits until the retry timer sleeps beside the deadline timer, then lets `delay` pass.
    static func fireRetry(_ h: AsyncSupervisorHarness, after delay: Duration) async {
        #expect(await AsyncSupervisorHarness.settle { h.clock.sleeperCount == 2 })
        h.clock.advance(by: delay - .milliseconds(1))
        #expect(h.clock.sleeperCount == 2)
        h.clock.advance(by: .milliseconds(1))
    }

    @Test func retryableSubscribeErrorResubscribesAfterTheBackoffThenFailsWhenRetriesRunOut() async throws {
        let core = Self.book()
        let h = try await Self.openWithBook(core)
        for delay in [Duration.milliseconds(100), .milliseconds(200)] {
            try await h.receive(#"{"event":"error","subId":1,"msg":"sub failed","code":10300}"#)
            await Self.fireRetry(h, after: delay)
            #expect(try await h.nextSent() == Self.subscribe)
        }
        try await h.receive(#"{"event":"error","subId":1,"msg":"sub failed","code":10300}"#)
        let phase = try await h.channel.testingEventLoop.submit { h.supervisor.status().1.first?.phase }.get()
        #expect(phase == "failed")
        #expect(h.channel.isActive)
    }

    @Test func resyncUnsubscribeRetriesRunningOutReplaceTheSocket() async throws {
        let core = Self.book()
        let h = try await Self.openWithBook(core)
        try await h.receive(#"{"event":"subscribed","channel":"book","chanId":10,"symbol":"tBTCUSD","prec":"P0","freq":"F0","len":"25","subId":1}"#)
        try await h.receive(#"[10,[[100,1,2]],1]"#)
        try await h.receive(#"[10,"cs",12345,2]"#)
        #expect(try await h.nextSent() == #"{"event":"unsubscribe","chanId":10}"#)
        for delay in [Duration.milliseconds(100), .milliseconds(200)] {
            try await h.receive(#"{"event":"error","chanId":10,"msg":"unsub failed","code":10400}"#)
            await Self.fireRetry(h, after: delay)
            #expect(try await h.nextSent() == #"{"event":"unsubscribe","chanId":10}"#)
            #expect(h.channel.isActive)
        }
        try await h.receive(#"{"event":"error","chanId":10,"msg":"unsub failed","code":10400}"#)
        #expect(await h.closed())
        #expect(try await h.closeReason() == .stalled)
    }
}
