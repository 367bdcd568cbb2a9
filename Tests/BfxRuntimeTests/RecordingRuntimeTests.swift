import BfxClient
import BfxProtocol
import BfxTestSupport
import Foundation
import Testing
@testable import BfxRuntime

/// `recording:` in the YAML: decoding, and a runtime on the embedded simulator with a keyed
/// user-data stream and a book whose recording checks clean and holds no credential.
@Suite(.serialized) struct RecordingRuntimeTests {
    static func temporaryPath() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bfxrec-rt-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("run.bfxrec.gz").path
    }

    @Test func decodesEveryKeyAndRejectsBadValues() throws {
        let yaml = "recording: {path: /tmp/x.gz, max_bytes: 1048576, max_files: 3, flush_interval: 250ms, level: 1}\n"
        let config = try #require(try ConfigLoader.load(yaml: yaml, file: "r.yaml", environment: [:]).config.recording)
        #expect(config.path == "/tmp/x.gz" && config.maxBytes == 1_048_576 && config.maxFiles == 3 && config.level == 1)
        #expect(config.flushInterval == ConfigDuration(milliseconds: 250))
        #expect(try ConfigLoader.load(yaml: "version: 1\n", file: "r.yaml", environment: [:]).config.recording == nil)
        for bad in ["recording: {level: 0}\n", "recording: {max_files: 0}\n", "recording: {max_bytes: 10}\n", "recording: {path_: x}\n"] {
            #expect(throws: ConfigError.self) { try ConfigLoader.load(yaml: bad, file: "r.yaml", environment: [:]) }
        }
    }

    @Test func aRuntimeRecordsItsSessionWithoutCredentials() async throws {
        let key = "KNOWNKEY-rt-51c3a9e0"
        let secret = "KNOWNSECRET-rt-0d9b77f2"
        let path = Self.temporaryPath()
        let yaml = """
        endpoint: simulator
        keys: [{name: k, api_key: "${REC_KEY}", api_secret: "${REC_SECRET}"}]
        connections:
          - {name: account, key: k}
          - {name: market, channels: [{channel: book, symbol: tBTCUSD, prec: P0, len: 25}, {channel: trades, symbol: tBTCUSD}]}
        recording: {path: "\(path)", flush_interval: 50ms}
        simulator: {seed: 5, rate: 50}
        """
        let loaded = try ConfigLoader.load(yaml: yaml, file: "rec.yaml", environment: ["REC_KEY": key, "REC_SECRET": secret])
        let runtime = Runtime(config: loaded.config, options: RuntimeOptions(logger: TestSupport.quietLogger, serveHTTP: false))
        try await runtime.start()
        #expect(await eventually(timeout: .seconds(10)) {
            let channels = await runtime.channels()
            return channels.count == 2 && channels.allSatisfy { $0.chanId != nil }
        })
        #expect(await runtime.userDataStreams().first?.phase == "ready")
        // Let the market move so the book gets updates and checksums.
        #expect(await eventually(timeout: .seconds(10)) { ((try? ReplayCheck.run(path: path))?.channels.first { $0.channel.hasPrefix("book") }?.checksumsVerified ?? 0) > 2 })
        await runtime.stop()

        let report = try ReplayCheck.run(path: path)
        #expect(report.decodeErrors == 0 && report.sequenceProblems == 0)
        #expect(report.redactedFrames >= 1)
        #expect(report.books.contains { $0.channel == "book tBTCUSD P0 25" })
        #expect(report.channels.allSatisfy { $0.checksumMismatches == 0 })
        let raw = try Data(contentsOf: URL(fileURLWithPath: path))
        var reader = try RecordingReader(path: path)
        var text = Data()
        try reader.forEachRecord { _, line in text.append(contentsOf: line); text.append(0x0A) }
        for needle in [key, secret] {
            #expect(raw.range(of: Data(needle.utf8)) == nil)
            #expect(text.range(of: Data(needle.utf8)) == nil)
        }
    }
}
