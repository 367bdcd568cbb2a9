import BfxTestSupport
import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the built `bfxrun run` executable as a child process on a simulator config and checks the
/// signal contract of docs/operations.md: SIGINT/SIGTERM → graceful shutdown, exit 0; SIGHUP →
/// reload (valid: applied; invalid: errors logged, old config kept, still running).
@Suite(.serialized) struct SignalHandlingTests {
    static let yaml = """
    version: 1
    endpoint: simulator
    connections:
      - name: market
        channels:
          - {channel: ticker, symbol: tBTCUSD}
          - {channel: book, symbol: tBTCUSD, prec: P0, len: 25}
    websocket: {sequence: false}
    metrics: {listen: "127.0.0.1:0"}
    simulator: {seed: 7, rate: 20}
    shutdown: {drain_timeout: 1s}
    output: {summary_interval: 0s}
    """

    /// The bfxrun binary next to the test bundle (SwiftPM builds every product with --build-tests).
    static func binary() -> URL? {
        var directory = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("bfxrun")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        let fallback = TestSupport.packageRoot.appendingPathComponent(".build/debug/bfxrun")
        return FileManager.default.isExecutableFile(atPath: fallback.path) ? fallback : nil
    }

    /// Output collected across threads (Mutex: the pipe handler writes, the test reads).
    final class Buffer: Sendable {
        let text = Mutex("")
    }

    /// A running `bfxrun run` child; its stdout+stderr are collected as they arrive.
    final class Child: Sendable {
        let process: Process
        /// Written by the pipe's readability handler (a Foundation thread), read by the test.
        private let collected = Buffer()
        private let pipe = Pipe()

        init(binary: URL, config: URL) throws {
            process = Process()
            process.executableURL = binary
            process.arguments = ["run", config.path, "--log-level", "info", "--summary-interval", "0"]
            process.currentDirectoryURL = TestSupport.packageRoot
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = pipe
            process.standardError = pipe
            pipe.fileHandleForReading.readabilityHandler = { [collected] handle in
                let data = handle.availableData
                guard !data.isEmpty else { handle.readabilityHandler = nil; return }
                collected.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
            }
            try process.run()
        }

        var log: String { collected.text.withLock { $0 } }

        /// Occurrences of `text` in the log so far.
        func count(_ text: String) -> Int { log.components(separatedBy: text).count - 1 }

        /// Polls (bounded) until `text` occurs at least `times` times in the log.
        func waitFor(_ text: String, times: Int = 1, timeout: Duration = .seconds(20)) async -> Bool {
            await eventually(timeout: timeout) { self.count(text) >= times }
        }

        /// Polls (bounded) until the process exited; returns its status, nil on timeout.
        func waitForExit(timeout: Duration = .seconds(20)) async -> Int32? {
            let exited = await eventually(timeout: timeout) { !self.process.isRunning }
            guard exited else { return nil }
            process.waitUntilExit()
            return process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
        }

        func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

        /// Always called in a defer: no child outlives the test.
        func terminate() {
            if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        }
    }

    private func start() throws -> (Child, URL)? {
        guard let binary = Self.binary() else {
            if ProcessInfo.processInfo.environment["CI"] != nil { Issue.record("bfxrun binary not built") }
            return nil
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bfxrun-signal-\(UUID().uuidString).yaml")
        try Self.yaml.write(to: file, atomically: true, encoding: .utf8)
        return (try Child(binary: binary, config: file), file)
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func stopSignalShutsDownGracefully(signal: Int32) async throws {
        guard let (child, file) = try start() else { return }
        defer { child.terminate(); try? FileManager.default.removeItem(at: file) }
        // The first line is logged while the runtime is still starting: a signal then must be
        // queued and handled once started (before the fix it hit SIG_DFL: killed, no shutdown).
        #expect(await child.waitFor("embedded simulator listening"), "\(child.log)")
        child.send(signal)
        let status = await child.waitForExit()
        #expect(status == 0, "\(child.log)")
        #expect(child.count("signal received, shutting down") == 1, "\(child.log)")
        #expect(child.count("runtime started") == 1, "\(child.log)")
        #expect(child.count("runtime stopped") == 1, "\(child.log)")
    }

    @Test func sighupReloadsValidAndKeepsOldOnInvalid() async throws {
        guard let (child, file) = try start() else { return }
        defer { child.terminate(); try? FileManager.default.removeItem(at: file) }
        #expect(await child.waitFor("runtime started"), "\(child.log)")

        // Valid change: one more channel → reloaded, still running.
        let changed = Self.yaml.replacingOccurrences(of: "      - {channel: ticker, symbol: tBTCUSD}\n",
                                                     with: "      - {channel: ticker, symbol: tBTCUSD}\n      - {channel: ticker, symbol: tETHUSD}\n")
        #expect(changed != Self.yaml)
        try changed.write(to: file, atomically: true, encoding: .utf8)
        child.send(SIGHUP)
        #expect(await child.waitFor("config reloaded"), "\(child.log)")
        #expect(child.process.isRunning, "\(child.log)")

        // Invalid: errors logged, old config kept, still running.
        try (changed + "\nbogus: 1\n").write(to: file, atomically: true, encoding: .utf8)
        child.send(SIGHUP)
        #expect(await child.waitFor("config reload rejected; keeping the running config"), "\(child.log)")
        #expect(child.log.contains("bogus"), "\(child.log)")
        #expect(child.count("config reloaded") == 1, "\(child.log)")
        #expect(child.process.isRunning, "\(child.log)")

        child.send(SIGTERM)
        let status = await child.waitForExit()
        #expect(status == 0, "\(child.log)")
        #expect(child.count("runtime stopped") == 1, "\(child.log)")
    }
}
