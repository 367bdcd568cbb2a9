// User-data benchmarks (issue #7), release build:
//
// 1. Order round trip on loopback against the in-process simulator (its own event-loop
//    thread): `UserDataClient.submit` → the `on` confirming the order (p50/p90/p99/max), and the
//    matching `cancel` → `oc`. Orders rest far from the market, one at a time.
// 2. Account events applied to `AccountState` per second: a realistic channel-0 mix (on, ou,
//    te, tu, wu, pu, miu, bu, oc) (a) already decoded, (b) decoded from text + applied, and
//    (c) end to end through `UserDataClient` (decode, apply, correlation, event and change
//    streams with a consumer) fed by an in-memory transport.
//
// Run: cd Benchmarks && swift run -c release UserDataBenchmarks [roundTrips=2000] [events=200000]
import BfxClient
import BfxNonce
import BfxProtocol
import BfxSimulator
import Foundation
import Logging
import Synchronization

let arguments = CommandLine.arguments
let roundTrips = min(100_000, max(10, arguments.count > 1 ? Int(arguments[1]) ?? 2_000 : 2_000))
let eventCount = min(5_000_000, max(1_000, arguments.count > 2 ? Int(arguments[2]) ?? 200_000 : 200_000))
let clock = ContinuousClock()

func microseconds(_ d: Duration) -> Double { Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12 }

func percentiles(_ label: String, _ samples: [Duration]) {
    let sorted = samples.map(microseconds).sorted()
    func p(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] }
    print(String(format: "%@: n=%d p50=%.0f µs p90=%.0f µs p99=%.0f µs max=%.0f µs", label, sorted.count,
                 p(0.50), p(0.90), p(0.99), sorted.last ?? 0))
}

// MARK: 1. Order round trip against the simulator

var quiet = Logger(label: "bench")
quiet.logLevel = .error
var simConfig = SimulatorConfiguration()
simConfig.tickMode = .manual
simConfig.tradingSymbols = ["tBTCUSD"]
simConfig.heartbeatInterval = .seconds(15)
simConfig.dedicatedEventLoopThreads = 1
simConfig.apiKeys = [.init(key: "bench-key", secret: "bench-secret", userId: 1)]
// Lift Bitfinex's 1000 orders / 5 min per user (loopback benchmark only).
simConfig.orderRateLimit = 1_000_000
let simulator = try await BfxSimulator.start(simConfig, logger: quiet)
let credentials = BfxCredentials(apiKey: "bench-key", secret: "bench-secret")
let client = UserDataClient(
    credentials: credentials,
    transport: try WebSocketUserDataTransport(url: simulator.wsURL,
                                              rateLimit: ConnectionRateLimit(maxConnections: 100, window: .seconds(1))),
    nonceManager: NonceManager(), logger: quiet)
try await client.start()
let bid = await simulator.book(symbol: "tBTCUSD")?.bids.last.flatMap { Double($0.price) } ?? 10_000
let restingPrice = WireNumber(Int64(max(1, bid * 0.5)))
var submits: [Duration] = []
var cancels: [Duration] = []
let warmUp = min(200, roundTrips / 5)
for index in 0..<(warmUp + roundTrips) {
    let order = NewOrder(type: "EXCHANGE LIMIT", symbol: "tBTCUSD", amount: WireNumber(1) , price: restingPrice,
                         cid: Int64(1_000_000 + index))
    let started = clock.now
    let placed = try await client.submit(order)
    let confirmed = clock.now
    _ = try await client.cancel(.id(placed.id))
    let closed = clock.now
    if index >= warmUp {
        submits.append(confirmed - started)
        cancels.append(closed - confirmed)
    }
}
percentiles("order round trip submit→on ", submits)
percentiles("order round trip cancel→oc ", cancels)
await client.stop()
await simulator.shutdown()

// MARK: 2. Account events/s

/// One cycle of a realistic account stream for order `id` (a fill of a resting order).
func cycle(_ id: Int64, _ tradeID: Int64) -> [(String, JSONValue)] {
    let open = Order(id: id, cid: id, symbol: "tBTCUSD", mtsCreate: 1, mtsUpdate: 1, amount: WireNumber(2), amountOrig: WireNumber(2),
                     orderType: "EXCHANGE LIMIT", status: "ACTIVE", price: WireNumber(30_000))
    var partial = open
    partial.amount = WireNumber(1)
    partial.status = "PARTIALLY FILLED @ 30000.0(1.0)"
    var closed = open
    closed.amount = WireNumber(0)
    closed.status = "EXECUTED @ 30000.0(2.0)"
    let trade = AccountTrade(id: tradeID, symbol: "tBTCUSD", mtsCreate: 2, orderId: id, execAmount: WireNumber(2),
                             execPrice: WireNumber(30_000), orderType: "EXCHANGE LIMIT", orderPrice: WireNumber(30_000), maker: 1)
    var withFee = trade
    withFee.fee = WireNumber(-12)
    withFee.feeCurrency = "USD"
    let wallet = Wallet(walletType: "exchange", currency: "USD", balance: WireNumber(1_000_000 - id % 1000), balanceAvailable: WireNumber(900_000))
    let position = Position(symbol: "tETHUSD", status: "ACTIVE", amount: WireNumber(id % 7 + 1), basePrice: WireNumber(1_500))
    return [
        ("on", open.row), ("ou", partial.row), ("te", trade.row), ("wu", wallet.row), ("tu", withFee.row),
        ("pu", position.row), ("miu", .array(["base", .array([1, 2, 3, 4, 5])])),
        ("bu", BalanceInfo(aum: WireNumber(id), aumNet: WireNumber(id)).row), ("oc", closed.row),
    ]
}

