// Drop → every subscription resubscribed with a fresh snapshot: the time from `dropAll` (the
// simulator closes every TCP connection abruptly) until all 100 subscriptions (25 symbols ×
// ticker, trades, P0/25 book, R0/25 raw book; 4 connections of 25) are live again with fresh
// snapshots, with a zero initial reconnect backoff and no jitter. Release build, simulator in
// process but on its own event-loop thread. Each round also checks "nothing forgotten, nothing
// subscribed twice": every channel has exactly one subscribe request per connection open.
//
// Run: cd Benchmarks && swift run -c release ResubscribeLatency [drops=50] [symbols=25] [serial|pipelined]
// (`serial`, the default configuration: subscribes wait for the `conf` acknowledgement;
// `pipelined`: `pipelineSubscribes = true`, conf + subscribes in one flush, ADR 0018).
import BfxClient
import BfxSimulator
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
let drops = min(1_000, max(1, arguments.count > 1 ? Int(arguments[1]) ?? 50 : 50))
let symbolCount = min(100, max(1, arguments.count > 2 ? Int(arguments[2]) ?? 25 : 25))
let pipelined = arguments.count > 3 && arguments[3] == "pipelined"

func milliseconds(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }

var simConfig = SimulatorConfiguration()
simConfig.tickMode = .manual
simConfig.tradingSymbols = (0..<symbolCount).map { "tS\($0)USD" }
simConfig.fundingSymbols = []
simConfig.heartbeatInterval = .seconds(15)
// The server gets its own event-loop thread (a real client is not in the exchange's process).
simConfig.dedicatedEventLoopThreads = 1
var quiet = Logger(label: "bench")
quiet.logLevel = .error
let simulator = try await BfxSimulator.start(simConfig, logger: quiet)

var configuration = BfxClientConfiguration(publicURL: simulator.wsURL)
configuration.reconnect = ReconnectPolicy(initialDelay: .zero, multiplier: 2, maxDelay: .milliseconds(100), jitter: .none, stablePeriod: .milliseconds(1))
// The benchmark reconnects 4 connections per drop: lift the 20/min public budget (loopback only).
configuration.publicRateLimit = ConnectionRateLimit(maxConnections: 1_000_000, window: .seconds(60))
configuration.heartbeatTimeout = .seconds(30)
configuration.pingInterval = .seconds(10)
configuration.pipelineSubscribes = pipelined
let client = try BfxClient(configuration: configuration, logger: quiet)
var subscriptions: [Subscription] = []
for symbol in simConfig.tradingSymbols {
    subscriptions.append(try await client.subscribe(.ticker(symbol)))
    subscriptions.append(try await client.subscribe(.trades(symbol)))
    subscriptions.append(try await client.subscribe(.book(symbol, precision: .p0, length: 25)))
    subscriptions.append(try await client.subscribe(.rawBook(symbol, length: 25)))
}
let all = subscriptions
// Consumers drain the events (as an application would).
let consumers = all.map { $0.onEvent { _ in } }

let clock = ContinuousClock()
/// When each connection last reported `.open` (conf acknowledged), from `client.events`.
/// Mutex: written by the event consumer task, read by the measuring loop.
final class OpenTimes: Sendable {
    let times = Mutex<[Int: ContinuousClock.Instant]>([:])
}
let openTimes = OpenTimes()
let eventTask = Task {
    for await event in client.events {
        if case .connectionState(let connection, .open) = event {
            let now = ContinuousClock.now
            openTimes.times.withLock { $0[connection] = now }
        }
    }
}
/// Polls `condition` every 50 µs until it holds or `timeout` passes.
func wait(timeout: Duration, _ condition: () -> Bool) async -> Bool {
    let deadline = clock.now.advanced(by: timeout)
    while clock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .microseconds(50))
    }
    return condition()
}

guard await wait(timeout: .seconds(60), { all.allSatisfy(\.isLive) }) else {
    print("initial subscriptions did not become live")
    exit(1)
}
await simulator.step(5)
var samples: [Double] = []
var openSamples: [Double] = []
var exactRounds = 0
for round in 1...drops {
    let t0 = clock.now
    await simulator.inject(.dropAll)
    let dropped = await wait(timeout: .seconds(10)) { !all.allSatisfy(\.isLive) }
    let live = await wait(timeout: .seconds(10)) { all.allSatisfy(\.isLive) }
    let elapsed = milliseconds(clock.now - t0)
    guard dropped, live else {
        print("round \(round): dropped=\(dropped) live=\(live) — aborting")
        exit(1)
    }
    samples.append(elapsed)
    let lastOpen = openTimes.times.withLock { $0.values.max() }
    if let lastOpen, lastOpen > t0 { openSamples.append(milliseconds(lastOpen - t0)) }
    let channels = await client.snapshot().channels
    if channels.count == all.count, channels.allSatisfy({ $0.subscribeRequests == round + 1 }) { exactRounds += 1 }
    // let the market move a little between drops (fresh snapshots differ round to round)
    await simulator.step(2)
    try? await Task.sleep(for: .milliseconds(20))
}
samples.sort()
openSamples.sort()
func percentile(_ sorted: [Double], _ p: Double) -> Double { sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))] }
func ms(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(tenths % 10) ms"
}
let mean = samples.reduce(0, +) / Double(samples.count)
print("resubscribe (\(pipelined ? "pipelined" : "serial")) \(all.count) subs over \(client.connectionCount) connections, \(samples.count) drops: "
    + "p50 \(ms(percentile(samples, 0.5))), p90 \(ms(percentile(samples, 0.9))), p99 \(ms(percentile(samples, 0.99))), "
    + "max \(ms(samples.last ?? 0)), mean \(ms(mean)); exact (1 subscribe per channel per open) in \(exactRounds)/\(drops) rounds")
if !openSamples.isEmpty {
    print("  of which drop → last connection open (TCP + upgrade + conf ack): p50 \(ms(percentile(openSamples, 0.5))), p90 \(ms(percentile(openSamples, 0.9))) (n=\(openSamples.count))")
}
eventTask.cancel()
for consumer in consumers { consumer.cancel() }
await client.shutdown()
await simulator.shutdown()
if exactRounds != drops { exit(2) }
