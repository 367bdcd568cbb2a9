import BfxProtocol
import BfxTestSupport
import Foundation
import Testing
@testable import BfxConsole

@Suite struct ScriptModeTests {
    private func runPipe(_ bytes: [UInt8], format: OutputFormat = .plain, stopOnError: Bool = false, backend: FakeConsoleBackend = FakeConsoleBackend()) async throws -> (Int32, BufferedOutputSink) {
        let pipe = Pipe()
        try pipe.fileHandleForWriting.write(contentsOf: Data(bytes))
        try pipe.fileHandleForWriting.close()
        let sink = BufferedOutputSink()
        let reader = StreamLineReader(fileDescriptor: pipe.fileHandleForReading.fileDescriptor, maxLineBytes: 4096)
        let status = await ConsoleRunner.runScript(backend: backend, source: reader, sink: sink, format: format, options: ConsoleOptions(historyPath: nil, stopOnError: stopOnError))
        try pipe.fileHandleForReading.close()
        return (status, sink)
    }

    @Test func dashCStatementsRunInOrder() async {
        let sink = BufferedOutputSink()
        let status = await ConsoleRunner.runScript(backend: FakeConsoleBackend(), source: ScriptLineSource(lines: ["status --ndjson; alerts"]), sink: sink, format: .plain)
        #expect(status == 0)
        #expect(sink.output.hasPrefix(#"{"endpoint":"#))
        #expect(sink.output.contains("name\tkind\tstate\tvalue\tthreshold\tepisodes\nreconnect-storm\t"))
    }

    @Test func exitStatusIsTheLastFailure() async {
        let sink = BufferedOutputSink()
        let status = await ConsoleRunner.runScript(backend: FakeConsoleBackend(), source: ScriptLineSource(lines: ["bogus; ticker tNOPE; status"]), sink: sink, format: .plain)
        #expect(status == 1)
        #expect(sink.output.hasPrefix("endpoint\t"))
        #expect(sink.errors == "error: unknown command 'bogus' (see `help`)\nerror: no data for symbol tNOPE (subscribe first, see `channels`)\n")
        let usage = await ConsoleRunner.runScript(backend: FakeConsoleBackend(), source: ScriptLineSource(lines: ["ticker tNOPE; book"]), sink: BufferedOutputSink(), format: .plain)
        #expect(usage == 2)
    }

    @Test func pipedLinesWithCommentsAndCRLF() async throws {
        let script = "# inspect\nstatus --json\r\n\n   \nchannels\nquit\nstatus\n"
        let (status, sink) = try await runPipe(Array(script.utf8))
        #expect(status == 0)
        #expect(sink.output.hasPrefix("{\n  \"endpoint\""))
        #expect(sink.output.contains("id\tconnection\tspec"))
        #expect(sink.output.components(separatedBy: "\"endpoint\"").count == 2, "status after quit must not run")
    }

    @Test func lastLineWithoutNewlineRuns() async throws {
        let (status, sink) = try await runPipe(Array("status --ndjson".utf8))
        #expect(status == 0)
        #expect(sink.output.hasPrefix("{"))
    }

    @Test func stopOnErrorStopsAtTheFirstFailure() async throws {
        let (status, sink) = try await runPipe(Array("ticker tNOPE\nstatus\n".utf8), stopOnError: true)
        #expect(status == 1)
        #expect(sink.output.isEmpty)
    }

    @Test func hostileInputGivesErrorsNotCrashes() async throws {
        var bytes: [UInt8] = Array("status --ndjson\n".utf8)
        bytes += [0xFF, 0xFE, 0x00, 0x80, 0x0A]                       // invalid UTF-8
        bytes += Array(repeating: UInt8(ascii: "a"), count: 10_000) + [0x0A] // longer than the 4096 limit
        bytes += Array("status\u{1B}]0;pwned\u{07}\n".utf8)             // terminal escape
        bytes += Array("book \"tBTCUSD\n".utf8)                        // unbalanced quote
        bytes += Array("ticker \u{0}\n".utf8)                          // NUL
        bytes += Array("alerts --ndjson\n".utf8)
        let (status, sink) = try await runPipe(bytes)
        #expect(status == 2)
        let errors = sink.errors.split(separator: "\n")
        #expect(errors.count == 5)
        #expect(errors[0].contains("not valid UTF-8"))
        #expect(errors[1].contains("longer than 4096 bytes"))
        #expect(errors[2].contains("control character 0x1b"))
        #expect(errors[3].contains("unterminated \" quote"))
        #expect(errors[4].contains("control character 0x0"))
        #expect(!sink.errors.contains("\u{1B}"))
        #expect(sink.output.split(separator: "\n").count == 2, "the good lines before and after still ran")
    }

    @Test func randomBytesNeverCrash() async throws {
        var generator = SplitMix64(seed: 0xB0F)
        var bytes: [UInt8] = []
        for _ in 0..<20_000 {
            bytes.append(UInt8(truncatingIfNeeded: generator.next()))
        }
        let (status, _) = try await runPipe(bytes)
        #expect(status != 0)
    }

    @Test func noticesAreBufferedAndFlushedBetweenCommands() async {
        let many = (0..<(NoticeBuffer.capacity + 5)).map { "notice \($0)" } + ["evil \u{1B}[2J"]
        let buffer = NoticeBuffer(backend: FakeConsoleBackend(notices: many))
        await buffer.waitForStreamEnd()
        let sink = BufferedOutputSink()
        buffer.flush(to: sink)
        let lines = sink.errors.split(separator: "\n")
        #expect(lines.first == "* 6 older notices dropped")
        #expect(lines.count == NoticeBuffer.capacity + 1)
        #expect(lines.last == "* evil \\x1b[2J")
        #expect(sink.output.isEmpty)
        let again = BufferedOutputSink()
        buffer.flush(to: again)
        #expect(again.errors.isEmpty)
        buffer.stop()
    }

    /// Every example script runs in script mode against the fake backend without errors.
    @Test func exampleScriptsRun() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let directory = root.appendingPathComponent("examples/console")
        let scripts = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".bfx") }.sorted()
        #expect(scripts.count >= 2)
        for script in scripts {
            let text = try String(contentsOf: directory.appendingPathComponent(script), encoding: .utf8)
            let sink = BufferedOutputSink()
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let status = await ConsoleRunner.runScript(backend: FakeConsoleBackend(), source: ScriptLineSource(lines: lines), sink: sink, format: .plain, sleep: { _ in })
            #expect(status == 0, "\(script): \(sink.errors)")
        }
    }
}

