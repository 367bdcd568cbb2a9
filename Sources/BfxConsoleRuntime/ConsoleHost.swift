import BfxConsole
import BfxRuntime
import Foundation
import Logging

/// Runs `bfxrun console CONFIG`: load and validate the config, start the runtime, run the
/// console (interactive or script mode), stop the runtime gracefully, return the exit code.
public enum ConsoleHost {
    /// Runs the console; returns the process exit code.
    ///
    /// Config errors exit with `RuntimeExitCode.configInvalid`, start failures with
    /// `authFatal`/`runtimeFatal`; otherwise the console's status (see `ConsoleRunner`).
    /// `logLevel` overrides the config's level (the console defaults to `error` interactively
    /// so log lines do not interleave with the prompt; `log level info` raises it). Before the
    /// first command it waits up to `readyTimeout` for every channel to receive data.
    public static func run(configPath: String, options: ConsoleOptions, logLevel: String? = nil, logFormat: String? = nil, readyTimeout: Duration = .seconds(10),
                           installBackends: (@Sendable (RuntimeConfig) -> MetricsBackend?)? = nil) async -> Int32 {
        let loaded: LoadedConfig
        do {
            loaded = try ConfigLoader.load(path: configPath)
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            return RuntimeExitCode.configInvalid
        }
        var config = loaded.config
        let interactive = options.commands == nil && options.scriptPath == nil && isatty(0) == 1
        if let logLevel, let level = LoggingConfig.Level(rawValue: logLevel) {
            config.logging.level = level
        } else if interactive {
            config.logging.level = .error
        }
        if let logFormat, let format = LoggingConfig.Format(rawValue: logFormat) {
            config.logging.format = format
        }
        let metrics = installBackends?(config)
        var logger = Logger(label: "bfx.runtime")
        logger.logLevel = config.logging.level.loggerLevel
        let runtime = Runtime(config: config, options: RuntimeOptions(logger: logger, metrics: metrics, configPath: configPath))
        do {
            try await runtime.start()
        } catch {
            FileHandle.standardError.write(Data("error: cannot start the runtime: \(error)\n".utf8))
            if case RuntimeError.authFailed = error { return RuntimeExitCode.authFatal }
            return RuntimeExitCode.runtimeFatal
        }
        let backend = RuntimeConsoleBackend(runtime: runtime, config: config, version: options.version)
        if !(await backend.waitUntilReady(timeout: readyTimeout)) {
            FileHandle.standardError.write(Data("warning: not every channel has data yet; continuing\n".utf8))
        }
        return await ConsoleRunner.run(backend: backend, options: options)
    }
}
