import BfxProtocol
import Testing
@testable import BfxClient
import BfxTestSupport

/// The checksum policy per book kind, end to end through the real handlers on an
/// `EmbeddedChannel` with the manual clock: funding books observed (resync at most once per
/// window, never a loop), trading books resynced on every mismatch, `ignore` not verified.
@Suite struct ChecksumPolicyPipelineTests {
    typealias Harness = ConnectionPipelineTests.Harness

    /// Drives one book channel through `subscribed` + snapshot, numbering SEQ_ALL itself.
    final class Feed {
        let h: Harness
        var seq: Int64 = 0
        init(_ h: Harness) { self.h = h }

        func next() -> Int64 { seq += 1; return seq }

        func subscribe(chanId: Int, symbol: String, subId: Int) throws {
            let funding = symbol.hasPrefix("f")
            let extra = funding ? #""currency":"\#(symbol.dropFirst())""# : #""pair":"\#(symbol.dropFirst())""#
            try h.receive(#"{"event":"subscribed","channel":"book","chanId":\#(chanId),"symbol":"\#(symbol)","prec":"P0","freq":"F0","len":"25","subId":\#(subId),\#(extra)}"#)
            let rows = funding ? "[[0.0002,2,1,-100],[0.00025,30,2,50]]" : "[[100,1,2],[101,1,-2]]"
            try h.receive("[\(chanId),\(rows),\(next())]")
        }

        /// A `cs` that cannot match either book above.
        func wrongChecksum(chanId: Int) throws {
            try h.receive("[\(chanId),\"cs\",12345,\(next())]")
        }
    }

    static func integrity(_ events: [SubscriptionEvent]) -> [IntegrityEvent] {
        events.compactMap { if case .integrity(let i) = $0, case .checksumMismatch = i.kind { i } else { nil } }
    }

    @Test func fundingBookMismatchesAreObservedAndResyncedAtMostOncePerWindow() async throws {
        let h = try Harness()  // default policy: trading resync, funding observe, 10 min window
        let core = h.add(.book("fUSD"), id: 1)
        _ = try h.handshake()
        let feed = Feed(h)
        try feed.subscribe(chanId: 20, symbol: "fUSD", subId: 1)
        #expect(core.isLive)

        // The first mismatch resyncs (a real divergence is repaired at once).
        try feed.wrongChecksum(chanId: 20)
        #expect(try h.sent() == [#"{"event":"unsubscribe","chanId":20}"#])
        try h.receive(#"{"event":"unsubscribed","status":"OK","chanId":20}"#)
        #expect(try h.sent().count == 1)  // the subscribe
        try feed.subscribe(chanId: 21, symbol: "fUSD", subId: 1)

        // The server keeps sending wrong funding checksums: 119 of them over 595 s of virtual time
        // are counted, one is reported, none resubscribes.
        for _ in 0..<119 {
            h.clock.advance(by: .seconds(5))
            try feed.wrongChecksum(chanId: 21)
            #expect(try h.sent().isEmpty)
        }
        #expect(core.isLive)
        var counters = h.environment.integrityCounters
        #expect(counters.checksumMismatches == 120)
        #expect(counters.checksumMismatchesObserved == 119)
        #expect(counters.resubscriptions == 1)

        // The window (10 min since the first resync) has passed: exactly one more resync.
        h.clock.advance(by: .seconds(5))
        try feed.wrongChecksum(chanId: 21)
        #expect(try h.sent() == [#"{"event":"unsubscribe","chanId":21}"#])
        try h.receive(#"{"event":"unsubscribed","status":"OK","chanId":21}"#)
        _ = try h.sent()
        try feed.subscribe(chanId: 22, symbol: "fUSD", subId: 1)
        try feed.wrongChecksum(chanId: 22)
        #expect(try h.sent().isEmpty)
        counters = h.environment.integrityCounters
        #expect(counters.resubscriptions == 2)
        #expect(counters.checksumMismatchesObserved == 120)

        let status = h.supervisor.status().1.first
        #expect(status?.checksumMismatches == 122)
        #expect(status?.checksumMismatchesObserved == 120)
        #expect(status?.resyncs == 2)

        // Events: two resyncs and one report per window episode, not one per `cs` frame.
        let reported = Self.integrity(await ConnectionPipelineTests.drain(core))
        #expect(reported.filter { $0.recovery == .resync }.count == 2)
        let observed = reported.filter { if case .reportOnly = $0.recovery { true } else { false } }
        #expect(observed.count == 2)
        #expect(observed.first?.recovery == .reportOnly(nextResyncAt: .seconds(1) + .seconds(600)))
        #expect(observed.first?.description.contains("observed") == true)
    }

    @Test func tradingBooksStillResyncOnEveryMismatch() async throws {
        let h = try Harness()
        let trading = h.add(.book("tBTCUSD"), id: 1)
        _ = try h.handshake()
        let feed = Feed(h)
        var chanId = 30
        try feed.subscribe(chanId: chanId, symbol: "tBTCUSD", subId: 1)
        for round in 1...3 {
            h.clock.advance(by: .seconds(1))
            try feed.wrongChecksum(chanId: chanId)
            #expect(try h.sent() == [#"{"event":"unsubscribe","chanId":\#(chanId)}"#], "round \(round)")
            try h.receive(#"{"event":"unsubscribed","status":"OK","chanId":\#(chanId)}"#)
            _ = try h.sent()
            chanId += 1
            try feed.subscribe(chanId: chanId, symbol: "tBTCUSD", subId: 1)
        }
        #expect(h.environment.integrityCounters.resubscriptions == 3)
        #expect(h.environment.integrityCounters.checksumMismatchesObserved == 0)
        let reported = Self.integrity(await ConnectionPipelineTests.drain(trading))
        #expect(reported.count == 3 && reported.allSatisfy { $0.recovery == .resync })
    }

    @Test func alwaysResyncPolicyRestoresTheOldFundingBehaviour() throws {
        let h = try Harness(checksumPolicy: .alwaysResync)
        _ = h.add(.book("fUSD"), id: 1)
        _ = try h.handshake()
        let feed = Feed(h)
        try feed.subscribe(chanId: 20, symbol: "fUSD", subId: 1)
        try feed.wrongChecksum(chanId: 20)
        #expect(try h.sent() == [#"{"event":"unsubscribe","chanId":20}"#])
    }

    @Test func ignoredFundingChecksumsAreNotVerified() throws {
        let h = try Harness(checksumPolicy: ChecksumPolicy(funding: .ignore))
        let core = h.add(.book("fUSD"), id: 1)
        _ = try h.handshake()
        let feed = Feed(h)
        try feed.subscribe(chanId: 20, symbol: "fUSD", subId: 1)
        for _ in 0..<10 { try feed.wrongChecksum(chanId: 20) }
        #expect(try h.sent().isEmpty)
        #expect(core.isLive)
        #expect(core.verifiedChecksums == 0)
        #expect(h.environment.integrityCounters.checksumMismatches == 0)
    }
}
