// End-to-end WebSocket client throughput: simulator (in process, `.unthrottled`) → loopback →
// BfxClient with checksums on → maintained, verified books. Prints messages/s and checksums/s.
// Run: cd Benchmarks && swift run -c release ClientThroughput [seconds] [books]
import BfxClient
import BfxSimulator
import Logging

let arguments = CommandLine.arguments
let seconds = arguments.count > 1 ? Int(arguments[1]) ?? 5 : 5
let bookCount = arguments.count > 2 ? Int(arguments[2]) ?? 4 : 4

var simConfig = SimulatorConfiguration()
simConfig.tickMode = .unthrottled
simConfig.tradingSymbols = (0..<max(1, bookCount)).map { "tB\($0)USD" }
var quiet = Logger(label: "bench")
quiet.logLevel = .error
let simulator = try await BfxSimulator.start(simConfig, logger: quiet)
let client = try BfxClient(configuration: BfxClientConfiguration(publicURL: simulator.wsURL), logger: quiet)
var books: [Subscription] = []
for symbol in simConfig.tradingSymbols {
    books.append(try await client.subscribe(.book(symbol, precision: .p0, length: 25)))
}
let consumers = books.map { $0.onEvent { _ in } }
for _ in 0..<2000 where !books.allSatisfy(\.isLive) { try await Task.sleep(for: .milliseconds(5)) }
let start = await client.snapshot()
let clock = ContinuousClock()
let t0 = clock.now
try await Task.sleep(for: .seconds(seconds))
let end = await client.snapshot()
let elapsed = clock.now - t0
let secs = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let messages = end.connections.map(\.messages).reduce(0, +) - start.connections.map(\.messages).reduce(0, +)
let verified = end.channels.map(\.checksumsVerified).reduce(0, +) - start.channels.map(\.checksumsVerified).reduce(0, +)
print("client e2e: \(Int(Double(messages) / secs)) msgs/s, \(Int(Double(verified) / secs)) checksums verified/s, mismatches \(end.integrity.checksumMismatches), books \(books.count)")
for c in consumers { c.cancel() }
await client.shutdown()
await simulator.shutdown()