var texts: [String] = []
texts.reserveCapacity(eventCount)
var orderID: Int64 = 1
while texts.count < eventCount {
    // Whole cycles only (every order ends closed), so the count is rounded up to a multiple of 9.
    for (type, row) in cycle(orderID, orderID * 10) {
        texts.append(JSONValue.array([0, .string(type), row]).serialized())
    }
    orderID += 1
}
var decoder = FrameDecoder()
var events: [UserEvent] = []
events.reserveCapacity(eventCount)
for text in texts {
    if case let .user(event, _) = try decoder.decode(text) { events.append(event) }
}
guard events.count == texts.count else {
    print("generated frames did not all decode to channel-0 events: \(events.count) of \(texts.count)")
    exit(1)
}

func rate(_ count: Int, _ elapsed: Duration) -> Double { Double(count) / (microseconds(elapsed) / 1e6) }

var applyRates: [Double] = []
var decodeApplyRates: [Double] = []
for _ in 0..<5 {
    var state = AccountState(recentTradesCapacity: 1_000)
    var changes = 0
    var started = clock.now
    for event in events { changes &+= state.apply(event).count }
    applyRates.append(rate(events.count, clock.now - started))
    guard state.orders.isEmpty, changes > 0 else {
        print("unexpected final state: \(state.orders.count) open orders, \(changes) changes")
        exit(1)
    }

    state = AccountState(recentTradesCapacity: 1_000)
    var fresh = FrameDecoder()
    started = clock.now
    for text in texts {
        if case let .user(event, _) = try fresh.decode(text) { changes &+= state.apply(event).count }
    }
    decodeApplyRates.append(rate(texts.count, clock.now - started))
}
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
print(String(format: "AccountState.apply (decoded events): median %.0f events/s (best %.0f) over 5 runs of %d",
             median(applyRates), applyRates.max() ?? 0, events.count))
print(String(format: "decode + AccountState.apply (text frames): median %.0f events/s (best %.0f)",
             median(decodeApplyRates), decodeApplyRates.max() ?? 0))

// (c) End to end through UserDataClient with an in-memory transport.

/// Answers `auth` with OK + snapshots; the benchmark then pushes the frames.
final class MemoryConnection: UserDataConnection {
    let frames: AsyncThrowingStream<String, any Error>
    let continuation: AsyncThrowingStream<String, any Error>.Continuation
    init() { (frames, continuation) = AsyncThrowingStream.makeStream(of: String.self, throwing: (any Error).self) }
    func send(_ text: String) async throws {
        guard text.contains("\"auth\"") else { return }
        continuation.yield(#"{"event":"auth","status":"OK","chanId":0,"userId":1}"#)
        continuation.yield(#"[0,"os",[]]"#)
        continuation.yield(#"[0,"ps",[]]"#)
        continuation.yield(#"[0,"ws",[]]"#)
    }
    func close() async { continuation.finish() }
}

final class MemoryTransport: UserDataTransport {
    let connection = MemoryConnection()
    func connect() async throws -> any UserDataConnection { connection }
}

var endToEnd: [Double] = []
for _ in 0..<3 {
    let transport = MemoryTransport()
    let memoryClient = UserDataClient(credentials: credentials,
                                      configuration: UserDataConfiguration(heartbeatTimeout: nil, eventBufferCapacity: 1 << 20),
                                      transport: transport, nonceManager: NonceManager(), logger: quiet)
    let changes = await memoryClient.accountChanges()
    let consumed = Atomic<Int>(0)
    let consumer = Task { for await _ in changes { consumed.add(1, ordering: .relaxed) } }
    try await memoryClient.start()
    let base = await memoryClient.status.messagesReceived
    let started = clock.now
    for text in texts { transport.connection.continuation.yield(text) }
    // Bounded poll: until the client has processed every frame (or 120 s).
    while await memoryClient.status.messagesReceived - base < texts.count, clock.now - started < .seconds(120) {
        try await Task.sleep(for: .microseconds(200))
    }
    let elapsed = clock.now - started
    let processed = await memoryClient.status.messagesReceived - base
    endToEnd.append(rate(processed, elapsed))
    await memoryClient.stop()
    consumer.cancel()
}
print(String(format: "UserDataClient end to end (in-memory transport: decode, apply, correlate, publish): median %.0f events/s (best %.0f)",
             median(endToEnd), endToEnd.max() ?? 0))
