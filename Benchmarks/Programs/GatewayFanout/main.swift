// The gateway's fan-out, measured (issue "Gateway, part 1", docs/performance.md):
//   1. aggregate local frames/s at 1, 10 and 100 local clients from one upstream burst, next to a
//      bare NIO fan-out of the same pre-encoded bytes to the same number of readers (the ceiling),
//      and process CPU per million local frames for both;
//   2. added latency (feed enqueue → write completed, per written batch) p50/p99 at ~10k upstream
//      msgs/s × 50 clients;
//   3. RSS with 100 local clients × 10 channels.
// Simulator, upstream client, gateway and readers share this process (2 cores): CPU and RSS are
// upper bounds for the gateway alone. Readers only walk frame headers (no JSON).
//
// Run: cd Benchmarks && swift run -c release GatewayFanout [ticks=4000]
import BfxClient
import BfxGateway
import BfxProtocol
import BfxSimulator
import Logging
import NIOCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

let ticks = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 4_000 : 4_000
let group = MultiThreadedEventLoopGroup.singleton
let quiet: Logger = {
    var logger = Logger(label: "bench")
    logger.logLevel = .error
    return logger
}()

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func rssMB() -> Double {
    guard let file = fopen("/proc/self/status", "r") else { return 0 }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix("VmRSS:") {
            return Double(text.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Double($0) } ?? 0) / 1024
        }
    }
    return 0
}

func fmt(_ v: Double, _ digits: Int = 0) -> String {
    var text = String(Int((v * pow10(digits)).rounded()))
    if digits > 0 {
        while text.count <= digits { text = "0" + text }
        text.insert(".", at: text.index(text.endIndex, offsetBy: -digits))
    }
    return text
}
func pow10(_ n: Int) -> Double { (0..<n).reduce(1.0) { r, _ in r * 10 } }

/// Waits until every counter's frame count stops growing for `quiet` (bounded by `limit`).
func waitQuiet(_ counters: [FrameCounter], quiet: Duration = .milliseconds(400), limit: Duration = .seconds(120)) async {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: limit)
    var last = -1
    var stableSince = clock.now
    while clock.now < deadline {
        let total = counters.reduce(0) { $0 + $1.frames.load(ordering: .relaxed) }
        if total != last { last = total; stableSince = clock.now }
        if clock.now - stableSince >= quiet { return }
        try? await Task.sleep(for: .milliseconds(20))
    }
}

struct Setup {
    let simulator: BfxSimulator
    let upstream: BfxClient
    let gateway: Gateway
    let forward: Task<Void, Never>

    static func start(tick: SimulatorConfiguration.TickMode, rate: Double = 20, sendBuffer: Int = 1 << 20) async throws -> Setup {
        var sim = SimulatorConfiguration()
        sim.tickMode = tick
        sim.ratePerSecond = rate
        sim.heartbeatInterval = .seconds(15)
        let simulator = try await BfxSimulator.start(sim, logger: quiet)
        var clientConfig = BfxClientConfiguration(publicURL: simulator.wsURL, authenticatedURL: simulator.wsURL)
        clientConfig.publicRateLimit = ConnectionRateLimit(maxConnections: 1_000, window: .seconds(60))
        let upstream = try BfxClient(configuration: clientConfig, logger: quiet)
        let base = String(simulator.restURL.dropLast(3))
        let rest = BfxRESTClient(configuration: BfxRESTConfiguration(publicBaseURL: base, authBaseURL: base))
        var configuration = GatewayConfiguration()
        configuration.port = 0
        configuration.sendBuffer = sendBuffer
        configuration.maxClients = 1_000
        configuration.requestsPerSecond = 10_000
        let gateway = try await Gateway.start(configuration, upstream: upstream, rest: rest, logger: quiet)
        let forward = Task { for await event in upstream.events { await gateway.observe(event) } }
        return Setup(simulator: simulator, upstream: upstream, gateway: gateway, forward: forward)
    }

