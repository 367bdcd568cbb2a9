@testable import BfxClient
import BfxProtocol
import Foundation
import Testing
@testable import BfxRuntime
import BfxTestSupport

/// The runtime's per-book checksum result (`BookView.checksumOK`) follows the client's events in
/// order: a mismatch or resync → false until a checksum is verified on the rebuilt book → true;
/// nil while none was verified (or checksums are off).
@Suite struct BookChecksumStateTests {
    static let spec = ChannelSpec.book("tBTCUSD", precision: .p0, length: 25)

    static func book(verified: Int, snapshot: Bool = false) -> SubscriptionEvent {
        .book(BookEvent(book: OrderBook(), isSnapshot: snapshot, updates: 1, verifiedChecksums: verified))
    }

    static let mismatch = SubscriptionEvent.integrity(IntegrityEvent(kind: .checksumMismatch(server: 1, local: 2), subscription: nil, channel: spec, connection: 0))

    /// Feeds `events` in order and returns `checksumOK` of the book view after each one.
    static func observe(_ events: [SubscriptionEvent], spec: ChannelSpec = spec) -> [Bool?] {
        var market = MarketState()
        return events.map { event in
            market.apply(event, spec: spec)
            guard let entry = market.books[spec.description] else { return nil }
            return market.bookView(entry, depth: 1).checksumOK
        }
    }

    @Test func verifiedThenMismatchThenVerifiedOnTheRebuiltBook() {
        let seen = Self.observe([
            Self.book(verified: 0, snapshot: true),   // nothing verified yet
            Self.book(verified: 1),                   // a cs matched
            Self.book(verified: 3),
            Self.mismatch,                            // the client reports a mismatch
            .stale(.resync),
            .subscribed(chanId: 9, connection: 0, resubscribed: true),
            Self.book(verified: 3, snapshot: true),   // the rebuilt book, nothing verified on it yet
            Self.book(verified: 3),
            Self.book(verified: 4),                   // a cs matched on the rebuilt book
        ])
        #expect(seen == [nil, true, true, false, false, false, false, false, true])
    }

    @Test func aCountThatRoseBeforeTheMismatchDoesNotVerifyTheRebuiltBook() {
        // The consumer last read count 5; checksum 6 was verified on the old book just before the
        // mismatch, and the rebuilt book's snapshot is read with count 6: not a verification of
        // the new book. Only 7 is.
        let seen = Self.observe([
            Self.book(verified: 5, snapshot: true),
            Self.mismatch,
            .stale(.resync),
            Self.book(verified: 6, snapshot: true),
            Self.book(verified: 7),
        ])
        #expect(seen == [true, false, false, false, true])
    }

    @Test func anObservedMismatchIsFalseUntilACountRiseAfterTheNextBookEvent() {
        // Checksum policy `observe` inside its window: no resync, no snapshot follows. The next
        // book event re-bases the count (it may include checksums verified before the
        // mismatch); only a rise after it proves the server agrees again.
        let observed = SubscriptionEvent.integrity(IntegrityEvent(
            kind: .checksumMismatch(server: 1, local: 2), subscription: nil, channel: Self.spec, connection: 0,
            recovery: .reportOnly(nextResyncAt: .seconds(600))
        ))
        let seen = Self.observe([
            Self.book(verified: 5, snapshot: true),
            observed,
            Self.book(verified: 6),
            Self.book(verified: 6),
            Self.book(verified: 7),
            observed,
            observed,
            Self.book(verified: 7),
        ])
        #expect(seen == [true, false, false, false, true, false, false, false])
    }

    @Test func withChecksumsOffItStaysNilEvenAcrossAResync() {
        let seen = Self.observe([
            Self.book(verified: 0, snapshot: true),
            Self.book(verified: 0),
            .stale(.resync),                          // e.g. after a sequence gap
            Self.book(verified: 0, snapshot: true),
            Self.book(verified: 0),
        ])
        #expect(seen == [nil, nil, nil, nil, nil])
    }

    @Test func anyResyncOfAVerifiedBookIsNotOKUntilVerifiedAgain() {
        let gap = SubscriptionEvent.integrity(IntegrityEvent(kind: .sequenceGap(expected: 5, received: 7), subscription: nil, channel: Self.spec, connection: 0))
        let seen = Self.observe([
            Self.book(verified: 2, snapshot: true),
            gap,                                      // not a checksum result by itself
            .stale(.resync),                          // but the book is being rebuilt
            Self.book(verified: 2, snapshot: true),
            Self.book(verified: 3),
        ])
        #expect(seen == [true, true, false, false, true])
    }

