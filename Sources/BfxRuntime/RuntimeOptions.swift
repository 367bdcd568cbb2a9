import AsyncHTTPClient
import Foundation
import Logging
import BfxProtocol

/// How a `Runtime` is hosted: logger, metrics registry, environment, HTTP server switch.
public struct RuntimeOptions: Sendable {
    /// Logger for the runtime (the executable installs `StructuredLogHandler`).
    public var logger: Logger
    /// The program's metrics backend (`bfxrun` installs Prometheus); nil: the runtime records
    /// through the global `MetricsSystem` and `/metrics` answers 503.
    public var metrics: MetricsBackend?
    /// The clock of every timer: clients, REST limits, nonces, sampling, scheduled faults.
    public var clock: any BfxClock
    /// Environment for `${VAR}` resolution on reload.
    public var environment: [String: String]
    /// The config file (used by `reload()`).
    public var configPath: String?
    /// Serve `/metrics`, `/api/state` and the dashboard (when `metrics.enabled`).
    public var serveHTTP: Bool
    /// Overrides `metrics.listen` (e.g. tests use `127.0.0.1:0`).
    public var listenOverride: String?
    /// HTTP client for webhooks and public REST calls.
    public var httpClient: HTTPClient
    /// Alert evaluation / history sampling interval.
    public var sampleInterval: Duration

    /// Options with production defaults: real clock, shared HTTP client, 1 s sampling.
    public init(logger: Logger = Logger(label: "bfx.runtime"),
                metrics: MetricsBackend? = nil, clock: any BfxClock = SystemClock(),
                environment: [String: String] = ProcessInfo.processInfo.environment,
                configPath: String? = nil, serveHTTP: Bool = true, listenOverride: String? = nil,
                httpClient: HTTPClient = .shared, sampleInterval: Duration = .seconds(1)) {
        self.logger = logger
        self.metrics = metrics
        self.clock = clock
        self.environment = environment
        self.configPath = configPath
        self.serveHTTP = serveHTTP
        self.listenOverride = listenOverride
        self.httpClient = httpClient
        self.sampleInterval = sampleInterval
    }
}

/// Why the runtime asked the process to exit.
public struct RuntimeExit: Sendable, Hashable, Codable {
    /// Exit status.
    public var code: Int32
    /// Human-readable cause (alert name, auth failure text), logged and printed on exit.
    public var reason: String
}
