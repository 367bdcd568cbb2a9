import BfxTestSupport
import Foundation
import Testing

/// `bfxrun nonce stress` against a standalone `bfxrun simulate` whose REST budget is tiny
/// (`--rest-auth-per-minute 3`): the run must not go silent — every rate-limit wait is printed
/// (endpoint, how long) and progress lines appear — instead of waiting out the server's block
/// without a word (issue 18).
@Suite(.serialized) struct NonceStressReportingTests {
    /// Runs `bfxrun` with `arguments`; stdout and stderr go to files in `dir`.
    static func launch(_ bfxrun: String, _ arguments: [String], dir: String, name: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bfxrun)
        process.arguments = arguments
        _ = FileManager.default.createFile(atPath: "\(dir)/\(name).out", contents: nil)
        _ = FileManager.default.createFile(atPath: "\(dir)/\(name).err", contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(dir)/\(name).out"))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(dir)/\(name).err"))
        try process.run()
        return process
    }

    static func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    @Test(.timeLimit(.minutes(2)))
    func aTinyRESTBudgetPrintsEveryRateLimitWaitAndProgress() async throws {
        guard let bfxrun = MultiProcessStressTests.bfxrunPath() else { return }
        let dir = temporaryDirectory("stress-report")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try #"[{"key":"k1","secret":"s1"}]"#.write(toFile: "\(dir)/keys.json", atomically: true, encoding: .utf8)
        let simulator = try Self.launch(bfxrun, ["simulate", "--keys", "\(dir)/keys.json", "--rest-auth-per-minute", "3",
                                                 "--duration", "90"], dir: dir, name: "sim")
        defer { if simulator.isRunning { simulator.terminate() } }
        var base: String?
        // The banner's `rest:` line (written unbuffered at start-up); bounded wait for a real process.
        let found = await eventually(timeout: .seconds(30), every: .milliseconds(20)) {
            let line = Self.read("\(dir)/sim.out").split(separator: "\n").first { $0.hasPrefix("rest:") }
            base = line.map { String($0.dropFirst("rest:".count)).trimmingCharacters(in: .whitespaces) }
                .map { $0.hasSuffix("/v2") ? String($0.dropLast(3)) : $0 }
            return base != nil
        }
        let url = try #require(base, "simulator banner not seen: \(Self.read("\(dir)/sim.err"))")
        #expect(found)

        // 2 tasks × 4 calls on an endpoint allowing 3 per minute: the 4th call gets 429 and every
        // later one waits out a 0.3 s block first (the stress does not retry, so those fail).
        let stress = try Self.launch(bfxrun, ["nonce", "stress", "--url", url, "--tasks", "2", "--calls", "4", "--api-key", "k1",
                                              "--api-secret", "s1", "--rate-limit-backoff", "0.3", "--progress", "0.2"],
                                     dir: dir, name: "stress")
        defer { if stress.isRunning { stress.terminate() } }
        #expect(await eventually(timeout: .seconds(60), every: .milliseconds(20)) { !stress.isRunning }, "nonce stress did not finish")
        let err = Self.read("\(dir)/stress.err")
        let out = Self.read("\(dir)/stress.out")
        let waits = err.split(separator: "\n").filter { $0.hasPrefix("rate limit: auth/r/wallets waits 0.3 s (server rate limit)") }
        #expect(waits.count >= 1, "no rate-limit wait printed; stderr: \(err)")
        #expect(err.contains("progress: "), "no progress line; stderr: \(err)")
        #expect(out.contains("succeeded 3, failed 5"), "stdout: \(out)")
        #expect(stress.terminationStatus == 1)  // calls failed: the summary says so and the exit status too
        simulator.terminate()
    }
}