    @Test func aDisconnectKeepsTheLastResult() {
        let seen = Self.observe([
            Self.book(verified: 1, snapshot: true),
            .stale(.disconnected),
            .subscribed(chanId: 3, connection: 0, resubscribed: true),
            Self.book(verified: 1, snapshot: true),
        ])
        #expect(seen == [true, true, true, true])
    }

    @Test func aMismatchBeforeAnyBookEventIsNotLost() {
        var market = MarketState()
        market.apply(Self.mismatch, spec: Self.spec)
        market.apply(.stale(.resync), spec: Self.spec)
        market.apply(Self.book(verified: 4, snapshot: true), spec: Self.spec)
        let entry = market.books[Self.spec.description]
        #expect(entry.map { market.bookView($0, depth: 1).checksumOK } == .some(false))
        market.apply(Self.book(verified: 5), spec: Self.spec)
        #expect(market.books[Self.spec.description].map { market.bookView($0, depth: 1).checksumOK } == .some(true))
    }

    @Test func booksAreTrackedSeparately() {
        let other = ChannelSpec.book("tETHUSD", precision: .p0, length: 25)
        var market = MarketState()
        market.apply(Self.book(verified: 1, snapshot: true), spec: Self.spec)
        market.apply(Self.book(verified: 1, snapshot: true), spec: other)
        market.apply(Self.mismatch, spec: Self.spec)
        let views = market.books.values.map { market.bookView($0, depth: 1) }
        #expect(views.first { $0.symbol == "tBTCUSD" }?.checksumOK == false)
        #expect(views.first { $0.symbol == "tETHUSD" }?.checksumOK == true)
        // Non-book channels keep no checksum state.
        market.apply(.stale(.resync), spec: .ticker("tBTCUSD"))
        #expect(market.bookChecksums.count == 2)
    }

    @Test func checksumOKIsInTheJSONOfTheBookView() throws {
        var market = MarketState()
        market.apply(Self.book(verified: 1, snapshot: true), spec: Self.spec)
        market.apply(Self.mismatch, spec: Self.spec)
        let view = try #require(market.books[Self.spec.description].map { market.bookView($0, depth: 1) })
        let json = try #require(String(data: try JSONEncoder().encode(view), encoding: .utf8))
        #expect(json.contains("\"checksumOK\":false"))
    }

    /// End to end against the embedded simulator: a corrupted `cs` makes the console-visible
    /// `checksumOK` false until the rebuilt book verifies again.
    @Test func aCorruptChecksumFromTheSimulatorIsReportedThenRecovered() async throws {
        let yaml = """
        endpoint: simulator
        connections:
          - name: market
            channels:
              - {channel: book, symbol: tBTCUSD, prec: P0, len: 25}
        websocket: {checksum: true}
        logging: {level: error}
        simulator: {seed: 7, rate: 50}
        """
        let loaded = try ConfigLoader.load(yaml: yaml, file: "cs.yaml", environment: [:])
        let runtime = Runtime(config: loaded.config, options: RuntimeOptions(logger: TestSupport.quietLogger, environment: [:], serveHTTP: false))
        try await runtime.start()
        do {
            #expect(await eventually { await runtime.book(symbol: "tBTCUSD")?.checksumOK == true })
            // Two rejected resubscribes (retried after a backoff) keep the rebuilt book unverified
            // long enough for the 5 ms poll to see it.
            try await runtime.injectFault(.rejectSubscribe(code: 11000, count: 2))
            try await runtime.injectFault(.corruptNextChecksum(connection: nil))
            let sawMismatch = await eventually { await runtime.book(symbol: "tBTCUSD")?.checksumOK == false }
            #expect(sawMismatch)
            #expect(await runtime.channelList().reduce(0) { $0 + $1.checksumMismatches } >= 1)
            let recovered = await eventually { await runtime.book(symbol: "tBTCUSD")?.checksumOK == true }
            #expect(recovered)
        } catch {
            Issue.record("fault injection failed: \(error)")
        }
        await runtime.stop()
    }
}
