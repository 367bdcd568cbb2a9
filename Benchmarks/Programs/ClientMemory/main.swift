// Resident memory of the WebSocket client alone with 250 live book subscriptions (P0…P4 × 50
// symbols, length 25, checksums on): the simulator runs in a CHILD PROCESS (this binary started
// with `--serve`), so VmRSS/VmHWM read from /proc/self/status are the client's (plus the Swift
// runtime of this small executable), not the exchange's. Foundation is not imported (it alone
// would add several MB of resident pages that a client using only BfxClient does not need).
//
// Run: cd Benchmarks && swift run -c release ClientMemory [seconds=10] [threads=0 (NIO singleton)]
import BfxClient
import BfxSimulator
import Logging
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

let symbolCount = 50
let arguments = CommandLine.arguments

/// `VmRSS` and `VmHWM` (kB) from /proc/self/status.
func memoryStatus() -> (rss: Int, hwm: Int) {
    guard let file = fopen("/proc/self/status", "r") else { return (0, 0) }
    defer { fclose(file) }
    var rss = 0
    var hwm = 0
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let value = Int(text.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        if text.hasPrefix("VmRSS:") { rss = value } else if text.hasPrefix("VmHWM:") { hwm = value }
    }
    return (rss, hwm)
}

func mb(_ kb: Int) -> String {
    let tenths = (kb * 10 + 512) / 1024
    return "\(tenths / 10).\(tenths % 10) MB"
}

// MARK: child: the simulator

if arguments.count > 1 && arguments[1] == "--serve" {
    let lifetime = arguments.count > 2 ? Int(arguments[2]) ?? 120 : 120
    var configuration = SimulatorConfiguration()
    configuration.tickMode = .automatic
    configuration.ratePerSecond = 2
    configuration.tradingSymbols = (0..<symbolCount).map { "tM\($0)USD" }
    configuration.fundingSymbols = []
    configuration.heartbeatInterval = .seconds(15)
    var quiet = Logger(label: "sim")
    quiet.logLevel = .error
    let simulator = try await BfxSimulator.start(configuration, logger: quiet)
    let banner = "ws \(simulator.wsURL)\n"
    _ = banner.withCString { write(1, $0, strlen($0)) }
    // Bounded life: the parent kills it when done; this is the backstop.
    try? await Task.sleep(for: .seconds(lifetime))
    await simulator.shutdown()
    exit(0)
}

// MARK: parent: the client

let seconds = min(600, max(1, arguments.count > 1 ? Int(arguments[1]) ?? 10 : 10))
let threads = arguments.count > 2 ? Int(arguments[2]) ?? 0 : 0

/// Starts this executable with `--serve` and returns its pid and the simulator's ws URL.
func startSimulatorProcess() -> (pid: pid_t, url: String)? {
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { return nil }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
    posix_spawn_file_actions_addclose(&actions, fds[0])
    defer { posix_spawn_file_actions_destroy(&actions) }
    let executable = "/proc/self/exe"
    let childArguments = [arguments[0], "--serve", "\(seconds + 120)"]
    var argv: [UnsafeMutablePointer<CChar>?] = childArguments.map { strdup($0) } + [nil]
    defer { for p in argv { free(p) } }
    var pid: pid_t = 0
    guard posix_spawn(&pid, executable, &actions, nil, &argv, environ) == 0 else { return nil }
    close(fds[1])
    var collected: [UInt8] = []
    var byte: UInt8 = 0
    // Bounded: one line of at most 4 KiB.
    while collected.count < 4096, read(fds[0], &byte, 1) == 1 {
        if byte == 10 { break }
        collected.append(byte)
    }
    close(fds[0])
    let line = String(decoding: collected, as: UTF8.self)
    guard line.hasPrefix("ws ") else { return nil }
    return (pid, String(line.dropFirst(3)))
}

let baseline = memoryStatus()
guard let child = startSimulatorProcess() else {
    print("could not start the simulator process")
    exit(1)
}
var quiet = Logger(label: "bench")
quiet.logLevel = .error
let group: any EventLoopGroup = threads > 0 ? MultiThreadedEventLoopGroup(numberOfThreads: threads) : MultiThreadedEventLoopGroup.singleton
let client = try BfxClient(configuration: BfxClientConfiguration(publicURL: child.url), eventLoopGroup: group, logger: quiet)
var subscriptions: [Subscription] = []
for index in 0..<symbolCount {
    for precision in [ChannelSpec.Precision.p0, .p1, .p2, .p3, .p4] {
        subscriptions.append(try await client.subscribe(.book("tM\(index)USD", precision: precision, length: 25)))
    }
}
let all = subscriptions
// Every subscription has a consumer that reads its events (as an application would).
let consumers = all.map { $0.onEvent { _ in } }
let clock = ContinuousClock()
let deadline = clock.now.advanced(by: .seconds(120))
// 10 connections at the public limit of 20 opens/min: all fit in the first window.
while !all.allSatisfy(\.isLive), clock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
let liveCount = all.filter(\.isLive).count
let atLive = memoryStatus()
try await Task.sleep(for: .seconds(seconds))
let afterStreaming = memoryStatus()
let snapshot = await client.snapshot()
let messages = snapshot.connections.map(\.messages).reduce(0, +)
let verified = snapshot.channels.map(\.checksumsVerified).reduce(0, +)
print("client RSS (simulator in pid \(child.pid)): baseline \(mb(baseline.rss)); \(liveCount)/\(all.count) books live over \(client.connectionCount) connections: VmRSS \(mb(atLive.rss)); after \(seconds) s streaming (\(messages) msgs, \(verified) checksums verified, \(snapshot.integrity.checksumMismatches) mismatches): VmRSS \(mb(afterStreaming.rss)), VmHWM \(mb(afterStreaming.hwm)); NIO threads: \(threads > 0 ? "\(threads)" : "singleton (\(System.coreCount))")")
for consumer in consumers { consumer.cancel() }
await client.shutdown()
kill(child.pid, SIGTERM)
var status: Int32 = 0
waitpid(child.pid, &status, 0)
if threads > 0 { try? await group.shutdownGracefully() }
