import Logging

/// Structured logging on stderr.
public struct LoggingConfig: Sendable, Hashable, Encodable {
    /// Output formats.
    public enum Format: String, Sendable, Hashable, Codable, CaseIterable {
        /// `2026-01-01T00:00:00.000Z info bfx.runtime: message key=value`.
        case text
        /// One JSON object per line.
        case json
    }

    /// Log levels, as swift-log names them.
    public enum Level: String, Sendable, Hashable, Codable, CaseIterable {
        /// Everything, including per-frame details (very verbose; for reproducing a problem).
        case trace
        /// Internal decisions: subscriptions, resyncs, queue dispatch.
        case debug
        /// Lifecycle: connects, subscriptions, reconnects (the default).
        case info
        /// Notable but expected events: start, stop, config reload, maintenance.
        case notice
        /// Something degraded: checksum mismatch, alert fired, retry.
        case warning
        /// A call or component failed.
        case error
        /// The runtime cannot continue (e.g. authentication rejected).
        case critical

        /// The swift-log level.
        public var loggerLevel: Logger.Level { Logger.Level(rawValue: rawValue) ?? .info }
    }

    /// Minimum level.
    public var level = Level.info
    /// Line format.
    public var format = Format.text

    /// The values an empty `logging:` section means (`info`, text lines).
    public init() {}
}