    func stop() async {
        await gateway.shutdown()
        forward.cancel()
        await upstream.shutdown()
        await simulator.shutdown()
    }
}

let channelRequests = [
    "{\"event\":\"subscribe\",\"channel\":\"book\",\"symbol\":\"tBTCUSD\",\"prec\":\"R0\",\"len\":\"100\"}",
    "{\"event\":\"subscribe\",\"channel\":\"book\",\"symbol\":\"tBTCUSD\",\"prec\":\"P0\",\"len\":\"25\"}",
    "{\"event\":\"subscribe\",\"channel\":\"trades\",\"symbol\":\"tBTCUSD\"}",
]

print("GatewayFanout: \(ticks) upstream ticks per burst; simulator, upstream client, gateway and readers in one process")

// MARK: 1. throughput vs the bare fan-out ceiling

for clients in [1, 10, 100] {
    let setup = try await Setup.start(tick: .manual)
    var counters: [FrameCounter] = []
    var channels: [any Channel] = []
    for _ in 0..<clients {
        let (counter, channel) = try await FrameCounter.connect(port: setup.gateway.port, texts: channelRequests, group: group)
        counters.append(counter)
        channels.append(channel)
    }
    await setup.simulator.step(5)
    await waitQuiet(counters)
    let before = counters.map { $0.frames.load(ordering: .relaxed) }
    counters.forEach { $0.resetTimes() }
    counters[0].startCapture()
    let cpu0 = cpuSeconds()
    let upstreamBefore = await setup.simulator.stats().messagesSent
    await setup.simulator.burst(ticks: ticks)
    let released = DispatchTimeNanos.now()  // the burst's frames are on the upstream socket from here
    await waitQuiet(counters)
    let cpu = cpuSeconds() - cpu0
    let upstreamFrames = await setup.simulator.stats().messagesSent - upstreamBefore
    let stream = counters[0].stopCapture()
    let frames = zip(counters, before).reduce(0) { $0 + $1.0.frames.load(ordering: .relaxed) - $1.1 }
    let last: UInt64 = counters.map { $0.lastFrameNanos.load(ordering: .relaxed) }.max() ?? 0
    // from the upstream release (upstream decode, verification, diff, fan-out) to the last local frame
    let seconds = Double(last &- released) / 1e9
    let gatewayRate = seconds > 0 ? Double(frames) / seconds : 0
    for channel in channels { channel.close(promise: nil) }
    await setup.stop()

    // the ceiling: the same bytes, the same number of readers, a bare NIO server
    let bare = try await BareFanout.start(group: group)
    var bareCounters: [FrameCounter] = []
    var bareChannels: [any Channel] = []
    for _ in 0..<clients {
        let (counter, channel) = try await FrameCounter.connect(port: bare.port, texts: [], group: group)
        bareCounters.append(counter)
        bareChannels.append(channel)
    }
    while bare.registry.count < clients { try await Task.sleep(for: .milliseconds(5)) }
    try await Task.sleep(for: .milliseconds(100))
    bareCounters.forEach { $0.resetTimes() }
    let bareCPU0 = cpuSeconds()
    let bareStart = DispatchTimeNanos.now()
    try await BareFanout.send(stream, to: bare.registry)
    await waitQuiet(bareCounters)
    let bareCPU = cpuSeconds() - bareCPU0
    let bareFrames = bareCounters.reduce(0) { $0 + $1.frames.load(ordering: .relaxed) }
    let bareLast: UInt64 = bareCounters.map { $0.lastFrameNanos.load(ordering: .relaxed) }.max() ?? 0
    let bareSeconds = Double(bareLast &- bareStart) / 1e9
    let bareRate = bareSeconds > 0 ? Double(bareFrames) / bareSeconds : 0
    for channel in bareChannels { channel.close(promise: nil) }
    bare.server.close(promise: nil)

    print("fan-out \(clients) clients: gateway \(fmt(gatewayRate)) local frames/s (\(frames) frames from \(upstreamFrames) upstream in \(fmt(seconds, 2)) s, "
        + "CPU \(fmt(frames > 0 ? cpu / Double(frames) * 1e6 : 0, 2)) s per million) | bare NIO \(fmt(bareRate)) frames/s "
        + "(CPU \(fmt(bareFrames > 0 ? bareCPU / Double(bareFrames) * 1e6 : 0, 2)) s per million) | gateway/bare \(fmt(bareRate > 0 ? gatewayRate / bareRate * 100 : 0, 1)) %")
}

