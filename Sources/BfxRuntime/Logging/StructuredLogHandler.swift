import Foundation
import Logging

/// A swift-log handler writing one line per record: human text or JSON lines. swift-log ships
/// only `StreamLogHandler` (no JSON, no redaction), hence this handler.
public struct StructuredLogHandler: LogHandler {
    /// The logger label (e.g. `bfx.runtime`).
    public let label: String
    /// The output format.
    public let format: LoggingConfig.Format
    /// Where lines go.
    public let sink: LogSink
    /// Minimum level.
    public var logLevel: Logger.Level
    /// Handler metadata.
    public var metadata: Logger.Metadata = [:]

    /// Creates a handler.
    public init(label: String, format: LoggingConfig.Format, level: Logger.Level = .info, sink: LogSink = .standardError) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.sink = sink
    }

    /// Metadata access.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Formats and writes one record.
    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let line = Self.format(format, timestamp: Date(), level: event.level, label: label, message: "\(event.message)", metadata: merged)
        sink.write(SecretRedactor.shared.redact(line))
    }

    /// Formats one record (exposed for tests).
    public static func format(_ format: LoggingConfig.Format, timestamp: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        let time = timestampFormatter.format(timestamp)
        switch format {
        case .text:
            var line = "\(time) \(level.rawValue.uppercased().padding(toLength: 8, withPad: " ", startingAt: 0)) \(label): \(message)"
            for key in metadata.keys.sorted() {
                guard let value = metadata[key] else { continue }
                let text = "\(value)"
                line += " \(key)=" + (text.contains(" ") ? "\"\(text)\"" : text)
            }
            return line
        case .json:
            var object: [String: Any] = ["ts": time, "level": level.rawValue, "logger": label, "msg": message]
            for (key, value) in metadata where object[key] == nil { object[key] = jsonValue(value) }
            guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]),
                  let text = String(data: data, encoding: .utf8) else {
                return "{\"level\":\"\(level.rawValue)\",\"msg\":\"unencodable log record\"}"
            }
            return text
        }
    }

    static func jsonValue(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case .string(let s): return s
        case .stringConvertible(let c): return "\(c)"
        case .array(let a): return a.map(jsonValue)
        case .dictionary(let d): return d.mapValues(jsonValue)
        }
    }

    static let timestampFormatter = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}

/// The log handler factory a program passes to `LoggingSystem.bootstrap` to get the runtime's
/// text/JSON lines with secrets redacted. The library never bootstraps swift-log itself: the
/// program chooses the backend (`bfxrun` does, in `Sources/bfxrun/Backends.swift`).
public enum RuntimeLogging {
    /// A `LoggingSystem.bootstrap` factory writing `format` lines at `level` and above.
    public static func handlerFactory(format: LoggingConfig.Format, level: Logger.Level) -> @Sendable (String) -> any LogHandler {
        { label in StructuredLogHandler(label: label, format: format, level: level) }
    }
}
