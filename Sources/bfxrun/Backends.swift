import BfxRuntime
import Logging
import Metrics
import Prometheus
import Synchronization

/// The program's choice of logging and metrics backends (swift-log / swift-metrics rule: the
/// libraries record through the APIs, the executable picks the backends): bfxkit's structured
/// text/JSON log lines with secrets redacted, and swift-prometheus for `/metrics`.
enum Backends {
    /// One registry per process: the runtime's own series and every client/nonce series land in it.
    static let registry = PrometheusCollectorRegistry()
    // swift-log and swift-metrics may be bootstrapped once per process; a Mutex guards the flags
    // because `run` and `console` could both reach here from different tasks.
    private static let installed = Mutex((logging: false, metrics: false))

    /// Installs the log handler (once per process).
    static func installLogging(format: LoggingConfig.Format, level: Logger.Level) {
        let first = installed.withLock { state -> Bool in
            defer { state.logging = true }
            return !state.logging
        }
        guard first else { return }
        LoggingSystem.bootstrap(RuntimeLogging.handlerFactory(format: format, level: level))
    }

    /// Installs logging and the Prometheus metrics backend; returns the backend for the runtime.
    @Sendable static func install(_ config: RuntimeConfig) -> MetricsBackend? {
        installLogging(format: config.logging.format, level: config.logging.level.loggerLevel)
        let factory = PrometheusMetricsFactory(registry: registry)
        let first = installed.withLock { state -> Bool in
            defer { state.metrics = true }
            return !state.metrics
        }
        if first { MetricsSystem.bootstrap(factory) }
        return MetricsBackend(factory: factory, exposition: { registry.emitToString() })
    }
}