// MARK: 2. added latency at ~10k upstream msgs/s × 50 clients

do {
    let setup = try await Setup.start(tick: .automatic, rate: 2_500)
    var counters: [FrameCounter] = []
    var channels: [any Channel] = []
    for _ in 0..<50 {
        let (counter, channel) = try await FrameCounter.connect(port: setup.gateway.port, texts: channelRequests, group: group)
        counters.append(counter)
        channels.append(channel)
    }
    try await Task.sleep(for: .seconds(1))
    let startMessages = await setup.simulator.stats().messagesSent
    let startFrames = counters.reduce(0) { $0 + $1.frames.load(ordering: .relaxed) }
    setup.gateway.latencyProbe.record(true)
    try await Task.sleep(for: .seconds(5))
    setup.gateway.latencyProbe.record(false)
    let upstreamRate = Double(await setup.simulator.stats().messagesSent - startMessages) / 5
    let localRate = Double(counters.reduce(0) { $0 + $1.frames.load(ordering: .relaxed) } - startFrames) / 5
    let samples = setup.gateway.latencyProbe.recorded.sorted()
    func pct(_ p: Double) -> Double { samples.isEmpty ? 0 : Double(samples[min(samples.count - 1, Int(Double(samples.count) * p))]) / 1e3 }
    print("latency 50 clients at \(fmt(upstreamRate)) upstream msgs/s (\(fmt(localRate)) local frames/s): feed enqueue → write done per batch "
        + "p50 \(fmt(pct(0.5), 1)) µs, p99 \(fmt(pct(0.99), 1)) µs, max \(fmt(pct(1.0), 1)) µs over \(samples.count) batches")
    for channel in channels { channel.close(promise: nil) }
    await setup.stop()
}

// MARK: 3. RSS with 100 clients × 10 channels

do {
    let rssBefore = rssMB()
    let setup = try await Setup.start(tick: .automatic, rate: 20)
    var requests: [String] = []
    for symbol in ["tBTCUSD", "tETHUSD"] {
        requests.append("{\"event\":\"subscribe\",\"channel\":\"ticker\",\"symbol\":\"\(symbol)\"}")
        requests.append("{\"event\":\"subscribe\",\"channel\":\"trades\",\"symbol\":\"\(symbol)\"}")
        requests.append("{\"event\":\"subscribe\",\"channel\":\"book\",\"symbol\":\"\(symbol)\",\"prec\":\"P0\",\"len\":\"25\"}")
        requests.append("{\"event\":\"subscribe\",\"channel\":\"book\",\"symbol\":\"\(symbol)\",\"prec\":\"R0\",\"len\":\"100\"}")
        requests.append("{\"event\":\"subscribe\",\"channel\":\"candles\",\"key\":\"trade:1m:\(symbol)\"}")
    }
    var counters: [FrameCounter] = []
    var channels: [any Channel] = []
    for _ in 0..<100 {
        let (counter, channel) = try await FrameCounter.connect(port: setup.gateway.port, texts: requests, group: group)
        counters.append(counter)
        channels.append(channel)
    }
    try await Task.sleep(for: .seconds(5))
    let state = await setup.gateway.snapshot()
    let subscribed = state.clients.reduce(0) { $0 + $1.channels.count }
    print("memory 100 clients × 10 channels (\(subscribed) local subscriptions, \(state.channels.count) upstream): process RSS \(fmt(rssMB(), 1)) MB "
        + "(\(fmt(rssBefore, 1)) MB before the simulator, client and gateway started)")
    for channel in channels { channel.close(promise: nil) }
    await setup.stop()
}
