/// A JSON-shaped value with ordered object keys and exact number text.
///
/// Every console command renders its result through this one type, so the human table and the
/// `--json`/`--ndjson` forms always carry the same data. Numbers keep their textual form (for
/// example a price `"0.0000007"`), because a `Double` would change what the operator sees.
public enum ConsoleValue: Sendable, Equatable {
    /// JSON `null`; rendered as `-` in tables.
    case null
    /// JSON `true`/`false`.
    case bool(Bool)
    /// A JSON number, kept as its exact text (validated by the caller or the parser).
    case number(String)
    /// A JSON string.
    case string(String)
    /// A JSON array.
    case array([ConsoleValue])
    /// A JSON object with keys in insertion order.
    case object([ConsoleField])

    /// An integer number value.
    public static func int<T: BinaryInteger>(_ value: T) -> ConsoleValue {
        .number(String(value))
    }

    /// A floating-point number value; non-finite values become `null` (JSON has no NaN).
    public static func double(_ value: Double) -> ConsoleValue {
        guard value.isFinite else { return .null }
        // Six decimals are plenty for ages, rates and durations; exact prices travel as text.
        let rounded = abs(value) < 1e9 ? (value * 1_000_000).rounded() / 1_000_000 : value
        if rounded == rounded.rounded(), abs(rounded) < 1e15 {
            return .number(String(Int64(rounded)))
        }
        return .number(String(rounded))
    }

    /// An optional value, `null` when absent.
    public static func optional(_ value: ConsoleValue?) -> ConsoleValue {
        value ?? .null
    }

    /// Looks up a key in an object value; `nil` for other cases or a missing key.
    public subscript(key: String) -> ConsoleValue? {
        guard case .object(let fields) = self else { return nil }
        return fields.first { $0.key == key }?.value
    }

    /// The text shown in a table cell: strings unquoted, numbers as-is, nested values as compact JSON.
    public var cellText: String {
        switch self {
        case .null: return "-"
        case .bool(let flag): return flag ? "yes" : "no"
        case .number(let text): return text
        case .string(let text): return TerminalText.sanitized(text)
        case .array, .object: return TerminalText.sanitized(JSONWriter.compact(self))
        }
    }

    /// Whether the value is a number (used to right-align numeric table columns).
    public var isNumber: Bool {
        if case .number = self { return true }
        return false
    }
}

extension ConsoleValue: ExpressibleByStringLiteral {
    /// A string value from a literal.
    public init(stringLiteral value: String) {
        self = .string(value)
    }
}
