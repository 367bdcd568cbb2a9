import BfxClient
import Foundation
import Logging
import Metrics
import Synchronization
import UnixSignals
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a runtime as a process: load + validate, install backends, start, handle signals
/// (SIGINT/SIGTERM → graceful stop, SIGHUP → reload), `--duration`, `--once`, periodic summary.
public enum RuntimeHost {
    /// Loads, runs and stops; returns the process exit code (see `RuntimeExitCode`).
    public static func run(_ run: RunOptions, output: @escaping @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }) async -> Int32 {
        let environment = ProcessInfo.processInfo.environment
        let loaded: LoadedConfig
        do {
            loaded = try ConfigLoader.load(path: run.configPath, environment: environment)
        } catch {
            LogSink.standardError.write(error.description)
            return RuntimeExitCode.configInvalid
        }
        let config: RuntimeConfig = {
            var config = loaded.config
            if let format = run.logFormat { config.logging.format = format }
            if let level = run.logLevel { config.logging.level = level }
            if let listen = run.gatewayListen { config.gateway?.listen = listen }
            if let path = run.recordingPath {
                var recording = config.recording ?? RecordingConfig()
                recording.path = path
                config.recording = recording
            }
            return config
        }()
        if run.requireGateway && config.gateway == nil {
            LogSink.standardError.write("\(run.configPath): no `gateway:` section; add one (docs/gateway.md, examples/gateway.yaml)")
            return RuntimeExitCode.configInvalid
        }
        if let listen = config.gateway?.listen, let problem = config.gateway?.configuration.problems.first {
            LogSink.standardError.write("gateway.listen \(listen): \(problem)")
            return RuntimeExitCode.configInvalid
        }
        let metricsBackend = run.installBackends?(config)
        let logger: Logger = {
            var logger = Logger(label: "bfx.runtime")
            logger.logLevel = config.logging.level.loggerLevel
            return logger
        }()

        var options = RuntimeOptions(logger: logger, metrics: metricsBackend, environment: environment, configPath: run.configPath)
        options.listenOverride = run.listen
        let runtime = Runtime(config: config, options: options)
        // Trap SIGINT/SIGTERM/SIGHUP BEFORE start: a signal arriving during or right after start is
        // queued and handled once running (graceful stop / reload) instead of hitting the default
        // action, which killed the process without shutdown (nonce high-water marks not persisted).
        // Not with --once: nothing would consume the signals, so Ctrl-C must keep its default action.
        let signals: UnixSignalsSequence? = run.once ? nil : await UnixSignalsSequence(trapping: .sigint, .sigterm, .sighup)
        do {
            try await runtime.start()
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            if case RuntimeError.authFailed = error { return RuntimeExitCode.authFatal }
            return RuntimeExitCode.runtimeFatal
        }

        if run.once {
            await waitForData(runtime, timeout: run.onceTimeout)
            let snapshot = await runtime.snapshot()
            if run.json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                encoder.dateEncodingStrategy = .iso8601
                let text = (try? encoder.encode(snapshot)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
                output(text + "\n")
            } else {
                output(SummaryRenderer.render(snapshot, bookDepth: config.output.bookDepth, tradesPerSymbol: config.output.trades))
            }
            await runtime.stop()
            return await runtime.exitRequest?.code ?? RuntimeExitCode.ok
        }

        let interval: Double = {
            if let cli = run.summaryInterval { return cli }
            if config.output.summaryInterval.milliseconds > 0 { return config.output.summaryInterval.seconds }
            return isatty(STDOUT_FILENO) == 1 ? 5 : 0
        }()

        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // SIGINT/SIGTERM: graceful stop. SIGHUP: reload (old config kept when invalid).
                guard let signals else { return }
                for await signal in signals {
                    if signal == .sighup {
                        logger.notice("SIGHUP: reloading configuration")
                        try? await runtime.reload()
                    } else {
                        logger.notice("signal received, shutting down", metadata: ["signal": "\(signal)"])
                        await runtime.stop()
                        return
                    }
                }
            }
            if let duration = run.duration {
                group.addTask {
                    try? await Task.sleep(for: .milliseconds(Int64(duration * 1000)))
                    if !Task.isCancelled {
                        logger.notice("duration reached, shutting down", metadata: ["seconds": "\(duration)"])
                        await runtime.stop()
                    }
                }
            }
            if interval > 0 {
                group.addTask {
                    // First summary quickly, then every interval (bounded by cancellation).
                    try? await Task.sleep(for: .milliseconds(Int64(min(interval, 2) * 1000)))
                    var first = true
                    while !Task.isCancelled {
                        if await runtime.currentPhase != .running { return }
                        let snapshot = await runtime.snapshot()
                        // The first summary says once what its line kinds mean.
                        if first { output(SummaryRenderer.legend(snapshot)) }
                        first = false
                        output(SummaryRenderer.render(snapshot, bookDepth: config.output.bookDepth, tradesPerSymbol: config.output.trades))
                        try? await Task.sleep(for: .milliseconds(Int64(interval * 1000)))
                    }
                }
            }
            await runtime.waitUntilStopped()
            group.cancelAll()
        }
        let exit = await runtime.exitRequest
        if let exit { logger.notice("exiting", metadata: ["code": "\(exit.code)", "reason": "\(exit.reason)"]) }
        return exit?.code ?? RuntimeExitCode.ok
    }

    /// Polls (bounded) until every channel has data or `timeout` passes.
    static func waitForData(_ runtime: Runtime, timeout: Double) async {
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
        while ContinuousClock.now < deadline {
            let channels = await runtime.channelList()
            let books = await runtime.books(depth: 1)
            let bookSpecs = channels.filter { $0.spec.channelName == "book" }.count
            if !channels.isEmpty, channels.allSatisfy({ $0.messages > 0 }), books.count >= bookSpecs { return }
            if channels.isEmpty { return }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}
