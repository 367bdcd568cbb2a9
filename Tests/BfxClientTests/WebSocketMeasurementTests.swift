import BfxProtocol
import BfxSimulator
import Foundation
import NIOCore
import Testing
@testable import BfxClient
import BfxTestSupport

/// Opt-in measurements (`BFX_MEASURE=1`): end-to-end book throughput, drop-to-resubscribed time,
/// memory with 250 book subscriptions. They print their numbers; the assertions only check that
/// the run was valid (books verified, everything resubscribed), not the targets. These are DEBUG
/// builds with the simulator in the test process; the release figures that the targets refer to
/// come from `Benchmarks/Programs/ResubscribeLatency` and `Benchmarks/Programs/ClientMemory` (docs/websocket.md).
extension WebSocketIntegrationTests {
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["BFX_MEASURE"] != nil))
struct WebSocketMeasurementTests {
    static func rssMB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return -1 }
        return kb / 1024
    }

    @Test func endToEndBookThroughput() async throws {
        let seconds = Double(ProcessInfo.processInfo.environment["BFX_MEASURE_SECONDS"] ?? "") ?? 5
        let simulator = try await WS.simulator(tick: .unthrottled, heartbeat: .seconds(15))
        let client = try WS.client(WS.configuration(for: simulator))
        var books: [Subscription] = []
        for symbol in ["tBTCUSD", "tETHUSD", "tXRPBTC", "tETHBTC"] {
            books.append(try await client.subscribe(.book(symbol, precision: .p0, length: 25)))
        }
        let all = books
        #expect(await eventually { all.allSatisfy(\.isLive) })
        // A consumer per book (latest-only), as an application would have.
        let consumers = books.map { book in book.onEvent { _ in } }
        let start = await client.snapshot()
        let clock = ContinuousClock()
        let t0 = clock.now
        try await Task.sleep(for: .seconds(seconds))
        let end = await client.snapshot()
        let elapsed = (clock.now - t0).secondsDouble
        let messages = end.connections.map(\.messages).reduce(0, +) - start.connections.map(\.messages).reduce(0, +)
        let verified = end.channels.map(\.checksumsVerified).reduce(0, +) - start.channels.map(\.checksumsVerified).reduce(0, +)
        print(String(format: "throughput: %.0f msgs/s (%d msgs in %.2f s), %.0f checksums verified/s, mismatches %d",
                     Double(messages) / elapsed, messages, elapsed, Double(verified) / elapsed, end.integrity.checksumMismatches))
        #expect(end.integrity.checksumMismatches == 0)
        #expect(verified > 0)
        for c in consumers { c.cancel() }
        await client.shutdown()
        await simulator.shutdown()
    }

    /// The client pipeline alone (decoder → router → book apply → checksum verify → buffer) over
    /// `EmbeddedChannel`, fed pre-encoded frames: what the client can absorb when the server is
    /// not the bottleneck.
    @Test func clientPipelineBookThroughput() async throws {
        let h = try ConnectionPipelineTests.Harness()
        let core = h.add(.book("tBTCUSD", precision: .p0, length: 25), id: 1)
        _ = try h.handshake()
        try h.receive(#"{"event":"subscribed","channel":"book","chanId":7,"symbol":"tBTCUSD","prec":"P0","freq":"F0","len":"25","subId":1}"#)
        // Generate a realistic stream: snapshot of 25+25 levels, then updates with a cs after each.
        var rng = SplitMix64(seed: 5)
        var book = OrderBook()
        var snapshot: [String] = []
        for i in 0..<25 {
            let bid = BookEntry(price: WireNumber("\(10000 - i)")!, count: 1, amount: WireNumber("0.5")!)
            let ask = BookEntry(price: WireNumber("\(10001 + i)")!, count: 2, amount: WireNumber("-0.25")!)
            book.apply(bid); book.apply(ask)
            snapshot.append("[\(bid.price.text),1,0.5]"); snapshot.append("[\(ask.price.text),2,-0.25]")
        }
        var frames: [ByteBuffer] = [ByteBuffer(string: "[7,[\(snapshot.joined(separator: ","))],1]")]
        var seq: Int64 = 1
        let updates = 100_000
        for _ in 0..<updates {
            let side = rng.next() % 2 == 0
            let offset = Int(rng.next() % 30)
            let price = side ? 10000 - offset : 10001 + offset
            let remove = rng.next() % 4 == 0
            let amount = side ? "0.\(1 + rng.next() % 9)" : "-0.\(1 + rng.next() % 9)"
            let entry = BookEntry(price: WireNumber("\(price)")!, count: remove ? 0 : Int64(1 + rng.next() % 5), amount: WireNumber(remove ? (side ? "1" : "-1") : amount)!)
            book.apply(entry)
            seq += 1
            frames.append(ByteBuffer(string: "[7,[\(price),\(entry.count),\(entry.amount.text)],\(seq)]"))
            seq += 1
            frames.append(ByteBuffer(string: "[7,\"cs\",\(book.checksum()),\(seq)]"))
        }
        let clock = ContinuousClock()
        let t0 = clock.now
        for frame in frames { try h.channel.writeInbound(frame) }
        let elapsed = (clock.now - t0).secondsDouble
        #expect(core.verifiedChecksums == updates)
        #expect(h.environment.integrityCounters.checksumMismatches == 0)
        print(String(format: "client pipeline: %.0f msgs/s (%d msgs: %d book updates + %d checksums verified, %.2f s)",
                     Double(frames.count) / elapsed, frames.count, updates, updates, elapsed))
    }

    @Test func dropToAllResubscribedLatency() async throws {
        let symbols = (0..<25).map { String(format: "tS%02dUSD", $0) }
        let simulator = try await WS.simulator(symbols: symbols, heartbeat: .seconds(15))
        var configuration = WS.configuration(for: simulator)
        configuration.reconnect = ReconnectPolicy(initialDelay: .zero, multiplier: 2, maxDelay: .milliseconds(100), jitter: .none, stablePeriod: .milliseconds(1))
        configuration.heartbeatTimeout = .seconds(30)
        configuration.pingInterval = .seconds(10)
        let client = try WS.client(configuration)
        var subscriptions: [Subscription] = []
        for symbol in symbols {
            subscriptions.append(try await client.subscribe(.ticker(symbol)))
            subscriptions.append(try await client.subscribe(.trades(symbol)))
            subscriptions.append(try await client.subscribe(.book(symbol, length: 25)))
            subscriptions.append(try await client.subscribe(.rawBook(symbol, length: 25)))
        }
        let all = subscriptions
        #expect(await eventually(timeout: .seconds(30)) { all.allSatisfy(\.isLive) })
        let clock = ContinuousClock()
        var samples: [Double] = []
        for round in 1...15 {
            let t0 = clock.now
            await simulator.inject(.dropAll)
            // Cheap lock-only polls: first the drop is seen (something stale), then all live again.
            let dropped = await eventually(timeout: .seconds(10), every: .microseconds(100)) { !all.allSatisfy(\.isLive) }
            let live = await eventually(timeout: .seconds(10), every: .microseconds(100)) { all.allSatisfy(\.isLive) }
            let elapsed = (clock.now - t0).secondsDouble * 1000
            let exact = await client.snapshot().channels.allSatisfy { $0.subscribeRequests == round + 1 }
            #expect(dropped && live && exact)
            samples.append(elapsed)
        }
        samples.sort()
        print(String(format: "resubscribe 100 subs over %d connections: p50 %.1f ms, p90 %.1f ms, max %.1f ms (n=%d)",
                     client.connectionCount, samples[samples.count / 2], samples[samples.count * 9 / 10], samples.last ?? 0, samples.count))
        await client.shutdown()
        await simulator.shutdown()
    }

    @Test func memoryWith250BookSubscriptions() async throws {
        let symbols = (0..<50).map { String(format: "tM%02dUSD", $0) }
        let simulator = try await WS.simulator(symbols: symbols, heartbeat: .seconds(15), rate: 2)
        let baseline = Self.rssMB()
        let client = try WS.client(WS.configuration(for: simulator))
        var subscriptions: [Subscription] = []
        for symbol in symbols {
            for precision in ChannelSpec.Precision.allCases {
                subscriptions.append(try await client.subscribe(.book(symbol, precision: precision, length: 25)))
            }
        }
        let all = subscriptions
        #expect(await eventually(timeout: .seconds(60)) { all.allSatisfy(\.isLive) })
        for _ in 0..<20 { await simulator.step(5) }
        try await Task.sleep(for: .seconds(1))
        let after = Self.rssMB()
        print(String(format: "RSS: %.1f MB before subscribing (test binary + simulator), %.1f MB with 250 live book subscriptions (len 25) over %d connections; delta %.1f MB",
                     baseline, after, client.connectionCount, after - baseline))
        await client.shutdown()
        await simulator.shutdown()
    }
}
}
