import Foundation
import Testing

/// Runs the built `bfxrun console` executable in script mode (pipe, -c, --file) against the
/// quickstart config and its embedded simulator.
@Suite(.serialized) struct ConsoleBinaryTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The bfxrun binary next to the test bundle (SwiftPM builds every product with --build-tests).
    static func binary() -> URL? {
        var directory = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("bfxrun")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        let fallback = root.appendingPathComponent(".build/debug/bfxrun")
        return FileManager.default.isExecutableFile(atPath: fallback.path) ? fallback : nil
    }

    private func run(_ arguments: [String], stdin: String? = nil) throws -> (status: Int32, out: String, err: String)? {
        guard let binary = Self.binary() else {
            if ProcessInfo.processInfo.environment["CI"] != nil { Issue.record("bfxrun binary not built") }
            return nil
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = ["console", Self.root.appendingPathComponent("examples/quickstart.yaml").path, "--log-level", "error", "--no-history"] + arguments
        process.currentDirectoryURL = Self.root
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        if let stdin { try input.fileHandleForWriting.write(contentsOf: Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    @Test func pipedScriptExitStatusIsTheLastFailure() throws {
        guard let result = try run([], stdin: "status --ndjson\nbook tBTCUSD 3\nnosuchcommand\nchannels\n") else { return }
        #expect(result.status == 2, "\(result.err)")
        #expect(result.out.hasPrefix(#"{"endpoint":"simulator"#))
        #expect(result.out.contains("count\tbid_amount\tbid\task\task_amount\tcount"))
        #expect(result.out.contains("book:tBTCUSD:P0:F0:25"))
        #expect(result.err.contains("error: unknown command 'nosuchcommand'"))
    }

    @Test func dashCAndFile() throws {
        guard let ok = try run(["-c", "status; nonce --json"]) else { return }
        #expect(ok.status == 0, "\(ok.err)")
        #expect(ok.out.contains(#""keys""#))
        guard let file = try run(["--file", "examples/console/inspect.bfx"]) else { return }
        #expect(file.status == 0, "\(file.err)")
        #expect(file.out.contains("reconnect-storm"))
        guard let missing = try run(["--file", "/nonexistent/script.bfx"]) else { return }
        #expect(missing.status == 2)
        guard let failing = try run(["-c", "ticker tNOPE"]) else { return }
        #expect(failing.status == 1)
    }
}
