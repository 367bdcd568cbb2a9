// End-to-end WebSocket client throughput: simulator (in process) → loopback → BfxClient with
// OB_CHECKSUM + SEQ_ALL on → maintained books, every `cs` verified against the maintained book.
//
// Two modes (both print msgs/s, checksums verified/s and mismatches; see docs/performance.md):
//   live   simulator `.unthrottled`: every frame is generated while the client reads (the
//          simulator's generation shares the 2 cores with the client).
//   burst  simulator `.manual` + `BfxSimulator.burst(ticks:)`: the simulator's own market/book
//          engine pre-generates `ticks` ticks (same frames live ticking would send), then releases
//          them at once; the window runs from the release until the client has processed every
//          frame. At the end every book is compared with the simulator's book.
//
// Run: cd Benchmarks && swift run -c release ClientThroughput [seconds] [books] [live|burst] [ticks]
import BfxClient
import BfxProtocol
import BfxSimulator
import Logging
#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
// `ClientThroughput checksum`: cost of one OrderBook.checksum() on a full P0/25 book (no sockets).
if arguments.count > 1, arguments[1] == "checksum" {
    var book = OrderBook(capacity: 32)
    for i in 0..<25 {
        book.apply(BookEntry(price: WireNumber("\(100 + i).\(i * 7 % 100)")!, count: Int64(1 + i % 4), amount: WireNumber("-\(i + 1).\(i * 13 % 1000)")!))
        book.apply(BookEntry(price: WireNumber("\(99 - i).\(i * 3 % 100)")!, count: Int64(1 + i % 3), amount: WireNumber("\(i + 2).\(i * 17 % 1000)")!))
    }
    /// Nanoseconds per iteration of `n` iterations lasting `d`.
    func nanos(_ d: Duration, _ n: Int) -> Double {
        (Double(d.components.attoseconds) / 1e9 + Double(d.components.seconds) * 1e9) / Double(n)
    }
    let clock = ContinuousClock()
    var acc: Int32 = 0
    let n = 1_000_000
    let t0 = clock.now
    for _ in 0..<n { acc ^= book.checksum() }
    let d = clock.now - t0
    let bytes = Array(book.checksumString().utf8)
    var crcAcc: UInt32 = 0
    let t1 = clock.now
    for _ in 0..<n { crcAcc ^= bytes.withUnsafeBytes { CRC32.update(CRC32.initial, $0) } }
    let d1 = clock.now - t1
    var foldAcc: UInt32 = 0
    let t2 = clock.now
    for _ in 0..<n { foldAcc ^= bytes.withUnsafeBytes { CRC32.updateAccelerated(CRC32.initial, $0) } }
    let d2 = clock.now - t2
    print("CRC-32 alone over the same \(bytes.count) bytes, tables: \(nanos(d1, n)) ns (\(crcAcc))")
    print("CRC-32 alone, folded (accelerated: \(CRC32.isAccelerated)): \(nanos(d2, n)) ns (\(foldAcc))")
    print("checksum of a 25+25 level book: \(nanos(d, n)) ns (\(book.checksumString().utf8.count) bytes, \(acc))")
    exit(0)
}
let seconds = arguments.count > 1 ? Int(arguments[1]) ?? 5 : 5
let bookCount = max(1, arguments.count > 2 ? Int(arguments[2]) ?? 4 : 4)
let burstMode = arguments.count > 3 && arguments[3] == "burst"
let burstTicks = arguments.count > 4 ? Int(arguments[4]) ?? 400_000 : 400_000

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

var simConfig = SimulatorConfiguration()
simConfig.tickMode = burstMode ? .manual : .unthrottled
simConfig.tradingSymbols = (0..<bookCount).map { "tB\($0)USD" }
simConfig.fundingSymbols = []
// The simulator's server gets its own event-loop thread: on NIO's shared singleton group the
// client's socket and the server's socket can land on the same loop, and the benchmark would
// measure one thread doing both sides (a real client is not in the exchange's process).
simConfig.dedicatedEventLoopThreads = 1
var quiet = Logger(label: "bench")
quiet.logLevel = .error
let simulator = try await BfxSimulator.start(simConfig, logger: quiet)
let client = try BfxClient(configuration: BfxClientConfiguration(publicURL: simulator.wsURL), logger: quiet)
var books: [Subscription] = []
for symbol in simConfig.tradingSymbols {
    books.append(try await client.subscribe(.book(symbol, precision: .p0, length: 25)))
}
// The consumer takes every event (books coalesce to latest-only while it is busy, by design).
let consumers = books.map { $0.onEvent { _ in } }
for _ in 0..<2000 where !books.allSatisfy(\.isLive) { try await Task.sleep(for: .milliseconds(5)) }

struct Totals { var messages: Int; var verified: Int; var mismatches: Int }
func totals() async -> Totals {
    let s = await client.snapshot()
    return Totals(
        messages: s.connections.map(\.messages).reduce(0, +),
        verified: s.channels.map(\.checksumsVerified).reduce(0, +),
        mismatches: s.integrity.checksumMismatches
    )
}

let clock = ContinuousClock()
if burstMode {
    let start = await totals()
    let burst = await simulator.burst(ticks: burstTicks)
    let t0 = clock.now
    // Wait until the client has processed every frame of the burst (bounded by `seconds` × 10).
    let deadline = t0.advanced(by: .seconds(max(10, seconds * 10)))
    var now = await totals()
    while now.messages - start.messages < burst.frames, clock.now < deadline {
        try await Task.sleep(for: .milliseconds(1))
        now = await totals()
    }
    let elapsed = seconds(clock.now - t0)
    let messages = now.messages - start.messages
    print("client e2e BURST (simulator pre-generated \(burst.ticks) ticks = \(burst.frames) frames in \(Int(seconds(burst.generationTime) * 1000)) ms, then released):")
    print("  \(messages)/\(burst.frames) frames processed in \(Int(elapsed * 1000)) ms: \(Int(Double(messages) / elapsed)) msgs/s, \(Int(Double(now.verified - start.verified) / elapsed)) checksums verified/s, mismatches \(now.mismatches)")
    // Every maintained book must equal the simulator's book (the simulator is idle: manual mode).
    var equal = 0
    for (index, symbol) in simConfig.tradingSymbols.enumerated() {
        guard let mine = books[index].currentBook(), let theirs = await simulator.book(symbol: symbol, prec: "P0", len: 25) else { continue }
        func same(_ a: [BookLevel], _ b: [SimulatorBook.Entry]) -> Bool {
            a.count == b.count && zip(a, b).allSatisfy { $0.price.text == $1.price && $0.amount.text == $1.amount && Int($0.count) == $1.count }
        }
        if same(mine.bids, theirs.bids), same(mine.asks, theirs.asks), mine.checksum() == theirs.checksum { equal += 1 }
    }
    print("  books equal to the simulator's at the end: \(equal)/\(books.count)")
} else {
    let start = await totals()
    let t0 = clock.now
    try await Task.sleep(for: .seconds(seconds))
    let end = await totals()
    let elapsed = seconds(clock.now - t0)
    let stats = await simulator.stats()
    print("client e2e LIVE (simulator unthrottled, generating while the client reads; \(stats.ticks) ticks so far):")
    print("  \(Int(Double(end.messages - start.messages) / elapsed)) msgs/s, \(Int(Double(end.verified - start.verified) / elapsed)) checksums verified/s, mismatches \(end.mismatches), books \(books.count) (book comparison: burst mode only)")
}
for c in consumers { c.cancel() }
await client.shutdown()
await simulator.shutdown()
