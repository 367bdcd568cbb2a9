import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a console over a backend: the interactive REPL (libedit) or script mode.
///
/// Exit status (documented in docs/console.md): interactive mode returns 0; script modes
/// (`-c`, `--file`, stdin not a terminal) return the status of the last failing command —
/// 1 command failed, 2 usage/syntax/input error, 130 interrupted — or 0 if all succeeded.
/// SIGTERM stops the runtime gracefully and exits 143.
public enum ConsoleRunner {
    /// Maximum lines a script may run (a bound on the read loop).
    package static let maxScriptLines = 10_000_000

    /// Runs the console on the process's stdin/stdout/stderr and shuts the backend down at the end.
    public static func run(backend: any ConsoleBackend, options: ConsoleOptions) async -> Int32 {
        let sink = StandardOutputSink()
        let stdinIsTerminal = isatty(0) == 1
        let stdoutIsTerminal = isatty(1) == 1
        let format = options.format ?? (stdoutIsTerminal ? .table : .plain)
        // SIGTERM (systemd, `kill`): graceful runtime shutdown, then exit 143 (128 + SIGTERM).
        signal(SIGTERM, SIG_IGN)
        let termination = DispatchSource.makeSignalSource(signal: SIGTERM, queue: DispatchQueue(label: "bfxkit.console.sigterm"))
        termination.setEventHandler {
            sink.writeError("terminating: shutting the runtime down\n")
            Task {
                await backend.shutdown()
                exit(143)
            }
        }
        termination.resume()
        defer { termination.cancel() }
        let status: Int32
        if let commands = options.commands {
            status = await runScript(backend: backend, source: ScriptLineSource(lines: [commands]), sink: sink, format: format, outputIsTerminal: stdoutIsTerminal, options: options)
        } else if let path = options.scriptPath {
            let fd = open(path, O_RDONLY)
            guard fd >= 0 else {
                sink.writeError("error: cannot open script \(TerminalText.sanitized(path)): \(String(cString: strerror(errno)))\n")
                await backend.shutdown()
                return 2
            }
            defer { close(fd) }
            status = await runScript(backend: backend, source: StreamLineReader(fileDescriptor: fd), sink: sink, format: format, outputIsTerminal: stdoutIsTerminal, options: options)
        } else if !stdinIsTerminal {
            status = await runScript(backend: backend, source: StreamLineReader(fileDescriptor: 0), sink: sink, format: format, outputIsTerminal: stdoutIsTerminal, options: options)
        } else {
            status = await runInteractive(backend: backend, sink: sink, format: format, options: options)
        }
        await backend.shutdown()
        return status
    }

    /// Script mode: every line is executed (or until `quit`, or the first failure with
    /// `stopOnError`); returns the status of the last failing command. Does not shut down the backend.
    public static func runScript(
        backend: any ConsoleBackend,
        source: any ConsoleLineSource,
        sink: any ConsoleOutputSink,
        format: OutputFormat,
        outputIsTerminal: Bool = false,
        options: ConsoleOptions = ConsoleOptions(historyPath: nil),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) async -> Int32 {
        let session = ConsoleSession(
            backend: backend,
            sink: sink,
            configuration: ConsoleSessionConfiguration(format: format, outputIsTerminal: outputIsTerminal, sleep: sleep, version: options.version)
        )
        let notices = NoticeBuffer(backend: backend)
        let controller = InterruptController()
        for _ in 0..<maxScriptLines {
            notices.flush(to: sink)
            let status: Int32
            switch await source.readLine(prompt: "") {
            case .end:
                notices.stop()
                return await session.lastFailureStatus
            case .invalid(let message):
                status = await session.reportInvalidInput(message)
            case .line(let line):
                status = await controller.run { await session.execute(line: line) }
            }
            if await session.quitRequested { break }
            if options.stopOnError, status != 0 { break }
        }
        notices.flush(to: sink)
        notices.stop()
        return await session.lastFailureStatus
    }

    /// The interactive REPL with libedit, history, completion, Ctrl-C handling.
    static func runInteractive(backend: any ConsoleBackend, sink: any ConsoleOutputSink, format: OutputFormat, options: ConsoleOptions) async -> Int32 {
        let editor = EditLineReader(historyPath: options.historyPath, historySize: options.historySize)
        let asker = editor
        let session = ConsoleSession(
            backend: backend,
            sink: sink,
            configuration: ConsoleSessionConfiguration(
                format: format,
                outputIsTerminal: true,
                confirm: { question in
                    guard case .line(let answer) = await asker.readLine(prompt: question + " [y/N] ") else { return false }
                    let word = answer.trimmingSpaces().lowercased()
                    return word == "y" || word == "yes"
                },
                version: options.version
            )
        )
        let controller = InterruptController()
        // Ctrl-C with no command running abandons the line being edited (readline convention).
        let signals = SignalInterruptSource(controller: controller) { cancelled in
            if !cancelled { editor.interruptLine() }
        }
        defer { signals.cancel() }
        let notices = NoticeBuffer(backend: backend)
        sink.write("bfxkit console \(options.version) — `help` lists commands, Tab completes, Ctrl-C cancels, Ctrl-D exits.\n")
        for _ in 0..<maxScriptLines {
            notices.flush(to: sink)
            let health = await backend.health()
            let completer = await {
                _ = await session.refreshCompletionData()
                return await session.completer()
            }()
            EditLineReader.setCompletion { prefix in
                let words = completer.candidates(forLinePrefix: prefix)
                // `dump FILE`: fall back to libedit's file-name completion.
                if words.isEmpty, prefix.trimmingSpaces().hasPrefix("dump") { return nil }
                return words
            }
            let result = await editor.readLine(prompt: ConsolePrompt.render(health, unicode: editor.isUTF8))
            switch result {
            case .end:
                sink.write("\n")
                notices.stop()
                EditLineReader.setCompletion(nil)
                return 0
            case .invalid(let message):
                await session.reportInvalidInput(message)
            case .line(let line):
                _ = await controller.run { await session.execute(line: line) }
            }
            if await session.quitRequested { break }
        }
        notices.stop()
        EditLineReader.setCompletion(nil)
        return 0
    }
}
