/// A duration in a configuration file: `500ms`, `20s`, `2m`, `1h`, or a bare number of seconds.
public struct ConfigDuration: Sendable, Hashable, Comparable, Encodable, CustomStringConvertible {
    /// The length in milliseconds.
    public var milliseconds: Int64

    /// Creates a duration from milliseconds.
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// The whole milliseconds of a `Duration` (rounded to nearest): how library defaults become
    /// YAML defaults.
    public init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.milliseconds = seconds * 1000 + Int64((Double(attoseconds) / 1e15).rounded())
    }

    /// Creates a duration from whole seconds.
    public static func seconds(_ value: Int64) -> ConfigDuration { ConfigDuration(milliseconds: value * 1000) }

    /// The value as a Swift `Duration`.
    public var duration: Duration { .milliseconds(milliseconds) }

    /// The value in (fractional) seconds.
    public var seconds: Double { Double(milliseconds) / 1000 }

    /// Parses `500ms`, `1.5s`, `2m`, `1h` or a bare number (seconds). Returns nil when malformed.
    public static func parse(_ text: String) -> ConfigDuration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count)
            // "ms" must win over "s"/"m": only accept if the rest is a pure number.
            if let value = Double(number), value.isFinite, value >= 0 {
                return ConfigDuration(milliseconds: Int64((value * factor).rounded()))
            }
        }
        if let value = Double(trimmed), value.isFinite, value >= 0 {
            return ConfigDuration(milliseconds: Int64((value * 1000).rounded()))
        }
        return nil
    }

    /// Canonical text: the largest unit that represents the value exactly.
    public var description: String {
        if milliseconds == 0 { return "0s" }
        if milliseconds % 3_600_000 == 0 { return "\(milliseconds / 3_600_000)h" }
        if milliseconds % 60_000 == 0 { return "\(milliseconds / 60_000)m" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        return "\(milliseconds)ms"
    }

    /// Orders by length.
    public static func < (lhs: ConfigDuration, rhs: ConfigDuration) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// Encodes as its canonical text so the effective config round-trips.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
