// BookWatcher — the first bfxkit program to read.
//
// What it teaches:
//   * starting the embedded simulator (`BfxSimulator.start`) so nothing touches real Bitfinex;
//   * creating a `BfxClient` and subscribing to a checksum-verified P0 book and to trades;
//   * reading a `Subscription`'s events (`.subscribed`, `.book`, `.trade`, `.stale`, `.integrity`);
//   * what an integrity incident looks like: with `--corrupt-checksum` (the default when the
//     simulator is embedded) the simulator sends one wrong `cs`, the client notices the mismatch,
//     marks the book stale, resubscribes that channel alone and carries on with a fresh snapshot.
//
// Run it (offline, exits by itself after --seconds):
//   swift run example-book-watcher --seconds 5
// Against a simulator you started yourself (`bfxrun simulate`):
//   swift run example-book-watcher --ws-url ws://127.0.0.1:PORT/ws/2
import ArgumentParser
import BfxClient
import BfxProtocol
import BfxSimulator
import ExampleSupport
import Foundation
import Synchronization

struct BookWatcher: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "example-book-watcher",
        abstract: "Watch the tBTCUSD P0 book (checksum-verified) and trades on the simulator.")

    @Option(help: "WebSocket URL of a running simulator; omitted = start one in-process on 127.0.0.1:0.")
    var wsURL: String?

    @Option(help: "How long to watch, in seconds.")
    var seconds: Int = 5

    @Option(help: "Symbol to watch.")
    var symbol: String = "tBTCUSD"

    @Flag(inversion: .prefixedNo, help: "Make the embedded simulator corrupt one checksum after 1 s (shows recovery).")
    var corruptChecksum: Bool = true

    func validate() throws {
        guard (1...3600).contains(seconds) else { throw ValidationError("--seconds must be 1...3600") }
    }

    func run() async throws {
        // Only warnings and errors from the library on stderr: integrity incidents are logged as
        // warnings, so you see them twice (log + event) — that is intended.
        ExampleSupport.bootstrapLogging()

        // 1. A server to talk to. The embedded simulator listens on an ephemeral loopback port.
        var simulator: BfxSimulator?
        let url: String
        if let wsURL {
            url = wsURL
        } else {
            var config = SimulatorConfiguration()
            config.ratePerSecond = 20          // 20 market ticks per second per symbol
            let sim = try await BfxSimulator.start(config)
            simulator = sim
            url = sim.wsURL
        }
        print("connecting to \(url)")

        // 2. The client. Checksums (OB_CHECKSUM) and sequence numbers (SEQ_ALL) are on by default.
        let client = try BfxClient(configuration: BfxClientConfiguration(publicURL: url))

        // 3. Two subscriptions. Each handle survives reconnects and resyncs.
        let book = try await client.subscribe(.book(symbol, precision: .p0, frequency: .f0, length: 25))
        let trades = try await client.subscribe(.trades(symbol))

        // Counters shared by the two consumer tasks and the main task.
        let counts = SharedCounts()

        // 4. One consumer per subscription. `for await` ends when the client shuts down.
        let bookTask = Task {
            var lastPrinted = ContinuousClock.now - .seconds(1)
            for await event in book.events {
                switch event {
                case let .subscribed(chanId, connection, resubscribed):
                    print("book: \(resubscribed ? "resubscribed" : "subscribed") chanId=\(chanId) connection=\(connection)")
                case .book(let change):
                    counts.state.withLock {
                        $0.bookEvents += 1
                        $0.verifiedChecksums = change.verifiedChecksums
                    }
                    // The book is a value; print at most ~4 lines per second so the output stays readable.
                    if change.isSnapshot || ContinuousClock.now - lastPrinted >= .milliseconds(250) {
                        lastPrinted = ContinuousClock.now
                        print(Self.topOfBook(change))
                    }
                case .stale(let reason):
                    print("book: STALE (\(reason.rawValue)) — do not trade on it until it is resubscribed")
                case .integrity(let incident):
                    counts.state.withLock { $0.integrity += 1 }
                    print("book: INTEGRITY \(incident)")
                case .failed(let error):
                    print("book: failed \(error)")
                default:
                    break
                }
            }
        }
        let tradeTask = Task {
            for await event in trades.events {
                switch event {
                case .tradeSnapshot(let list):
                    print("trades: snapshot of \(list.count) recent trades")
                case .trade(.trading(let t)):
                    counts.state.withLock { $0.trades += 1 }
                    let side = t.amount.isNegative ? "sell" : "buy "
                    print("trade: \(side) \(t.amount.plainText) @ \(t.price.plainText) id=\(t.id)")
                case .integrity(let incident):
                    counts.state.withLock { $0.integrity += 1 }
                    print("trades: INTEGRITY \(incident)")
                default:
                    break
                }
            }
        }

        // 5. Optional: show what happens when the server's checksum disagrees with our book.
        if let simulator, corruptChecksum {
            try await Task.sleep(for: .seconds(1))
            print("injecting fault: the next checksum frame will be wrong")
            await simulator.inject(.corruptNextChecksum(connection: nil))
            try await Task.sleep(for: .seconds(seconds - 1))
        } else {
            try await Task.sleep(for: .seconds(seconds))
        }

        // 6. Clean shutdown: the client closes its sockets, the event streams end.
        let snapshot = await client.snapshot()
        await client.shutdown()
        bookTask.cancel()
        tradeTask.cancel()
        await simulator?.shutdown()

        let c = counts.state.withLock { $0 }
        print("client: \(snapshot.connections.count) connection(s), \(snapshot.channels.count) channel(s)")
        print("summary: \(c.bookEvents) book events, \(c.verifiedChecksums) checksums verified, \(c.trades) trades, \(c.integrity) integrity incidents")
    }

    /// "top of book: bid 30012 x 1.2 | ask 30013 x 0.8 | spread 1 (checksums verified: 12)".
    static func topOfBook(_ change: BookEvent) -> String {
        let bid = change.book.bestBid
        let ask = change.book.bestAsk
        let bidText = bid.map { "\($0.price.plainText) x \($0.amount.plainText)" } ?? "-"
        // Bitfinex sends ask amounts negative; show the size.
        let askText = ask.map { "\($0.price.plainText) x \($0.amount.plainText.trimmingPrefix("-"))" } ?? "-"
        var spread = "-"
        if let bid, let ask { spread = "\((ask.price.decimal - bid.price.decimal))" }
        let tag = change.isSnapshot ? " [snapshot]" : ""
        return "top of book: bid \(bidText) | ask \(askText) | spread \(spread) (checksums verified: \(change.verifiedChecksums))\(tag)"
    }
}

/// Counters written by two consumer tasks and read by the main task: a `Mutex` because the
/// updates are tiny synchronous increments (an actor would add an await per event).
final class SharedCounts: Sendable {
    let state = Mutex(Counts())
}

/// What the consumers counted (for the final summary line).
struct Counts: Sendable {
    var bookEvents = 0
    var verifiedChecksums = 0
    var trades = 0
    var integrity = 0
}

// From top-level code `await BookWatcher.main()` resolves to ArgumentParser's synchronous
// overload (which refuses async commands); inside an async function the async one wins.
func start() async { await BookWatcher.main() }
await start()
