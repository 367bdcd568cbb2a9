// `bfxrun replay FILE --check` throughput: frames/s of ReplayCheck (gzip decompression, line
// split, decode, book apply, every `cs` verified, SEQ_ALL audit) on a recorded session.
//
// The session is recorded here: the Swift client with a FrameRecorder, SEQ_ALL and checksums on,
// subscribed to `books` P0/25 books and their trades on the in-process simulator in burst mode,
// until the recording holds at least `frames` frames. Then the check runs `runs` times on the
// file (best and median reported) plus the read alone (decompress + split lines) for comparison.
// Pass an existing recording as the 4th argument to skip recording.
//
// Run: cd Benchmarks && swift run -c release ReplayCheckThroughput [frames] [books] [runs] [FILE]
import BfxClient
import BfxProtocol
import BfxSimulator
import Foundation
import Logging

let arguments = CommandLine.arguments
let target = arguments.count > 1 ? Int(arguments[1]) ?? 1_000_000 : 1_000_000
let bookCount = max(1, arguments.count > 2 ? Int(arguments[2]) ?? 4 : 4)
let runs = max(1, arguments.count > 3 ? Int(arguments[3]) ?? 3 : 3)
let existing = arguments.count > 4 ? arguments[4] : nil

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

func record(to path: String) async throws {
    var quiet = Logger(label: "bench")
    quiet.logLevel = .error
    var simConfig = SimulatorConfiguration()
    simConfig.tickMode = .manual
    simConfig.tradingSymbols = (0..<bookCount).map { "tB\($0)USD" }
    simConfig.fundingSymbols = []
    simConfig.dedicatedEventLoopThreads = 1
    let simulator = try await BfxSimulator.start(simConfig, logger: quiet)
    let recorder = try FrameRecorder(options: .init(path: path, maxBytes: 1 << 40, level: 1))
    var configuration = BfxClientConfiguration(publicURL: simulator.wsURL, authenticatedURL: simulator.wsURL)
    configuration.recorder = recorder
    configuration.heartbeatTimeout = .seconds(60)
    let client = try BfxClient(configuration: configuration, logger: quiet)
    var subscriptions: [Subscription] = []
    for symbol in simConfig.tradingSymbols {
        subscriptions.append(try await client.subscribe(.book(symbol, precision: .p0, length: 25)))
        subscriptions.append(try await client.subscribe(.trades(symbol)))
    }
    for _ in 0..<2_000 where !subscriptions.allSatisfy(\.isLive) { try await Task.sleep(for: .milliseconds(5)) }
    // Bounded: at most 200 bursts.
    for _ in 0..<200 where recorder.statistics.records < target {
        await simulator.burst(ticks: 20_000)
        for _ in 0..<6_000 where await simulator.pendingFrames() > 0 { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(50))
        print("recorded \(recorder.statistics.records) records", terminator: "\r")
    }
    await client.shutdown()
    await simulator.shutdown()
    recorder.close()
    print("")
}

let path = existing ?? FileManager.default.temporaryDirectory.appendingPathComponent("bfx-replay-bench-\(getpid()).bfxrec.gz").path
if existing == nil {
    try? FileManager.default.removeItem(atPath: path)
    try await record(to: path)
}
let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
let clock = ContinuousClock()

var readTimes: [Double] = []
var lines = 0
var textBytes = 0
for _ in 0..<runs {
    var reader = try RecordingReader(path: path)
    var n = 0
    var bytes = 0
    let t0 = clock.now
    try reader.forEachRecord { _, line in n += 1; bytes += line.count + 1 }
    readTimes.append(seconds(clock.now - t0))
    lines = n
    textBytes = bytes
}

var checkTimes: [Double] = []
var last: ReplayCheck.Report?
for _ in 0..<runs {
    let t0 = clock.now
    last = try ReplayCheck.run(path: path)
    checkTimes.append(seconds(clock.now - t0))
}
guard let report = last else { exit(1) }
let best = checkTimes.min() ?? 1
let median = checkTimes.sorted()[checkTimes.count / 2]
let verified = report.channels.reduce(0) { $0 + $1.checksumsVerified }
let mismatches = report.channels.reduce(0) { $0 + $1.checksumMismatches }
print("recording: \(path)")
print("  \(size) bytes gzip, \(textBytes) bytes text, \(lines) records, \(report.inboundFrames) frames in, \(report.outboundFrames) out")
print("  decode errors \(report.decodeErrors), sequence problems \(report.sequenceProblems), checksums verified \(verified), mismatches \(mismatches)")
print(String(format: "read only (gunzip + split): best %.3f s = %.2f M records/s", readTimes.min() ?? 0, Double(lines) / (readTimes.min() ?? 1) / 1e6))
print(String(format: "replay --check: best %.3f s = %.2f M frames/s (median %.3f s = %.2f M frames/s)",
             best, Double(report.inboundFrames) / best / 1e6, median, Double(report.inboundFrames) / median / 1e6))
